"""The demand report as an XLSX workbook: a sheet per section, numbers as numbers, dates as dates.

The writer knows nothing of Telegram: it takes the report and the words of each sheet (its name, then
its headers, rendered from templates in the reader's language) and returns the file's bytes. The
command line writes the same file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.use_cases.demand import DemandReport, Figures
from templates import render_plain

MONEY_FORMAT = "#,##0.00"
QUANTITY_FORMAT = "#,##0.###"
PERCENT_FORMAT = "0.0"
DATE_FORMAT = "DD.MM.YYYY"
SHEETS = ("summary", "reasons", "items", "customers", "managers", "weeks")

Words = Callable[[str], list[str]]


def sheet_words(lang: str) -> Words:
    """The words of a sheet (its name, then its headers) in `lang`."""

    def words(which: str) -> list[str]:
        return render_plain("bot/demand/sheet.html.j2", lang=lang, which=which).splitlines()

    return words


def demand_rows(report: DemandReport, which: str) -> list[list[Any]]:
    """A sheet's rows, cells as Python values: what the file holds and what tests compare with the report."""
    if which == "summary":
        t = report.total
        return [[report.start], [report.end], [t.requests], [t.reached], [t.conversion], [t.requested],
                [t.ordered], [t.cancelled]]  # fmt: skip
    if which == "reasons":
        return [[row.code, row.name, row.count, row.value] for row in report.reasons]
    if which == "items":
        return [[row.code, row.name, row.unit, row.quantity, row.value, row.requests] for row in report.items]
    if which == "customers":
        return [[row.name, *_figures(row.figures)] for row in report.counterparties]
    if which == "managers":
        return [[row.name, *_figures(row.figures)] for row in report.managers]
    return [[row.monday, *_figures(row.figures)] for row in report.weeks]


def demand_workbook(report: DemandReport, words: Words) -> bytes:
    """The XLSX file's bytes: one sheet per section, a bold frozen header on each."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for which in SHEETS:
        name, *headers = words(which)
        sheet = book.create_sheet(name[:31])  # Excel's limit for a sheet name
        rows = demand_rows(report, which)
        if which == "summary":
            labels = words("summary_rows")
            rows = [[label, *row] for label, row in zip(labels, rows, strict=True)]
        _fill(sheet, headers, rows)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _figures(figures: Figures) -> list[Any]:
    return [figures.requests, figures.reached, figures.conversion, figures.requested, figures.ordered,
            figures.cancelled]  # fmt: skip


def _fill(sheet: Worksheet, headers: Sequence[str], rows: list[list[Any]]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for header in headers]
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
        for index, value in enumerate(row):
            cell = sheet.cell(sheet.max_row, index + 1)
            if isinstance(value, str):
                cell.data_type = "s"  # a name such as "=1+1" stays a text, never a formula
                cell.quotePrefix = True
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = _format(value)
            if index < len(widths):
                widths[index] = max(widths[index], len(str(value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"


def _format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 2
    return PERCENT_FORMAT if places == 1 else QUANTITY_FORMAT if places == 3 else MONEY_FORMAT
