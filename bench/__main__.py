"""``./dev bench``: run the benchmarks, print the table, keep the results in bench/results/<time>.json.

``./dev bench [options]`` measures the numbers service; ``./dev bench outbound [options]`` the
carrier gateway's outbound traffic (bench/outbound.py), its processes' logs kept beside the JSON.

SIGINT or SIGTERM ends the run early but cleanly: the measure under way is
reported with what it did so far, the service and the infrastructure stop.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import numbers, outbound
from bench.infrastructure import Infrastructure, infrastructure, origins
from bench.measure import ProcessCpu, Row, progress, quiet_logs
from bench.numbers import MEASURES, QUICK, Results, Sizes

RESULTS_DIR = Path(__file__).parent / "results"


@dataclasses.dataclass(frozen=True)
class Plan:
    sizes: Sizes | outbound.Sizes
    measures: tuple[str, ...]
    budget_minutes: float | None


def parse_args(argv: list[str] | None) -> Plan:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["outbound"]:
        return parse_outbound_args(argv[1:])
    parser = argparse.ArgumentParser(
        prog="./dev bench",
        description="Benchmark the numbers service over real Kafka and the real database, each measure "
        "next to a baseline taken in the same run.",
        epilog="./dev bench outbound --help: the carrier gateway's outbound benchmark.",
    )
    defaults = Sizes()
    parser.add_argument(
        "--range", type=int, help=f"numbers in the range job (default {defaults.range_numbers})"
    )
    parser.add_argument(
        "--import-rows", type=int, help=f"rows in the CSV import (default {defaults.import_rows})"
    )
    parser.add_argument(
        "--search-numbers",
        type=int,
        help=f"numbers the searches run over (default {defaults.search_numbers})",
    )
    parser.add_argument("--repeat", type=int, help=f"requests per search (default {defaults.repeat})")
    parser.add_argument(
        "--operation-sample",
        type=int,
        help=f"times each single operation is timed alone (default {defaults.operation_sample})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes for a smoke run ({QUICK.range_numbers}/{QUICK.import_rows}/"
        f"{QUICK.search_numbers}/{QUICK.repeat}); the options above still win",
    )
    parser.add_argument(
        "--budget",
        type=float,
        metavar="MINUTES",
        help="at most this long per measure: a job still running is reported with the rate it reached, "
        "a search with the requests it made (default: no limit)",
    )
    parser.add_argument(
        "--only",
        default=",".join(MEASURES),
        help=f"which measures, comma-separated (default {','.join(MEASURES)})",
    )
    args = parser.parse_args(argv)
    base = QUICK if args.quick else defaults
    sizes = Sizes(
        range_numbers=args.range or base.range_numbers,
        import_rows=args.import_rows or base.import_rows,
        search_numbers=args.search_numbers or base.search_numbers,
        repeat=args.repeat or base.repeat,
        operation_sample=args.operation_sample or base.operation_sample,
    )
    measures = tuple(m.strip() for m in args.only.split(",") if m.strip())
    unknown = set(measures) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))} (choose from {', '.join(MEASURES)})")
    return Plan(sizes, measures, args.budget)


def parse_outbound_args(argv: list[str]) -> Plan:
    parser = argparse.ArgumentParser(
        prog="./dev bench outbound",
        description="Benchmark the carrier gateway end to end (send request on Kafka, the Twilio "
        "simulator over HTTP, delivered status on Kafka) next to a bare aiokafka + database + aiohttp "
        "pipeline doing the same I/O, in the same run.",
    )
    defaults, quick = outbound.Sizes(), outbound.QUICK
    parser.add_argument("--messages", type=int, help=f"send requests (default {defaults.messages:,})")
    parser.add_argument(
        "--numbers", type=int, help=f"sending numbers they come from (default {defaults.numbers:,})"
    )
    parser.add_argument(
        "--stall",
        type=float,
        metavar="SECONDS",
        help="stop waiting once no status at all has come for this long; what ended is reported "
        f"(default {defaults.stall_seconds:g})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{quick.messages:,} messages from {quick.numbers:,} numbers; the options above still win",
    )
    args = parser.parse_args(argv)
    base = quick if args.quick else defaults
    sizes = outbound.Sizes(
        messages=args.messages or base.messages,
        numbers=args.numbers or base.numbers,
        stall_seconds=args.stall or base.stall_seconds,
    )
    if not 1 <= sizes.numbers <= sizes.messages:
        parser.error("--numbers must be between 1 and --messages")
    return Plan(sizes, ("outbound",), None)


async def measure(plan: Plan, infra: Infrastructure, results: Results, logs: Path) -> None:
    """All the measures, until done or until SIGINT/SIGTERM (which cancels them: contexts close)."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    cpu = ProcessCpu.of_infrastructure(infra.data_dir)
    try:
        if isinstance(plan.sizes, outbound.Sizes):
            await outbound.run(infra, plan.sizes, results, cpu, logs)
            return
        await numbers.run(
            infra.endpoints,
            plan.sizes,
            plan.measures,
            results,
            budget_seconds=60 * plan.budget_minutes if plan.budget_minutes else None,
            clean_up=infra.origin == "given",
            cpu=cpu,
        )
    except asyncio.CancelledError:
        results.stopped = "stopped by a signal"
        progress("stopped: reporting what was measured until now")


