"""Run every registered benchmark, print a table of figures, and write them to bench-results.json."""

import asyncio
import json
import logging
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import bot_bench, demand_bench, echo, mps_bench, notifications_bench  # noqa: F401  (registers its benchmarks; add new modules here, in order)
from bench.registry import BENCHMARKS, Figure

RESULTS = Path("bench-results.json")


async def run_all() -> list[Figure]:
    figures: list[Figure] = []
    for benchmark in BENCHMARKS:
        figures.extend(await benchmark())
    return figures


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "unit", "ratio to reference")]
    for figure in figures:
        ratio = "" if figure.ratio is None else f"{figure.ratio:.2f} of {figure.reference_name}"
        rows.append((figure.name, f"{figure.value:,.1f}", figure.unit, ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(run_all())
    print(table(figures))
    RESULTS.write_text(json.dumps({
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "figures": [figure.to_json() for figure in figures],
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
