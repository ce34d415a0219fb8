"""`make bench`: the app's speed against a minimal Flask app, cached and cold, at several sizes.

For each database and each scale (number of innovations):
1. creates a throwaway database (an SQLite file, or a new database on the PostgreSQL server
   that DATABASE_URL names, else the local one the tests use), migrates it with the app's own
   command and seeds it in bulk (benchmarks/seed.py); drops it at the end;
2. serves the app and a minimal Flask app (benchmarks/baseline.py) with gunicorn, the same
   way: WORKERS sync workers each, as the issue's first figures were taken (the Procfile
   also gives each worker threads);
3. loads each probe (benchmarks/probes.py) with wrk, in interleaved rounds (the minimal app,
   then every probe, ROUNDS times), as a browser asks (Accept-Encoding: gzip, br): the CACHED
   table requests one address again and again; in the COLD table every request differs and
   carries a unique parameter, so it misses any cache;
4. prints per probe the median req/s, p50/p95/p99 and the ratio to the minimal app; the
   workers' RSS and PSS peaks; the bytes a browser receives for the home page with its CSS
   and JS (benchmarks/transfer.py); and, with several scales, how the cold costs grow.
   Everything goes to benchmarks/results/<time>-<databases>.json as well.

Options (a flag, or the variable in brackets: `make bench BENCH_SCALES=2000,20000,100000`):
  --scales 2000,20000            [BENCH_SCALES]  innovations to seed, one run per scale
  --with-100k                                    add 100,000 to the scales
  --databases sqlite,postgresql  [BENCH_DATABASES]
  --events 5000                  [BENCH_EVENTS]
  --registrations 50000          [BENCH_REGISTRATIONS]
  --first-event-days 1           [BENCH_FIRST_EVENT_DAYS]  negative: events in the past too
  --only WORDS                   [BENCH_ONLY]  only probes whose name contains one of them
  --rounds 3 [BENCH_ROUNDS]  --seconds 5 [BENCH_SECONDS]  --connections 32 [BENCH_CONNECTIONS]
  --in-process                                   no server: the mean time the app spends on
                                                 each probe's requests, called one after
                                                 another in one process (benchmarks/in_process.py)
  WORKERS (2): gunicorn workers per server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.databases import postgres_reachable, prepare, throwaway_database
from benchmarks.load import BROWSER_HEADERS, load, log_in, status_of, unique_prefix, wrk_path
from benchmarks.probes import Probe, all_probes
from benchmarks.seed import SECRET_KEY as SEED_SECRET_KEY
from benchmarks.seed import SeedFacts, SeedSize
from benchmarks.servers import MemoryWatch, gunicorn
from benchmarks.transfer import home_page_transfer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WORKERS = int(os.environ.get("WORKERS", 2))


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def _numbers(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scales", type=_numbers, default=_numbers(env("BENCH_SCALES", "2000,20000"))
    )
    parser.add_argument("--with-100k", action="store_true")
    parser.add_argument("--databases", default=env("BENCH_DATABASES", ""))
    parser.add_argument("--events", type=int, default=int(env("BENCH_EVENTS", 5_000)))
    parser.add_argument(
        "--registrations", type=int, default=int(env("BENCH_REGISTRATIONS", 50_000))
    )
    parser.add_argument(
        "--first-event-days", type=int, default=int(env("BENCH_FIRST_EVENT_DAYS", 1))
    )
    parser.add_argument("--only", default=env("BENCH_ONLY", ""))
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", 3)))
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SECONDS", 5)))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS", 32)))
    parser.add_argument("--in-process", action="store_true")
    options = parser.parse_args(argv)
    if options.with_100k and 100_000 not in options.scales:
        options.scales.append(100_000)
    return options


def databases(asked: str) -> list[str]:
    """Both by default; PostgreSQL is left out, with the reason, only if it was not asked for."""
    wanted = [name.strip() for name in asked.split(",") if name.strip()] or ["sqlite", "postgresql"]
    if "postgresql" in wanted and (reason := postgres_reachable()):
        if asked:
            sys.exit(f"PostgreSQL is not reachable: {reason}")
        log(f"PostgreSQL left out (not reachable: {reason}); BENCH_DATABASES=sqlite to be explicit")
        wanted.remove("postgresql")
    return wanted


def app_environment(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SEED_SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "MAIL_DELIVER_AFTER_REQUEST": "false",
        "PYTHONPATH": str(ROOT),
    }


def _check_statuses(base: str, probes: list[Probe], cookies: dict) -> dict[str, int]:
    """Each probe's first addresses must answer 200 before any load (else it says which)."""
    statuses = {}
    for probe in probes:
        cookie = cookies.get(probe.login)
        paths = [
            unique_prefix(path) + "check" if probe.unique else path for path in probe.paths[:3]
        ]
        codes = {status_of(base, path, cookie) for path in paths}
        statuses[probe.name] = max(codes)
        if codes != {200}:
            log(f"{probe.name}: answers {sorted(codes)} for {paths}")
    return statuses


