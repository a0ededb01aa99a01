"""The registry as an XLSX workbook: one row per order, a frozen header, real numbers and dates.

The writer knows nothing of Telegram or of the database: it takes the rows and the words
for the header (rendered from templates in the reader's language) and returns the file's bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD.MM.YYYY"
MAX_WIDTH = 60


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One order as the file shows it, in the column order of the header."""

    number: str
    created_on: date
    stage: str
    counterparty: str
    tax_id: str
    responsible: str
    contract: str
    payment_terms: str
    total: Decimal
    currency: str


COLUMNS = len(ExportRow.__dataclass_fields__)


def registry_workbook(rows: Sequence[ExportRow], *, headers: Sequence[str], title: str) -> bytes:
    """The XLSX file's bytes: the header row, then one row per order, newest first as given."""
    if len(headers) != COLUMNS:
        raise ValueError(f"{COLUMNS} column headers expected, got {len(headers)}")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(list(headers))
    _as_text(sheet[1])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(list(astuple(row)))
        _as_text(sheet[sheet.max_row])
        sheet.cell(sheet.max_row, 2).number_format = DATE_FORMAT
        sheet.cell(sheet.max_row, 9).number_format = MONEY_FORMAT
    widths = [len(header) for header in headers]
    for row in rows:
        for index, value in enumerate(_shown(row)):
            widths[index] = max(widths[index], len(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(COLUMNS)}{max(sheet.max_row, 1)}"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(cells: Iterable[Cell]) -> None:
    """Keep every text a text: openpyxl writes "=1+1" (a customer's name, say) as a formula.

    The quote prefix keeps Excel from reading it as one when the cell is edited, too.
    """
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            cell.quotePrefix = True


def _shown(row: ExportRow) -> list[str]:
    """The cells roughly as Excel shows them, to size the columns."""
    values = astuple(row)
    return [
        "00.00.0000" if isinstance(value, date) else f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
        for value in values
    ]
