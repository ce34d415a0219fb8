"""`make bench BENCH_ARGS=--in-process`: each probe's requests handed straight to the app.

No server and no load generator: the app (and the minimal Flask app) are called as gunicorn
calls them, one request after another, in one process. It measures what the app itself
spends on a request, which a machine shared with other work blurs far less than req/s under
load. Runs in its own process, started by benchmarks/run.py with the app's environment;
reads the probes as JSON on stdin and prints, as JSON, the mean milliseconds per request
and, of those, the milliseconds spent rendering templates (Flask's template signals).
"""

from __future__ import annotations

import json
import sys
import time

from flask import before_render_template, template_rendered
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


class TemplateClock:
    """Time spent rendering templates, a template rendered inside another counted once."""

    def __init__(self, app):
        self.seconds = 0.0
        self._started: list[float] = []
        before_render_template.connect(self._before, app)
        template_rendered.connect(self._after, app)

    def _before(self, *_args, **_kwargs) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *_args, **_kwargs) -> None:
        started = self._started.pop()
        if not self._started:
            self.seconds += time.perf_counter() - started


def mean_ms(
    app, paths: list[str], count: int, unique: bool, tag: str, clock: TemplateClock | None = None
) -> float:
    def address(number: int) -> str:
        path = paths[number % len(paths)]
        return f"{path}{'&' if '?' in path else '?'}bench={tag}{number}" if unique else path

    for number in range(WARM_UP):
        call(app, address(number))
    if clock is not None:
        clock.seconds = 0.0
    started = time.perf_counter()
    for number in range(WARM_UP, WARM_UP + count):
        call(app, address(number))
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    asked = json.load(sys.stdin)
    from benchmarks.baseline import app as baseline
    from wsgi import app

    times = {"minimal Flask app": {"ms": mean_ms(baseline, ["/"], 2000, False, "b")}}
    clock = TemplateClock(app)
    for probe in asked["probes"]:
        count = asked["count"]
        ms = mean_ms(app, probe["paths"], count, probe["unique"], "p", clock)
        times[probe["name"]] = {"ms": ms, "templates_ms": clock.seconds * 1000 / count}
    json.dump(times, sys.stdout)


if __name__ == "__main__":
    main()
