"""A request typed in one message, resolved against the catalogues: what a preview shows before [Create].

«Ромашка; ВК-12 1.1 кВт x50 до 15.12; ВК-100 x10 до 20.12» becomes a `QuickPreview`: the customer
found (or the candidates to pick from), each line with its item, options, quantity, date, price
and amount, the total, and every part that could not be read, as a `Problem` next to the fragment
it is about. Nothing is written: `register_request` with `lines_to_register()` does that, checking
everything again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from core import validation
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.parsing import QuickLine, parse_date, parse_quick_entry
from core.search import fold
from core.stored import int_ as _int
from core.stored import list_ as _list
from core.stored import mapping as _mapping
from core.stored import str_ as _str
from core.use_cases.catalogue import (
    CounterpartyChoice,
    ItemChoice,
    ItemOffer,
    find_counterparties,
    find_items,
    item_offer,
    quote_line,
)
from core.use_cases.lines import LineInput

MAX_TEXT = 3000  # characters: the preview, and the text shown back for copying, fit in one message
MAX_LINES = 30
MAX_SEARCH = 100  # a customer longer than this is not a search
CHOICES = 6
SUGGESTIONS = 5

R = TypeVar("R")


class ProblemKind(StrEnum):
    TOO_LONG = "too_long"
    TOO_MANY_LINES = "too_many_lines"
    NO_LINES = "no_lines"
    COUNTERPARTY_TOO_LONG = "counterparty_too_long"
    COUNTERPARTY_AMBIGUOUS = "counterparty_ambiguous"
    COUNTERPARTY_UNKNOWN = "counterparty_unknown"
    ITEM_UNKNOWN = "item_unknown"
    ITEM_AMBIGUOUS = "item_ambiguous"
    OPTION_UNKNOWN = "option_unknown"
    NO_DATE = "no_date"
    REFUSED = "refused"  # the core's own check refused a value: `refusal` says which and why


COUNTERPARTY_PROBLEMS = frozenset(
    {ProblemKind.COUNTERPARTY_TOO_LONG, ProblemKind.COUNTERPARTY_AMBIGUOUS, ProblemKind.COUNTERPARTY_UNKNOWN}
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the message that keeps the request from being created, with what a reader needs to fix it."""

    kind: ProblemKind
    typed: str = ""  # the fragment the problem is about
    length: int = 0
    maximum: int = 0
    code: str = ""  # the item whose options were named wrongly
    codes: tuple[str, ...] = ()  # items the typed text might have meant
    known: tuple[str, ...] = ()  # the option values the item has
    refusal: DomainError | None = None


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One «item xN до date» fragment: what was found and priced, or its problems."""

    fragment: str
    problems: tuple[Problem, ...] = ()
    item_id: int | None = None
    code: str = ""
    name: str = ""
    unit: str = ""
    available: Decimal = Decimal(0)
    options: tuple[tuple[str, str], ...] = ()  # (option, value), in the item's order
    defaulted: tuple[str, ...] = ()  # options not named, at their base value
    quantity: Decimal | None = None
    required_by: date | None = None
    price: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class QuickPreview:
    counterparty: CounterpartyChoice | None
    candidates: tuple[CounterpartyChoice, ...]
    lines: tuple[PreviewLine, ...]
    unreadable: tuple[str, ...]
    problems: tuple[Problem, ...]
    total: Decimal
    currency: str

    @property
    def ready(self) -> bool:
        """Everything read and found: the order can be created exactly as shown."""
        return (
            self.counterparty is not None
            and bool(self.lines)
            and not self.problems
            and not self.unreadable
            and all(not line.problems for line in self.lines)
        )

    def lines_to_register(self) -> tuple[LineInput, ...]:
        """The lines as `register_request` takes them; only for a ready preview."""
        return tuple(
            LineInput(
                item_id=line.item_id, quantity=line.quantity, required_by=line.required_by, options=dict(line.options)
            )
            for line in self.lines
            if line.item_id is not None and line.quantity is not None and line.required_by is not None
        )

    def picked(self, counterparty_id: int) -> QuickPreview | None:
        """The preview with one of its candidates as the customer; None if it offered no such candidate."""
        found = [choice for choice in self.candidates if choice.id == counterparty_id]
        if not found:
            return None
        problems = tuple(problem for problem in self.problems if problem.kind not in COUNTERPARTY_PROBLEMS)
        return replace(self, counterparty=found[0], candidates=(), problems=problems)


@dataclass(frozen=True, slots=True)
class OptionsRead:
    options: tuple[tuple[str, str], ...]
    defaulted: tuple[str, ...]
    problem: Problem | None


async def resolve_quick_entry(db: Database, *, text: str, today: date, currency: str) -> QuickPreview:
    """Read a request typed in one message against the catalogues, as the core will check it; nothing is written.

    Rules:
    - the customer is the single best match: the tax id, else the one name containing the text,
      else the only match; otherwise the matches are candidates to pick from;
    - an item is named by its code (option values may follow it), else by the one name containing the text;
    - an option not named takes its base value (the one at no extra charge) and is marked as defaulted;
    - quantities and dates are checked as `add_line` checks them, and lines are priced as it prices them;
    - a message too long, or with too many lines, is refused as a whole.
    """
    empty = QuickPreview(None, (), (), (), (), Decimal("0.00"), currency)
    if len(text) > MAX_TEXT:
        return replace(empty, problems=(Problem(ProblemKind.TOO_LONG, length=len(text), maximum=MAX_TEXT),))
    entry = parse_quick_entry(text)
    if len(entry.lines) + len(entry.unreadable) > MAX_LINES:
        return replace(empty, problems=(Problem(ProblemKind.TOO_MANY_LINES, maximum=MAX_LINES),))
    counterparty, candidates, problems = await _resolve_counterparty(db, entry.counterparty)
    counterparty_id = counterparty.id if counterparty else None
    lines = tuple(
        [
            await _resolve_line(db, line, today=today, currency=currency, counterparty_id=counterparty_id)
            for line in entry.lines
        ]
    )
    if not entry.lines:
        problems += (Problem(ProblemKind.NO_LINES),)
    total = sum((line.amount for line in lines if line.amount is not None), Decimal("0.00"))
    return QuickPreview(counterparty, candidates, lines, tuple(entry.unreadable), problems, total, currency)


async def _resolve_counterparty(
    db: Database, typed: str
) -> tuple[CounterpartyChoice | None, tuple[CounterpartyChoice, ...], tuple[Problem, ...]]:
    if len(typed) > MAX_SEARCH:
        return None, (), (Problem(ProblemKind.COUNTERPARTY_TOO_LONG, typed=typed, length=len(typed)),)
    found = await find_counterparties(db, text=typed, limit=CHOICES)
    exact = [choice for choice in found if choice.tax_id == typed]
    containing = [choice for choice in found if fold(typed) in fold(choice.name)]
    for single in (exact, containing, found):
        if len(single) == 1:
            return single[0], (), ()
    kind = ProblemKind.COUNTERPARTY_AMBIGUOUS if found else ProblemKind.COUNTERPARTY_UNKNOWN
    return None, tuple(containing or found), (Problem(kind, typed=typed),)


async def _resolve_line(
    db: Database, typed: QuickLine, *, today: date, currency: str, counterparty_id: int | None = None
) -> PreviewLine:
    choice, rest, problem = await _resolve_item(db, typed.item)
    if choice is None:
        return PreviewLine(fragment=typed.text, problems=(problem,) if problem else ())
    item = await item_offer(db, item_id=choice.id, on=today, currency=currency, counterparty_id=counterparty_id)
    read = resolve_options(item, rest)
    problems = [read.problem] if read.problem else []
    if item.price is None:
        problems.append(_refused(DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name)))
    quantity = _checked(problems, lambda: validation.quantity(typed.quantity, whole=item.whole_units, unit=item.unit))
    required_by = None
    if typed.required_by is None:
        problems.append(Problem(ProblemKind.NO_DATE))
    else:
        when = typed.required_by
        required_by = _checked(problems, lambda: validation.required_by(parse_date(when, today=today), today=today))
    price = amount = None
    if not problems and quantity is not None:
        quote = await quote_line(
            db,
            item_id=item.id,
            quantity=quantity,
            options=dict(read.options),
            on=today,
            currency=currency,
            counterparty_id=counterparty_id,
        )
        price, amount = quote.unit_price, quote.amount
    return PreviewLine(
        fragment=typed.text,
        problems=tuple(problems),
        item_id=item.id,
        code=item.code,
        name=item.name,
        unit=item.unit,
        available=item.available,
        options=read.options,
        defaulted=read.defaulted,
        quantity=quantity,
        required_by=required_by,
        price=price,
        amount=amount,
    )


def _refused(refusal: DomainError) -> Problem:
    return Problem(ProblemKind.REFUSED, refusal=refusal)


def _checked(problems: list[Problem], read: Callable[[], R]) -> R | None:
    """What `read` returns, or None with its refusal added to the problems."""
    try:
        return read()
    except DomainError as refusal:
        problems.append(_refused(refusal))
        return None


async def _resolve_item(db: Database, typed: str) -> tuple[ItemChoice | None, str, Problem | None]:
    """The item a line names: its code (then option values may follow), else the one name containing the text."""
    words = typed.split()
    if not words:
        return None, "", Problem(ProblemKind.ITEM_UNKNOWN, typed=typed)
    found = await find_items(db, text=words[0], limit=CHOICES)
    exact = [item for item in found if fold(item.code) == fold(words[0])]
    if len(exact) == 1:
        return exact[0], " ".join(words[1:]), None
    if len(words) > 1:
        found = await find_items(db, text=typed, limit=CHOICES)
    containing = [item for item in found if fold(typed) in fold(f"{item.code} {item.name}")]
    if len(containing) == 1:
        return containing[0], "", None
    kind = ProblemKind.ITEM_AMBIGUOUS if containing else ProblemKind.ITEM_UNKNOWN
    codes = tuple(item.code for item in containing or found)[:SUGGESTIONS]
    return None, "", Problem(kind, typed=typed, codes=codes)


def resolve_options(item: ItemOffer, rest: str) -> OptionsRead:
    """Option values named after the code, whole words only; an option not named takes its base value."""
    left = fold(rest)
    named: dict[str, str] = {}
    for choice in item.options:
        for value, _ in sorted(choice.values, key=lambda pair: -len(pair[0])):
            pattern = rf"(?<!\w){re.escape(fold(value))}(?!\w)"
            if re.search(pattern, left):
                named[choice.option] = value
                left = re.sub(pattern, " ", left, count=1)
                break
    problem = None
    if left.strip(" ,;:()/+-"):
        known = tuple(value for choice in item.options for value, _ in choice.values)
        problem = Problem(ProblemKind.OPTION_UNKNOWN, typed=rest, code=item.code, known=known)
    defaulted = tuple(choice.option for choice in item.options if choice.option not in named)
    options = tuple((choice.option, named.get(choice.option) or base_value(choice.values)) for choice in item.options)
    return OptionsRead(options=options, defaulted=defaulted, problem=problem)


def base_value(values: tuple[tuple[str, Decimal], ...]) -> str:
    """The value an option takes when none is named: the first at no extra charge, else the first."""
    return next((value for value, delta in values if not delta), values[0][0])


# --- kept between a person's messages (in their draft) as plain JSON data ---


def preview_to_data(preview: QuickPreview) -> dict[str, object]:
    """The preview as JSON-ready data, read back by `preview_from_data`."""
    return {
        "counterparty": _choice_to_data(preview.counterparty) if preview.counterparty else None,
        "candidates": [_choice_to_data(choice) for choice in preview.candidates],
        "lines": [_line_to_data(line) for line in preview.lines],
        "unreadable": list(preview.unreadable),
        "problems": [_problem_to_data(problem) for problem in preview.problems],
        "total": str(preview.total),
        "currency": preview.currency,
    }


def preview_from_data(data: object) -> QuickPreview | None:
    """The preview kept by `preview_to_data`; None when the data is not one (old, garbled or hand-edited)."""
    try:
        found = _mapping(data)
        counterparty = found.get("counterparty")
        return QuickPreview(
            counterparty=_choice_from_data(counterparty) if counterparty is not None else None,
            candidates=tuple(_choice_from_data(choice) for choice in _list(found["candidates"])),
            lines=tuple(_line_from_data(line) for line in _list(found["lines"])),
            unreadable=tuple(_str(text) for text in _list(found["unreadable"])),
            problems=tuple(_problem_from_data(problem) for problem in _list(found["problems"])),
            total=Decimal(_str(found["total"])),
            currency=_str(found["currency"]),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


def _choice_to_data(choice: CounterpartyChoice) -> dict[str, object]:
    return {"id": choice.id, "name": choice.name, "tax_id": choice.tax_id}


def _choice_from_data(data: object) -> CounterpartyChoice:
    found = _mapping(data)
    tax_id = found.get("tax_id")
    return CounterpartyChoice(
        id=_int(found["id"]), name=_str(found["name"]), tax_id=_str(tax_id) if tax_id is not None else None
    )


def _problem_to_data(problem: Problem) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": problem.kind.value,
        "typed": problem.typed,
        "length": problem.length,
        "maximum": problem.maximum,
        "code": problem.code,
        "codes": list(problem.codes),
        "known": list(problem.known),
    }
    if problem.refusal is not None:
        params = {name: str(value) for name, value in problem.refusal.params.items()}
        data["refusal"] = {"code": problem.refusal.code.value, "params": params}
    return data


def _problem_from_data(data: object) -> Problem:
    found = _mapping(data)
    refusal = None
    if found.get("refusal") is not None:
        kept = _mapping(found["refusal"])
        params = {_str(name): _str(value) for name, value in _mapping(kept["params"]).items()}
        refusal = DomainError(ErrorCode(_str(kept["code"])), **params)
    return Problem(
        kind=ProblemKind(_str(found["kind"])),
        typed=_str(found.get("typed", "")),
        length=_int(found.get("length", 0)),
        maximum=_int(found.get("maximum", 0)),
        code=_str(found.get("code", "")),
        codes=tuple(_str(code) for code in _list(found.get("codes", []))),
        known=tuple(_str(value) for value in _list(found.get("known", []))),
        refusal=refusal,
    )


def _line_to_data(line: PreviewLine) -> dict[str, object]:
    return {
        "fragment": line.fragment,
        "problems": [_problem_to_data(problem) for problem in line.problems],
        "item_id": line.item_id,
        "code": line.code,
        "name": line.name,
        "unit": line.unit,
        "available": str(line.available),
        "options": [list(pair) for pair in line.options],
        "defaulted": list(line.defaulted),
        "quantity": _optional_text(line.quantity),
        "required_by": _optional_text(line.required_by),
        "price": _optional_text(line.price),
        "amount": _optional_text(line.amount),
    }


def _line_from_data(data: object) -> PreviewLine:
    found = _mapping(data)
    item_id, required_by = found.get("item_id"), found.get("required_by")
    options = []
    for pair in _list(found.get("options", [])):
        option, value = _list(pair)
        options.append((_str(option), _str(value)))
    return PreviewLine(
        fragment=_str(found["fragment"]),
        problems=tuple(_problem_from_data(problem) for problem in _list(found.get("problems", []))),
        item_id=_int(item_id) if item_id is not None else None,
        code=_str(found.get("code", "")),
        name=_str(found.get("name", "")),
        unit=_str(found.get("unit", "")),
        available=Decimal(_str(found.get("available", "0"))),
        options=tuple(options),
        defaulted=tuple(_str(option) for option in _list(found.get("defaulted", []))),
        quantity=_optional_decimal(found.get("quantity")),
        required_by=date.fromisoformat(_str(required_by)) if required_by is not None else None,
        price=_optional_decimal(found.get("price")),
        amount=_optional_decimal(found.get("amount")),
    )


def _optional_text(value: Decimal | date | None) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def _optional_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(_str(value))
    if not number.is_finite():
        raise ValueError(value)
    return number
