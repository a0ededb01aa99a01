"""Production progress as a CSV file: one row per line, read with every bad row named, never half read.

The first row names the columns (in any order, Russian or English): the order's number, the line's
number in the order, the quantity produced since the last report, and its cost (optional, 0 when
empty). Commas or semicolons separate the columns; numbers may be typed as people type them
("1 000,5"). Row numbers are the file's, the header being row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.errors import ErrorCode
from core.validation import clean, parse_decimal

COLUMNS: dict[str, tuple[str, ...]] = {
    "order": ("order", "number", "заказ", "номер"),
    "line": ("line", "строка"),
    "produced": ("produced", "made", "выпущено", "изготовлено"),
    "cost": ("cost", "actual_cost", "затраты", "стоимость"),
}
REQUIRED = ("order", "line", "produced")


@dataclass(frozen=True, slots=True)
class ProgressRow:
    row: int
    number: str
    line_no: int
    produced: Decimal
    cost: Decimal


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row was refused: an error code (`templates/errors/<code>`) and its values."""

    row: int
    code: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProgressCsv:
    rows: tuple[ProgressRow, ...]
    errors: tuple[RowError, ...]


def parse_progress_csv(content: str) -> ProgressCsv:
    """The rows of the file that read well, and an error for every one that does not."""
    lines = content.lstrip("\ufeff").splitlines()
    if not lines:
        return ProgressCsv((), (RowError(1, ErrorCode.CSV_COLUMNS_MISSING, {"missing": ", ".join(REQUIRED)}),))
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [clean(name).lower() for name in next(reader)]
    where = {key: next((i for i, name in enumerate(header) if name in names), None) for key, names in COLUMNS.items()}
    missing = [key for key in REQUIRED if where[key] is None]
    if missing:
        return ProgressCsv((), (RowError(1, ErrorCode.CSV_COLUMNS_MISSING, {"missing": ", ".join(missing)}),))
    rows: list[ProgressRow] = []
    errors: list[RowError] = []
    for number, cells in enumerate(reader, start=2):
        if not any(clean(cell) for cell in cells):
            continue
        found = _row(number, {key: _cell(cells, index) for key, index in where.items()})
        (rows if isinstance(found, ProgressRow) else errors).append(found)  # type: ignore[arg-type]
    return ProgressCsv(tuple(rows), tuple(errors))


def _cell(cells: list[str], index: int | None) -> str:
    return clean(cells[index]) if index is not None and index < len(cells) else ""


def _row(row: int, cells: dict[str, str]) -> ProgressRow | RowError:
    if not cells["order"]:
        return RowError(row, ErrorCode.CSV_ORDER_MISSING)
    line = cells["line"]
    if not (line.isascii() and line.isdigit() and 0 < int(line) < 100_000):
        return RowError(row, ErrorCode.CSV_LINE_INVALID, {"value": line[:20]})
    produced = parse_decimal(cells["produced"] or "0")
    if produced is None:
        return RowError(row, ErrorCode.QUANTITY_NOT_A_NUMBER, {"value": cells["produced"][:50]})
    cost = parse_decimal(cells["cost"] or "0")
    if cost is None:
        return RowError(row, ErrorCode.COST_INVALID, {"value": cells["cost"][:50]})
    return ProgressRow(row=row, number=cells["order"].upper(), line_no=int(line), produced=produced, cost=cost)
