"""`make bench`: the public pages' speed against a minimal Flask app, on a large database.

1. Creates a throwaway database (an SQLite file, or, with DATABASE_URL, a new database on
   that PostgreSQL server), migrates it and seeds it (benchmarks/seed.py).
2. Serves the app and a minimal Flask app (benchmarks/baseline.py) with gunicorn, the same
   way (`make run`'s settings: sync workers, WORKERS of them).
3. Loads each with wrk at 32 connections, in interleaved rounds: baseline, then every URL,
   ROUNDS times; keeps the median requests/s and latencies of each URL.
4. Prints, per URL, median requests/s, p50, p99 and the ratio to the baseline; peak worker
   memory; the gzip-compressed size of the home page with its CSS and JS. Writes the same
   to benchmarks/results/<time>-<database>.json.

Environment: DATABASE_URL (PostgreSQL server to use), BENCH_ROUNDS (3), BENCH_SECONDS (5),
BENCH_CONNECTIONS (32), WORKERS (2).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 5))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 32))
WORKERS = int(os.environ.get("WORKERS", 2))
TARGETS = {"page": 0.5, "search": 0.25}
MEMORY_LIMIT_MIB = 80
COMPRESSED_LIMIT_KB = 45


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("wrk is missing: installing Debian's package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The database -----------------------------------------------------------------------------


@contextmanager
def throwaway_database():
    """Yields (kind, SQLAlchemy URL) of a new, empty database; removes it afterwards."""
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        import psycopg

        base = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", server)
        admin = base.rsplit("/", 1)[0] + "/postgres"
        name = f"atelier_bench_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield "postgresql", base.rsplit("/", 1)[0] + f"/{name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    directory = tempfile.mkdtemp(prefix="atelier-bench-")
    try:
        yield "sqlite", f"sqlite:///{directory}/bench.sqlite3"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def prepare(url: str, env: dict) -> dict:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hub", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from benchmarks.seed import seed

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    facts = seed(engine)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    log(f"database seeded in {time.monotonic() - started:.1f} s")
    return facts


# Servers ----------------------------------------------------------------------------------


@contextmanager
def gunicorn(app: str, env: dict, check_path: str = "/"):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + check_path, timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start for {app}") from None
                time.sleep(0.3)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mib(pid: int) -> float:
    """Proportional set size: shared libraries count once across the workers that map them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch:
    """Samples the workers' resident memory twice a second; keeps the peak."""

    def __init__(self, master: int):
        self.master = master
        self.peak = 0.0
        self.peak_pss = 0.0
        self.label = "start"  # what was running when the peak was seen
        self.peak_label = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in worker_pids(self.master):
                rss = rss_mib(pid)
                self.peak_pss = max(self.peak_pss, pss_mib(pid))
                if rss > self.peak:
                    self.peak, self.peak_label = rss, self.label
            self._stop.wait(0.5)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# Load -------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNITS[unit]


