"""A request typed in one message: «Ромашка; ВК-12 x50 до 15.12; ВК-14 x10 до 20.12».

The message becomes a preview to check: the counterparty found, each line with its item,
options, quantity, date, price and amount, the total, and every part that could not be read
pointed at with what to type instead. The preview is kept in the flow state (never in a
button), and [Создать] registers the order with all its lines at once, or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup

from bot.handlers.cards import show_card
from bot.handlers.new_request_state import (
    MAX_CHOICES,
    MAX_SEARCH,
    Step,
    button,
    finish,
    new_state,
    on_tap,
    on_typed,
    remembered,
    save,
    today,
)
from bot.handlers.text import claims_text
from bot.staff import Staff
from core import use_cases as uc
from core import validation
from core.errors import DomainError, ErrorCode
from core.parsing import QuickLine, looks_like_quick_entry, parse_date, parse_quick_entry
from core.search import fold
from core.stages import SALES
from core.use_cases import LineInput
from core.use_cases.catalogue import CounterpartyChoice, ItemChoice, ItemOffer
from templates import error_message
from templates.rendering import to_plain

T = "bot/new_request/"
MAX_QUICK = 3000  # characters: the preview, and the text shown back for copying, fit in one message
MAX_QUICK_LINES = 30
MAX_MESSAGE = 4096
SUGGESTIONS = 5

Problem = dict[str, Any]
R = TypeVar("R")


@claims_text
async def quick_entry(staff: Staff, text: str) -> bool:
    """A message with «;» and no conversation under way is read as a whole request (sales only)."""
    if not looks_like_quick_entry(text) or not staff.person.roles & SALES:
        return False
    await preview(staff, text)
    return True


async def preview(staff: Staff, text: str, *, edit: bool = False) -> None:
    """Read the message, keep the result as the flow's state, show it with [Создать] [Исправить]."""
    state = new_state(step=Step.PREVIEW, text=text, quick=await read_entry(staff, text))
    await save(staff, state)
    await show_preview(staff, state, edit=edit)


async def show_preview(staff: Staff, state: dict[str, Any], *, edit: bool) -> None:
    quick = state["quick"]
    rows = [
        [button(staff, state, "qp", c["id"], shows="counterparty", name=c["name"], tax_id=c["tax_id"])]
        for c in quick["candidates"]
    ]
    rows.append(
        [button(staff, state, "qc"), button(staff, state, "qe")] if ready(quick) else [button(staff, state, "qe")]
    )
    text = preview_text(staff, quick)
    markup = InlineKeyboardMarkup(rows)
    await (staff.show(text, markup) if edit else staff.send(text, markup))


def preview_text(staff: Staff, quick: dict[str, Any]) -> str:
    """The preview in one message: lines beyond what fits are counted rather than shown (the total has them all)."""
    shown = len(quick["lines"]) + len(quick["unreadable"])
    while True:
        text = staff.text(T + "quick_preview.html.j2", quick=quick, ready=ready(quick), shown=shown)
        if len(to_plain(text).encode("utf-16-le")) // 2 <= MAX_MESSAGE or shown == 0:
            return text
        shown -= 1


def ready(quick: dict[str, Any]) -> bool:
    """Everything read and found: the order can be created exactly as shown."""
    lines = quick["lines"]
    return bool(quick["counterparty"] and lines and not quick["problems"] and not quick["unreadable"]) and all(
        not line["problems"] for line in lines
    )


async def read_entry(staff: Staff, text: str) -> dict[str, Any]:
    """The preview as plain data: what was found, and each problem next to the fragment it is about."""
    quick: dict[str, Any] = {
        "counterparty": None,
        "candidates": [],
        "lines": [],
        "unreadable": [],
        "problems": [],
        "total": "0",
        "currency": staff.services.settings.default_currency,
    }
    if len(text) > MAX_QUICK:
        quick["problems"].append({"kind": "too_long", "length": len(text), "maximum": MAX_QUICK})
        return quick
    entry = parse_quick_entry(text)
    if len(entry.lines) + len(entry.unreadable) > MAX_QUICK_LINES:
        quick["problems"].append({"kind": "too_many_lines", "maximum": MAX_QUICK_LINES})
        return quick
    await read_counterparty(staff, entry.counterparty, quick)
    quick["lines"] = [await read_line(staff, line, quick["currency"]) for line in entry.lines]
    quick["unreadable"] = list(entry.unreadable)
    if not entry.lines:
        quick["problems"].append({"kind": "no_lines"})
    total = sum((Decimal(line["amount"]) for line in quick["lines"] if "amount" in line), Decimal("0.00"))
    quick["total"] = str(total)
    return quick


