"""`make bench BENCH_ARGS=--in-process`: each probe's requests handed straight to the app.

No server and no load generator: the app (and the minimal Flask app) are called as gunicorn
calls them, one request after another, in one process. It measures what the app itself
spends on a request, which a machine shared with other work blurs far less than req/s under
load. Runs in its own process, started by benchmarks/run.py with the app's environment;
reads the probes as JSON on stdin and prints the mean milliseconds per request as JSON.
"""

from __future__ import annotations

import json
import sys
import time

from werkzeug.test import EnvironBuilder, run_wsgi_app

from benchmarks.load import BROWSER_HEADERS

WARM_UP = 20  # requests per probe before timing: imports, templates, kept indexes


def call(app, path: str) -> str:
    route, _, query = path.partition("?")
    environ = EnvironBuilder(path=route, query_string=query, headers=BROWSER_HEADERS)
    body, status, _headers = run_wsgi_app(app, environ.get_environ())
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return status


def mean_ms(app, paths: list[str], count: int, unique: bool, tag: str) -> float:
    def address(number: int) -> str:
        path = paths[number % len(paths)]
        return f"{path}{'&' if '?' in path else '?'}bench={tag}{number}" if unique else path

    for number in range(WARM_UP):
        call(app, address(number))
    started = time.perf_counter()
    for number in range(WARM_UP, WARM_UP + count):
        call(app, address(number))
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    asked = json.load(sys.stdin)
    from benchmarks.baseline import app as baseline
    from wsgi import app

    times = {"minimal Flask app": mean_ms(baseline, ["/"], 2000, False, "b")}
    for probe in asked["probes"]:
        times[probe["name"]] = mean_ms(app, probe["paths"], asked["count"], probe["unique"], "p")
    json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()