def main(argv: list[str] | None = None) -> None:
    plan = parse_args(argv)
    quiet_logs()
    budget = f", at most {plan.budget_minutes:g} min per measure" if plan.budget_minutes else ""
    progress(f"{plan.sizes}, measures {','.join(plan.measures)}{budget}")
    # A run in the background starts with SIGINT ignored; asyncio only handles it if it is not. And
    # SIGTERM while Kafka and FerretDB start must still stop them (asyncio takes it over afterwards).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    for origin in origins():
        if not bench_on(origin, plan):
            break


def bench_on(origin: str, plan: Plan) -> bool:
    """Every measure on one infrastructure, its table printed and its results kept; False when a
    signal stopped it (no further infrastructure is measured)."""
    started = datetime.now(UTC)
    results, code = Results(), code_state()
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    with infrastructure(origin) as infra:
        database = infra.database
        progress(f"Kafka at {infra.endpoints.kafka_bootstrap}, {database} at {infra.endpoints.mongo_url}")
        asyncio.run(measure(plan, infra, results, path.with_suffix("")))
    finished = datetime.now(UTC)
    report = {
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "stopped": results.stopped,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "code": code,
        "infrastructure": infra.origin,
        "database": database,
        "sizes": dataclasses.asdict(plan.sizes),
        "budget_minutes": plan.budget_minutes,
        "measures": list(plan.measures),
        "rows": [row.as_json() for row in results.rows],
        "details": results.details,
        "where_time_goes": results.where_time_goes,
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    where = f"{infra.origin}, database: {database}"
    if isinstance(plan.sizes, outbound.Sizes):
        print(render_outbound(results, plan.sizes, started, finished, where))
    else:
        print(render(results, plan, started, finished, where))
    if code["uncommitted"]:
        print(
            f"\ncode: {code['commit']} + uncommitted changes to {len(code['uncommitted'])} files (see JSON)"
        )
    print(f"results: {path}")
    return results.stopped is None


def code_state() -> dict[str, Any]:
    """Which code was measured: the commit, and the files of libs/ and services/ changed since (the
    service is measured as it stands in the checkout)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False).stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain", "--", "libs", "services").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed}


def render_outbound(
    results: Results, sizes: outbound.Sizes, started: datetime, finished: datetime, origin: str
) -> str:
    minutes = (finished - started).total_seconds() / 60
    lines = [
        f"textbus outbound benchmark, {started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min, "
        f"{os.cpu_count()} CPUs, infrastructure: {origin}",
        f"{sizes.messages:,} send requests from {sizes.numbers:,} numbers, all produced at once, to the "
        "Twilio simulator; pacing set out of the way (long code 10/s, profile 100,000/s)",
        "latency: the request record's Kafka timestamp -> its delivered status read by the bench",
    ]
    lines += _main_table(results, "times the baseline")
    for label in ("carrier gateway", "bare pipeline"):
        detail = results.details.get(label)
        if not detail:
            continue
        states = ", ".join(f"{n:,} {state}" for state, n in detail["final_states"].items())
        busy = ", ".join(f"{name} {cores:.2f}" for name, cores in detail["busy_cores"].items())
        lines += ["", f"{label}: ended {states or 'none'} of {detail['requested']:,}"]
        lines.append(f"  cores busy on average: {busy}")
        if detail.get("cut_short"):
            lines.append(f"  {detail['cut_short']}")
        if "carrier_requests" in detail:
            killed = " (killed: not stopped 30 s after SIGTERM)" if detail["exit_code"] == -9 else ""
            lines.append(
                f"  carrier requests {detail['carrier_requests']:,}, callbacks posted "
                f"{detail['callbacks_posted']:,}; exit code {detail['exit_code']}{killed}; "
                f"log {detail['log_while_measuring']['path']}"
            )
        for when in ("measuring", "stopping"):
            log = detail.get(f"log_while_{when}")
            if log:
                levels = ", ".join(f"{n:,} {level}" for level, n in sorted(log["lines_by_level"].items()))
                lines.append(f"  logged while {when}: {levels or 'nothing'}")
                lines += [f"    {problem}" for problem in log["first_problems"]]
    return "\n".join(lines)


def render(results: Results, plan: Plan, started: datetime, finished: datetime, origin: str) -> str:
    assert isinstance(plan.sizes, Sizes)
    sizes, minutes = plan.sizes, (finished - started).total_seconds() / 60
    lines = [
        f"textbus numbers benchmark, {started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min, "
        f"{os.cpu_count()} CPUs, infrastructure: {origin}",
        f"sizes: range {sizes.range_numbers:,}, import {sizes.import_rows:,} rows, "
        f"search over {sizes.search_numbers:,}, {sizes.repeat} requests per search"
        + (f", budget {plan.budget_minutes:g} min per measure" if plan.budget_minutes else ""),
    ]
    lines += _main_table(results, "times slower")
    costs = results.details.get("operation_costs")
    if costs:
        lines += ["", "one operation at a time (mean ms, p95 ms):"]
        database = [k for k in costs if k.startswith("database_among_")]
        names = list(costs[database[0]])
        among = [f"among {k.removeprefix('database_among_').removesuffix('_ms')} docs" for k in database]
        lines += table(
            ["database operation", *among],
            [[name, *(_mean_p95(costs[k][name]) for k in database)] for name in names],
        )
        lines += table(
            ["Kafka operation", "mean, p95"], [[n, _mean_p95(c)] for n, c in costs["kafka_ms"].items()]
        )
    for label, operations in results.where_time_goes.items():
        per_request = "over" in label
        item = "request" if per_request else "number"
        head = f"where the time goes: {label}"
        detail = results.details.get(label) or results.details.get("search", {}).get("queries", {}).get(
            label, {}
        )
        if detail.get("processed"):
            head += (
                f" ({1000 * detail['elapsed_s'] / detail['processed']:.1f} ms per number end to end; "
                f"the POST answered in {detail['request_answered_s']:.2f} s)"
            )
        if detail.get("commands_at_once", 1) > 1:
            head += (
                f"\n  up to {detail['commands_at_once']} commands are applied at once, so their operations"
                " overlap: a row's ms per number is time spent waiting, not time added end to end"
            )
        if detail.get("busy_cores"):
            busy = ", ".join(f"{name} {cores:.2f}" for name, cores in detail["busy_cores"].items())
            head += f"\n  cores busy on average: {busy}"
        lines += ["", head]
        lines += table(
            ["operation inside the service {filter keys}", f"per {item}", "mean ms", f"ms per {item}"],
            [
                [
                    op["operation"],
                    f"{op['per_item']:.2f}",
                    f"{op['mean_ms']:.2f}",
                    f"{op['per_item'] * op['mean_ms']:.1f}",
                ]
                for op in operations
            ],
        )
    return "\n".join(lines)


def _main_table(results: Results, ratio: str) -> list[str]:
    """Whether the run was stopped, then each measure next to its baseline."""
    stopped = [f"{results.stopped}: measures not reached are missing"] if results.stopped else []
    header = ["measure", "value", "baseline", "baseline value", ratio]
    return [*stopped, "", *table(header, _main_rows(results.rows), text_columns=(0, 2))]


def _mean_p95(cost: dict[str, float]) -> str:
    return f"{cost['mean']:.2f}, {cost['p95']:.2f}"


def _main_rows(rows: list[Row]) -> list[list[str]]:
    shown, previous = [], None
    for row in rows:
        first = row.measure != previous
        previous = row.measure
        slower = row.slower
        shown.append(
            [
                row.measure if first else "",
                _value(row.value, row.unit) if first else "",
                row.baseline or "",
                _value(row.baseline_value, row.unit) if row.baseline_value is not None else "",
                f"{slower:,.1f}" if slower is not None else "",
            ]
        )
    return shown


def _value(value: float, unit: str) -> str:
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(header: list[str], rows: list[list[str]], text_columns: tuple[int, ...] = (0,)) -> list[str]:
    """Columns padded to their widest cell; text columns to the left, numbers to the right."""
    widths = [max(len(cells[i]) for cells in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (
            c.ljust(w) if i in text_columns else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


if __name__ == "__main__":
    main()