async def read_counterparty(staff: Staff, typed: str, quick: dict[str, Any]) -> None:
    """The best single match (the tax id, the one name containing the text, the only match), else candidates."""
    if len(typed) > MAX_SEARCH:
        quick["problems"].append({"kind": "counterparty_too_long", "typed": typed, "length": len(typed)})
        return
    found = await uc.find_counterparties(staff.services.db, text=typed, limit=MAX_CHOICES)
    exact = [c for c in found if c.tax_id == typed]
    containing = [c for c in found if fold(typed) in fold(c.name)]
    for single in (exact, containing, found):
        if len(single) == 1:
            quick["counterparty"] = counterparty(single[0])
            return
    quick["candidates"] = [counterparty(c) for c in containing or found]
    kind = "counterparty_ambiguous" if found else "counterparty_unknown"
    quick["problems"].append({"kind": kind, "typed": typed})


def counterparty(choice: CounterpartyChoice) -> dict[str, Any]:
    return {"id": choice.id, "name": choice.name, "tax_id": choice.tax_id}


async def read_line(staff: Staff, typed: QuickLine, currency: str) -> dict[str, Any]:
    """One «item xN до date» fragment: found, priced, and checked as the core will check it."""
    line: dict[str, Any] = {"fragment": typed.text, "problems": []}
    choice, rest, problem = await read_item(staff, typed.item)
    if choice is None:
        line["problems"].append(problem)
        return line
    item = await uc.item_offer(staff.services.db, item_id=choice.id, on=today(staff), currency=currency)
    options, defaulted, option_problem = read_options(item, rest)
    line.update(item_id=item.id, code=item.code, name=item.name, unit=item.unit, available=str(item.available))
    line.update(options=options, defaulted=defaulted)
    problems = [option_problem] if option_problem else []
    if item.price is None:
        problems.append(core_problem(staff, DomainError(ErrorCode.PRICE_NOT_FOUND, code=item.code, name=item.name)))
    quantity = checked(
        staff, problems, lambda: validation.quantity(typed.quantity, whole=item.whole_units, unit=item.unit)
    )
    required_by = None
    if typed.required_by is None:
        problems.append({"kind": "no_date"})
    else:
        required_by = checked(staff, problems, lambda: read_date(staff, typed.required_by or ""))
    if quantity is not None:
        line["quantity"] = str(quantity)
    if required_by is not None:
        line["required_by"] = required_by.isoformat()
    if not problems and quantity is not None:
        quote = await uc.quote_line(
            staff.services.db, item_id=item.id, quantity=quantity, options=options, on=today(staff), currency=currency
        )
        line.update(price=str(quote.unit_price), amount=str(quote.amount))
    line["problems"] = problems
    return line


def checked(staff: Staff, problems: list[Problem], read: Callable[[], R]) -> R | None:
    """What `read` returns, or None with its refusal added to the problems."""
    try:
        return read()
    except DomainError as refusal:
        problems.append(core_problem(staff, refusal))
        return None


def read_date(staff: Staff, typed: str) -> date:
    local_today = today(staff)
    return validation.required_by(parse_date(typed, today=local_today), today=local_today)


def core_problem(staff: Staff, refusal: DomainError) -> Problem:
    """A refusal of the core, worded now in the person's language (plain: the preview escapes it)."""
    return {"kind": "refused", "text": error_message(refusal, lang=staff.lang, html=False)}


async def read_item(staff: Staff, typed: str) -> tuple[ItemChoice | None, str, Problem]:
    """The item a line names: its code (then option values may follow), else the one name containing the text."""
    words = typed.split()
    found = await uc.find_items(staff.services.db, text=words[0], limit=MAX_CHOICES)
    exact = [item for item in found if fold(item.code) == fold(words[0])]
    if len(exact) == 1:
        return exact[0], " ".join(words[1:]), {}
    if len(words) > 1:
        found = await uc.find_items(staff.services.db, text=typed, limit=MAX_CHOICES)
    containing = [item for item in found if fold(typed) in fold(f"{item.code} {item.name}")]
    if len(containing) == 1:
        return containing[0], "", {}
    kind = "item_ambiguous" if containing else "item_unknown"
    codes = [item.code for item in containing or found][:SUGGESTIONS]
    return None, "", {"kind": kind, "typed": typed, "codes": codes}