def measure(database: str, size: SeedSize, options: argparse.Namespace) -> dict:
    log(f"{database}: seeding {size.innovations:,} innovations, {size.events:,} events, "
        f"{size.registrations:,} registrations")  # fmt: skip
    with throwaway_database(database) as url:
        env = app_environment(url)
        facts: SeedFacts = prepare(url, env, size, log)
        probes = all_probes(facts)
        if options.only:
            words = [word.strip() for word in options.only.split(",") if word.strip()]
            probes = [probe for probe in probes if any(word in probe.name for word in words)]
        if options.in_process:
            return {"database": database, "innovations": size.innovations,
                    "in_process_ms": in_process(env, probes)}  # fmt: skip
        settings = {"seconds": options.seconds, "connections": options.connections}
        with (
            gunicorn("benchmarks.baseline:app", env, WORKERS) as (baseline, _),
            gunicorn("wsgi:app", env, WORKERS, "/healthz") as (app, master),
            MemoryWatch(master) as memory,
        ):
            cookies = {}
            if any(probe.login == "staff" for probe in probes):
                cookies["staff"] = log_in(app, facts.staff_email, facts.staff_password)
            statuses = _check_statuses(app, probes, cookies)

            def run(probe: Probe, label: str, offset: int, seconds: int):
                memory.label = f"{label} {probe.name}"
                return load(app, probe.paths, unique=probe.unique, run=label, offset=offset,
                            cookie=cookies.get(probe.login), seconds=seconds,
                            connections=options.connections)  # fmt: skip

            log("warm-up (imports, templates, connections)")
            for probe in probes:
                run(probe, "warm-up", 0, max(options.seconds // 2, 2))
            base_results = []
            results: dict[str, list] = {probe.name: [] for probe in probes}
            for number in range(1, options.rounds + 1):
                log(f"round {number}/{options.rounds}")
                base_results.append(load(baseline, ("/",), **settings))
                for probe in probes:
                    # Each round starts elsewhere in the list: a new set of objects each time.
                    results[probe.name].append(
                        run(probe, f"r{number}", number * 997, options.seconds)
                    )
            memory.label = "home page transfer"
            transfer = home_page_transfer(app)
            rss_at_end = memory.now()
    base_rps = statistics.median(result.rps for result in base_results)
    return {
        "database": database,
        "seed": {
            "innovations": size.innovations,
            "startups": size.startups,
            "events": size.events,
            "registrations": size.registrations,
            "first_event_days": size.first_event_in_days,
        },
        "baseline_rps": round(base_rps, 1),
        "probes": [
            report.probe_row(probe, statuses[probe.name], results[probe.name], base_rps)
            for probe in probes
        ],
        "memory": {
            "rss_at_start_mib": round(memory.rss_at_start, 1),
            "peak_rss_mib": round(memory.peak_rss, 1),
            "peak_rss_during": memory.peak_rss_during,
            "peak_pss_mib": round(memory.peak_pss, 1),
            "peak_pss_during": memory.peak_pss_during,
            "rss_at_end_mib": round(rss_at_end, 1),
        },
        "home_transfer": transfer,
    }


IN_PROCESS_REQUESTS = 300


def in_process(env: dict, probes: list[Probe]) -> dict[str, dict[str, float]]:
    """Milliseconds per request of each anonymous probe (and of those, the milliseconds
    spent rendering templates), and of the minimal Flask app."""
    asked = {
        "count": IN_PROCESS_REQUESTS,
        "probes": [
            {"name": probe.name, "paths": list(probe.paths), "unique": probe.unique}
            for probe in probes
            if probe.login is None
        ],
    }
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.in_process"],
        input=json.dumps(asked), capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return json.loads(run.stdout)


def describe_in_process(record: dict) -> str:
    times = record["in_process_ms"]
    base = times["minimal Flask app"]["ms"]
    lines = [
        f"\n=== {record['database']}, {record['innovations']:,} innovations: "
        f"milliseconds per request in one process ===",
        f"{'':40}{'ms':>8}{'× minimal app':>16}{'templates ms':>15}{'share':>8}",
    ]
    for name, measured in times.items():
        ms = measured["ms"]
        line = f"{name:40}{ms:8.2f}{ms / base:16.1f}"
        if "templates_ms" in measured:
            templates = measured["templates_ms"]
            line += f"{templates:15.2f}{templates / ms:8.0%}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    # Stopped from outside: unwind, so that servers stop and the database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = parse_options(argv)
    wrk_path()
    chosen = databases(options.databases)
    records = []
    for database in chosen:
        for scale in options.scales:
            size = SeedSize(
                innovations=scale,
                events=options.events,
                registrations=options.registrations,
                first_event_in_days=options.first_event_days,
            )
            record = measure(database, size, options)
            if options.in_process:
                print(describe_in_process(record), flush=True)
                continue
            records.append(record)
            print(report.describe_run(record), flush=True)
    if options.in_process:
        return
    growth = report.growth(records)
    if growth:
        print(report.describe_growth(growth))
    settings = {
        "workers": WORKERS,
        "connections": options.connections,
        "seconds_per_run": options.seconds,
        "rounds": options.rounds,
        "cpus": os.cpu_count(),
        "request_headers": BROWSER_HEADERS,
    }
    path = report.write(RESULTS, settings, records, growth)
    print(f"\nresults written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
