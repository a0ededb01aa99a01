"""Reading an import file's table: its columns named in the first row, in any order, Russian or English.

Commas or semicolons separate the cells (whichever the header uses more); empty rows are skipped;
row numbers are the file's own (the header is row 1), so a refusal names the row a person sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import ErrorCode
from core.validation import clean

Records = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a row was refused: an error code (`templates/errors/<code>`) and its values."""

    row: int
    code: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)


def read_records(
    content: str, columns: Mapping[str, tuple[str, ...]], *, required: tuple[str, ...], missing_code: ErrorCode
) -> tuple[RowError | None, Records]:
    """Each non-empty row's cells by column key (absent columns read as ""), or why the header will not do."""
    lines = content.lstrip("\ufeff").splitlines()
    expected = ", ".join(columns)
    if not lines:
        return RowError(1, missing_code, {"missing": ", ".join(required), "expected": expected}), []
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [clean(name).lower() for name in next(reader)]
    where = {key: next((i for i, name in enumerate(header) if name in names), None) for key, names in columns.items()}
    missing = [key for key in required if where[key] is None]
    if missing:
        return RowError(1, missing_code, {"missing": ", ".join(missing), "expected": expected}), []
    records = [
        (number, {key: _cell(cells, index) for key, index in where.items()})
        for number, cells in enumerate(reader, start=2)
        if any(clean(cell) for cell in cells)
    ]
    return None, records


def _cell(cells: list[str], index: int | None) -> str:
    return clean(cells[index]) if index is not None and index < len(cells) else ""