def wrk(wrk_path: str, url: str, script: str | None = None) -> dict:
    command = [wrk_path, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def compressed_home(base: str) -> dict:
    """gzip size (level 6, as a front server would send) of / with its stylesheets and scripts."""
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        html = response.read()
    assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
    parts = {"/": html}
    for asset in assets:
        with urllib.request.urlopen(base + asset.decode(), timeout=10) as response:
            parts[asset.decode()] = response.read()
    sizes = {path: len(gzip.compress(body, 6)) for path, body in parts.items()}
    return {
        "files": sizes,
        "total_bytes": sum(sizes.values()),
        "uncompressed_bytes": sum(len(b) for b in parts.values()),
    }


SEARCH_SCRIPT = """
-- Unaccented on purpose: "donnees" finds "données".
local words = {"plateforme", "capteur", "service", "outil", "reseau", "carte", "marche",
  "atelier", "assistant", "mobilite", "sante", "energie", "reemploi", "formation", "donnees"}
request = function()
  local path = "/innovations?q=" .. words[math.random(#words)] .. "&page=" .. math.random(1, 40)
  return wrk.format("GET", path)
end
"""


def main() -> None:
    wrk_path = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with throwaway_database() as (kind, url):
        log(f"database: {kind}")
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "benchmark-secret-key",
            "LOG_LEVEL": "WARNING",
            "MAIL_DELIVER_AFTER_REQUEST": "false",
            "PYTHONPATH": str(ROOT),
        }
        facts = prepare(url, env)
        word = facts["common_word"]
        urls = {
            "/": "page",
            "/innovations": "page",
            f"/innovations?q={word}": "search",
            "/events": "page",
            f"/events/{facts['event_slug']}": "page",
            "/api/v1/innovations": "page",
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(SEARCH_SCRIPT)
        runs: dict[str, list[dict]] = {"baseline": [], **{path: [] for path in urls}}
        runs["search, a different word and page each time"] = []
        with (
            gunicorn("benchmarks.baseline:app", env) as (baseline, _),
            gunicorn("wsgi:app", env, "/healthz") as (app, master),
            MemoryWatch(master) as memory,
        ):
            statuses = {
                path: status_of(app + urllib.parse.quote(path, safe="/?=&")) for path in urls
            }
            for path, status in statuses.items():
                log(f"{path} answers {status}")
            for path in urls:  # warm each worker's cache and connections
                memory.label = f"warm-up {path}"
                wrk(wrk_path, app + urllib.parse.quote(path, safe="/?=&"))
            for round_number in range(1, ROUNDS + 1):
                log(f"round {round_number}/{ROUNDS}")
                runs["baseline"].append(wrk(wrk_path, baseline + "/"))
                for path in urls:
                    memory.label = path
                    runs[path].append(wrk(wrk_path, app + urllib.parse.quote(path, safe="/?=&")))
                memory.label = "search, a different word and page each time"
                runs["search, a different word and page each time"].append(
                    wrk(wrk_path, app + "/", script.name)
                )
            home = compressed_home(app)
            idle = max((rss_mib(pid) for pid in worker_pids(master)), default=0.0)
        Path(script.name).unlink()

    def median(path: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[path])

    base_rps = median("baseline", "rps")
    rows = []
    for path, results in runs.items():
        rps = median(path, "rps")
        kind_of = urls.get(path, "search" if path.startswith("search") else "baseline")
        target = TARGETS.get(kind_of)
        rows.append(
            {
                "url": path,
                "kind": kind_of,
                "status": statuses.get(path, 200),
                "rps": round(rps, 1),
                "p50_ms": round(median(path, "p50_ms"), 2),
                "p99_ms": round(median(path, "p99_ms"), 2),
                "ratio": round(rps / base_rps, 3),
                "target": target if path in urls else None,
                "meets_target": (rps / base_rps >= target) if target and path in urls else None,
                "non_2xx": sum(run["non_2xx"] for run in results),
                "rounds": results,
            }
        )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds_per_run": SECONDS,
        "rounds": ROUNDS,
        "cpus": os.cpu_count(),
        "urls": rows,
        "peak_worker_memory_mib": round(memory.peak, 1),
        "peak_worker_memory_during": memory.peak_label,
        "peak_worker_pss_mib": round(memory.peak_pss, 1),
        "worker_memory_after_mib": round(idle, 1),
        "memory_limit_mib": MEMORY_LIMIT_MIB,
        "home_compressed": home,
        "home_compressed_limit_kb": COMPRESSED_LIMIT_KB,
    }
    print()
    print(
        f"{'URL':<48} {'status':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  target"
    )
    for row in rows:
        target = ""
        if row["target"]:
            target = f"≥ {row['target']}  {'ok' if row['meets_target'] else 'MISSED'}"
        print(
            f"{row['url'][:48]:<48} {row['status']:>6} {row['rps']:>9.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['ratio']:>7.3f}  {target}"
        )
    print()
    print(
        f"peak worker memory: {memory.peak:.1f} MiB (limit {MEMORY_LIMIT_MIB} MiB), "
        f"during {memory.peak_label}; {idle:.1f} MiB at the end; "
        f"peak PSS {memory.peak_pss:.1f} MiB"
    )
    total_kb = home["total_bytes"] / 1024
    print(
        f"home page + CSS + JS, gzip: {total_kb:.1f} KB (limit {COMPRESSED_LIMIT_KB} KB; "
        f"{home['uncompressed_bytes'] / 1024:.1f} KB uncompressed)"
    )
    name = RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{kind}.json"
    name.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {name.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
