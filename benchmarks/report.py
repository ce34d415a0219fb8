"""The figures of a benchmark: medians over rounds, ratios, targets; printed and as JSON."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.load import Result
from benchmarks.probes import Probe
from benchmarks.transfer import describe

MEMORY_LIMIT_MIB = 80  # issue 14: per worker, at 20,000 innovations
GROWTH_LIMIT = 1.5  # issue 14: the cost of a varied search at 100k over its cost at 20k
GROWTH_REFERENCE = 20_000


def _median(results: list[Result], key: str) -> float:
    return statistics.median(getattr(result, key) for result in results)


def probe_row(probe: Probe, status: int, results: list[Result], base_rps: float) -> dict:
    rps = _median(results, "rps")
    ratio = rps / base_rps if base_rps else 0.0
    p95 = _median(results, "p95_ms")
    meets = None
    if probe.target is not None:
        meets = ratio >= probe.target
    if probe.p95_limit_ms is not None:
        meets = (meets is not False) and p95 <= probe.p95_limit_ms
    return {
        "name": probe.name,
        "table": probe.table,
        "status": status,
        "requests_unique": probe.unique,
        "logged_in_as": probe.login,
        "rps": round(rps, 1),
        "p50_ms": round(_median(results, "p50_ms"), 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(_median(results, "p99_ms"), 2),
        "ratio": round(ratio, 4),
        "target_ratio": probe.target,
        "p95_limit_ms": probe.p95_limit_ms,
        "meets_target": meets,
        "non_2xx": sum(result.non_2xx for result in results),
        "socket_errors": sum(result.socket_errors for result in results),
        "rounds": [asdict(result) for result in results],
    }


def _target_text(row: dict) -> str:
    parts = []
    if row["target_ratio"] is not None:
        parts.append(f"≥ {row['target_ratio']}×")
    if row["p95_limit_ms"] is not None:
        parts.append(f"p95 ≤ {row['p95_limit_ms']} ms")
    if not parts:
        return ""
    return f"{' and '.join(parts)}  {'ok' if row['meets_target'] else 'MISSED'}"


def _table(title: str, rows: list[dict]) -> list[str]:
    lines = [
        "",
        f"{title:<36} {'status':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'ratio':>7}  target",
    ]
    for row in rows:
        status = str(row["status"]) + ("!" if row["non_2xx"] or row["socket_errors"] else "")
        lines.append(
            f"{row['name'][:36]:<36} {status:>6} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} "
            f"{row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['ratio']:>7.3f}  {_target_text(row)}"
        )
    return lines


def describe_run(record: dict) -> str:
    size = record["seed"]
    lines = [
        "",
        f"=== {record['database']}, {size['innovations']:,} innovations, {size['events']:,} "
        f"events, {size['registrations']:,} registrations "
        f"(minimal Flask app: {record['baseline_rps']:.0f} req/s) ===",
    ]
    for table, title in (
        ("cached", "CACHED (same address)"),
        ("cold", "COLD (every request different)"),
    ):
        rows = [row for row in record["probes"] if row["table"] == table]
        if rows:
            lines += _table(title, rows)
    memory = record["memory"]
    lines += [
        "",
        f"worker memory: RSS peak {memory['peak_rss_mib']:.1f} MiB (during {memory['peak_rss_during']}), "
        f"PSS peak {memory['peak_pss_mib']:.1f} MiB (during {memory['peak_pss_during']}), "
        f"{memory['rss_at_end_mib']:.1f} MiB RSS at the end; limit {MEMORY_LIMIT_MIB} MiB",
        f"  (RSS once serving, before any page: {memory['rss_at_start_mib']:.1f} MiB)",
        "bytes a browser receives (Accept-Encoding: gzip, br):",
        *describe(record["home_transfer"]),
    ]
    for row in record["probes"]:
        if row["non_2xx"] or row["socket_errors"]:
            lines.append(
                f"! {row['name']}: {row['non_2xx']} answers not 2xx/3xx and "
                f"{row['socket_errors']} socket errors under load"
            )
    return "\n".join(lines)


def growth(records: list[dict]) -> list[dict]:
    """Per database and cold probe, the cost per request at each scale over its cost at 20k.

    Costs are read from the ratios to the minimal app, which the same run measured: a
    machine busier during one run than another does not pass for growth.
    """
    rows = []
    for database in dict.fromkeys(record["database"] for record in records):
        runs = {r["seed"]["innovations"]: r for r in records if r["database"] == database}
        if len(runs) < 2:
            continue
        reference = GROWTH_REFERENCE if GROWTH_REFERENCE in runs else min(runs)
        for probe in runs[reference]["probes"]:
            if probe["table"] != "cold":
                continue
            costs = {}
            for scale, run in sorted(runs.items()):
                match = next((p for p in run["probes"] if p["name"] == probe["name"]), None)
                if match and match["ratio"]:
                    costs[scale] = round(probe["ratio"] / match["ratio"], 2)
            rows.append(
                {
                    "database": database,
                    "probe": probe["name"],
                    "reference": reference,
                    "cost": costs,
                }
            )
    return rows


def describe_growth(rows: list[dict]) -> str:
    if not rows:
        return ""
    lines = ["", "=== cost per cold request, relative to the reference size (lower is better) ==="]
    for row in rows:
        costs = "  ".join(f"{scale:,}: {cost:.2f}×" for scale, cost in row["cost"].items())
        note = ""
        if row["probe"].startswith("search") and 100_000 in row["cost"]:
            ok = row["cost"][100_000] <= GROWTH_LIMIT
            note = f"  (100k ≤ {GROWTH_LIMIT}×: {'ok' if ok else 'MISSED'})"
        lines.append(
            f"{row['database']:<10} {row['probe'][:36]:<36} reference {row['reference']:,}: "
            f"{costs}{note}"
        )
    return "\n".join(lines)


def write(directory: Path, settings: dict, records: list[dict], growth_rows: list[dict]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    databases = "-".join(dict.fromkeys(record["database"] for record in records))
    path = directory / f"{now:%Y%m%dT%H%M%SZ}-{databases or 'none'}.json"
    document = {
        "date": now.isoformat(timespec="seconds"),
        **settings,
        "memory_limit_mib": MEMORY_LIMIT_MIB,
        "runs": records,
        "growth": growth_rows,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path
