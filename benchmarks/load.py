"""Load with wrk: one generated Lua script per probe, percentiles read from its own report."""

from __future__ import annotations

import http.cookiejar
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

THREADS = 2
# Slow cold pages must be measured, not dropped: wrk's default of 2 s would count them as
# socket errors and leave them out of the percentiles.
TIMEOUT = "30s"
# What a browser sends: the app may answer compressed, as it would to a visitor.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, br"}

# Each wrk thread requests paths[(offset + n) % #paths] with n unique across threads, adds a
# unique parameter if asked, and done() prints the figures as one JSON line.
LUA = """
local paths = {%(paths)s}
local unique = %(unique)s
local run = %(run)s
local offset = %(offset)d
local threads = 0
local counter = 0
%(headers)s

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local n = counter * %(threads)d + thread_number
  local path = paths[(offset + n) %% #paths + 1]
  if unique then
    path = path .. run .. n
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "seconds": %%.3f, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def wrk_path() -> str:
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is missing: `make bench` installs Debian's package (apt-get install wrk)")
    return path


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string


def unique_prefix(path: str) -> str:
    """`path` ready for a unique value to be appended (`bench=<run>-<n>`)."""
    return path + ("&" if "?" in path else "?") + "bench="


def script(paths, unique: bool, run: str, offset: int, headers: dict[str, str]) -> str:
    quoted = [_lua_string(unique_prefix(p) if unique else p) for p in paths]
    header_lines = "\n".join(
        f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}"
        for name, value in headers.items()
    )
    return LUA % {
        "paths": ",\n".join(quoted),
        "unique": "true" if unique else "false",
        "run": _lua_string(f"{run}-"),
        "offset": offset,
        "headers": header_lines,
        "threads": THREADS,
    }


def load(
    base: str,
    paths,
    *,
    seconds: int,
    connections: int,
    unique: bool = False,
    run: str = "0",
    offset: int = 0,
    cookie: str | None = None,
) -> Result:
    """Requests `paths` from `base` in turn for `seconds`, with wrk."""
    headers = dict(BROWSER_HEADERS)
    if cookie:
        headers["Cookie"] = cookie
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script(paths, unique, run, offset, headers))
    try:
        command = [
            wrk_path(),
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            TIMEOUT,
        ]
        command += ["-s", file.name]
        output = subprocess.run([*command, base], capture_output=True, text=True, check=True).stdout
    finally:
        Path(file.name).unlink()
    figures = json.loads(re.search(r"^BENCH (\{.*\})$", output, re.M).group(1))
    return Result(
        rps=figures["requests"] / figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        requests=figures["requests"],
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
    )


def status_of(base: str, path: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def log_in(base: str, email: str, password: str) -> str:
    """Logs in through the login form; returns the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/auth/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    # Followed to the home page, which shows (and so clears) the welcome message.
    with opener.open(base + "/auth/login", form.encode(), timeout=30) as response:
        if urllib.parse.urlparse(response.url).path == "/auth/login":
            raise RuntimeError("the benchmark's staff account could not log in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
