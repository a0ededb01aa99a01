"""Production progress as a CSV file: one row per line, read with every bad row named, never half read.

The first row names the columns (in any order, Russian or English): the order's number, the line's
number in the order, the quantity produced since the last report, and its cost (optional, 0 when
empty). Commas or semicolons separate the columns; numbers may be typed as people type them
("1 000,5"). Row numbers are the file's, the header being row 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.csv_table import RowError, read_records
from core.errors import ErrorCode
from core.validation import parse_decimal

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
class ProgressCsv:
    rows: tuple[ProgressRow, ...]
    errors: tuple[RowError, ...]


def parse_progress_csv(content: str) -> ProgressCsv:
    """The rows of the file that read well, and an error for every one that does not."""
    header_error, records = read_records(
        content, COLUMNS, required=REQUIRED, missing_code=ErrorCode.CSV_COLUMNS_MISSING
    )
    if header_error is not None:
        return ProgressCsv((), (header_error,))
    rows: list[ProgressRow] = []
    errors: list[RowError] = []
    for number, cells in records:
        found = _row(number, cells)
        (rows if isinstance(found, ProgressRow) else errors).append(found)  # type: ignore[arg-type]
    return ProgressCsv(tuple(rows), tuple(errors))


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