def read_options(item: ItemOffer, rest: str) -> tuple[dict[str, str], list[str], Problem]:
    """Option values named after the code; an option not named takes its base value (no extra charge)."""
    left = fold(rest)
    options: dict[str, str] = {}
    for choice in item.options:
        for value, _ in sorted(choice.values, key=lambda pair: -len(pair[0])):
            pattern = rf"(?<!\w){re.escape(fold(value))}(?!\w)"
            if re.search(pattern, left):
                options[choice.option] = value
                left = re.sub(pattern, " ", left, count=1)
                break
    problem: Problem = {}
    if left.strip(" ,;:()/+-"):
        known = [value for choice in item.options for value, _ in choice.values]
        problem = {"kind": "option_unknown", "typed": rest, "code": item.code, "known": known}
    defaulted = [choice.option for choice in item.options if choice.option not in options]
    for choice in item.options:
        if choice.option not in options:
            options[choice.option] = next((v for v, delta in choice.values if not delta), choice.values[0][0])
    return options, defaulted, problem


# --- the preview's buttons, and text typed while it is shown ---


@on_tap("qc", Step.PREVIEW, Step.FIX)
async def create_tapped(staff: Staff, state: dict[str, Any], _args: tuple[str, ...]) -> None:
    """[Создать]: the order with all its lines at once; the conversation ends, so a second tap creates nothing."""
    quick = state["quick"]
    if not ready(quick):
        await staff.answer(staff.text(T + "quick_not_ready.html.j2"), alert=True)
        return
    settings = staff.services.settings
    card = await uc.register_request(
        staff.services.db,
        actor_id=staff.person.id,
        counterparty_id=quick["counterparty"]["id"],
        now=staff.services.now(),
        lines=[
            LineInput(
                item_id=line["item_id"],
                quantity=line["quantity"],
                required_by=date.fromisoformat(line["required_by"]),
                options=line["options"],
            )
            for line in quick["lines"]
        ],
        currency=quick["currency"],
        number_prefix=settings.order_number_prefix,
        number_digits=settings.order_number_digits,
        # The preview's id: a second [Создать], even on another replica, finds this order.
        request_key=f"quick:{staff.person.id}:{state['fid']}",
    )
    await finish(staff, created={"fid": state["fid"], "order_id": card.id, "number": card.number})
    await show_card(staff, card)
    await staff.answer(staff.text(T + "created.html.j2", number=card.number))


async def already_created(staff: Staff, fid: str) -> bool:
    """A second tap on [Создать] of a preview already turned into an order: say which order it is."""
    created = (await remembered(staff)).get("created") or {}
    if created.get("fid") != fid:
        return False
    await staff.answer(staff.text(T + "already_created.html.j2", number=created.get("number")), alert=True)
    return True


@on_tap("qe", Step.PREVIEW, Step.FIX)
async def fix_tapped(staff: Staff, state: dict[str, Any], _args: tuple[str, ...]) -> None:
    """[Исправить]: ask for the corrected message, showing the previous text to copy."""
    state["step"] = Step.FIX
    await save(staff, state)
    await staff.send(staff.text(T + "quick_fix.html.j2", text=state["text"]))


@on_tap("qp", Step.PREVIEW, Step.FIX)
async def counterparty_tapped(staff: Staff, state: dict[str, Any], args: tuple[str, ...]) -> None:
    """One of the candidates picked as the counterparty: the preview again, with it."""
    quick = state["quick"]
    picked = [c for c in quick["candidates"] if args and str(c["id"]) == args[0]]
    if not picked:
        await staff.answer(staff.text("bot/button_unknown.html.j2"), alert=True)
        return
    quick.update(counterparty=picked[0], candidates=[])
    quick["problems"] = [p for p in quick["problems"] if not p["kind"].startswith("counterparty")]
    await save(staff, state)
    await show_preview(staff, state, edit=True)


@on_typed(Step.PREVIEW, Step.FIX)
async def corrected(staff: Staff, text: str, state: dict[str, Any]) -> None:
    """A corrected message replaces the preview; other text while a preview waits gets a hint."""
    if state["step"] == Step.FIX or looks_like_quick_entry(text):
        await preview(staff, text)
        return
    await staff.send(staff.text(T + "quick_hint.html.j2"))
