"""An order's card and its journal, drawn for the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.texts import (
    activity_name,
    amount,
    blocker_name,
    day,
    heading,
    moment,
    money,
    production_state_name,
    qty,
    role_name,
    stage_name,
    step_state_name,
    unit_name,
)
from core.journal import ActivityKind
from core.views import HistoryEntry, HistoryGroup, OrderCard


def print_card(out: Console, card: OrderCard, *, lang: str, tz: str) -> None:
    out.print(f"[bold]{card.number}[/bold] · {stage_name(card.stage, lang)}", highlight=False)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    inn = f" ({heading('tax_id', lang)} {card.counterparty_tax_id})" if card.counterparty_tax_id else ""
    for label, value in (
        ("counterparty", card.counterparty_name + inn),
        ("responsible", card.responsible_name),
        ("contract", card.contract_number or "—"),
        ("payment_terms", card.payment_terms_name or "—"),
        ("registered", moment(card.created_at, lang, tz)),
        ("in_stage_since", moment(card.stage_changed_at, lang, tz)),
        ("comment", card.comment or "—"),
        ("cancel_reason", card.cancel_reason),
    ):
        if value is not None:
            facts.add_row(heading(label, lang), value)
    out.print(facts)
    out.print(_lines(card, lang))
    out.print(
        f"{heading('total', lang)}: [bold]{money(card.total, lang)}[/bold]"
        f"    {heading('planned_cost', lang)}: {money(card.planned_cost, lang)}"
        f"    {heading('margin', lang)}: {money(card.margin, lang)}"
    )
    if card.steps:
        out.print(_steps(card, lang, tz))
    if card.blockers:
        reasons = "; ".join(blocker_name(code, lang) for code in dict.fromkeys(card.blockers))
        out.print(f"{heading('before_execution', lang)}: {reasons}")


def _lines(card: OrderCard, lang: str) -> Table:
    required = [day(line.required_by, lang) for line in card.lines]
    table = Table(title=heading("lines", lang), title_justify="left")
    table.add_column("#", justify="right", min_width=2)
    table.add_column(heading("item", lang), min_width=10)
    table.add_column(heading("quantity", lang), justify="right", overflow="fold")
    # A date is never cut short: the names give way instead.
    table.add_column(heading("required_by", lang), min_width=max(map(len, required), default=0))
    table.add_column(heading("price", lang), justify="right", overflow="fold")  # sums folded, never cut
    table.add_column(heading("amount", lang), justify="right", overflow="fold")  # sums folded, never cut
    table.add_column(heading("planned_cost", lang), justify="right", overflow="fold")  # sums folded, never cut
    table.add_column(heading("production", lang))
    for line, required_by in zip(card.lines, required, strict=True):
        options = "".join(f"\n  {option}: {value}" for option, value in line.options)
        price = amount(line.price, lang) + (" *" if line.price_overridden else "")
        table.add_row(
            str(line.position),
            f"{line.item_code} {line.item_name}{options}",
            f"{qty(line.quantity, lang)} {unit_name(line.unit, lang)}",
            required_by,
            price,
            amount(line.amount, lang),
            amount(line.planned_cost, lang),
            production_state_name(line.production_state, lang),
        )
    if any(line.price_overridden for line in card.lines):
        table.caption = heading("price_agreed", lang)
    return table


def _steps(card: OrderCard, lang: str, tz: str) -> Table:
    decided = [moment(step.decided_at, lang, tz) if step.decided_at else "" for step in card.steps]
    table = Table(title=heading("approval", lang), title_justify="left")
    for code in ("step", "who", "state", "decided_by"):
        table.add_column(heading(code, lang))
    table.add_column(heading("when", lang), no_wrap=True, min_width=max(map(len, decided), default=0))
    table.add_column(heading("comment", lang))
    for step, when in zip(card.steps, decided, strict=True):
        table.add_row(
            step.title,
            step.person_name or role_name(step.role, lang),
            step_state_name(step.state, lang),
            step.decided_by or "",
            when,
            step.comment or "",
        )
    return table


def print_history(out: Console, groups: tuple[HistoryGroup, ...], *, lang: str, tz: str) -> None:
    table = Table(title=heading("history", lang), title_justify="left", show_lines=False)
    widest = max((len(moment(entry.at, lang, tz)) for group in groups for entry in group.entries), default=0)
    table.add_column(heading("when", lang), no_wrap=True, min_width=widest)
    table.add_column(heading("who", lang))
    table.add_column(heading("what", lang))
    table.add_column(heading("details", lang))
    for group in groups:
        table.add_row(f"[bold]{stage_name(group.stage, lang)}[/bold]", "", "", "", end_section=False)
        for entry in group.entries:
            when, who = moment(entry.at, lang, tz), entry.actor_name or "—"
            table.add_row(when, who, activity_name(entry.kind, lang), describe(entry, lang))
    out.print(table)


def describe(entry: HistoryEntry, lang: str) -> str:
    """The values of a journal entry, in a line; the words around them are the activity's name."""
    details: Mapping[str, Any] = entry.details
    kind = entry.kind
    if kind in (ActivityKind.LINE_ADDED, ActivityKind.LINE_REMOVED):
        options = ", ".join(details.get("options", []))
        text = (
            f"{details.get('position')}. {details.get('item')} × {qty(details.get('quantity', ''), lang)}"
            f" · {amount(details.get('amount', ''), lang)}"
        )
        return f"{text} ({options})" if options else text
    if kind == ActivityKind.LINE_UPDATED:
        changes = details.get("changes", {})
        changed = ", ".join(
            f"{key}: {_value(key, change.get('from'), lang)} → {_value(key, change.get('to'), lang)}"
            for key, change in changes.items()
        )
        return f"{details.get('position')}. {details.get('item')}: {changed}"
    parts: list[str] = []
    if "from" in details and "to" in details:
        parts.append(f"{stage_name(details['from'], lang)} → {stage_name(details['to'], lang)}")
    if kind == ActivityKind.REGISTERED:
        parts.append(f"{details.get('counterparty', '')}, {details.get('responsible', '')}")
    if kind == ActivityKind.SUBMITTED and "total" in details:
        parts.append(amount(details["total"], lang))
    if kind == ActivityKind.CONTRACT_SET:
        parts.append(f"{details.get('contract', '')}, {details.get('payment_terms', '')}")
    parts.extend(str(details[key]) for key in ("step", "reason", "comment") if details.get(key))
    return " · ".join(parts)


def _value(key: str, value: Any, lang: str) -> str:
    """A value a line change names, formatted the way the card shows it."""
    if key == "quantity":
        return qty(str(value), lang)
    if key in ("price", "amount"):
        return amount(str(value), lang)
    if key == "required_by":
        return day(str(value), lang)
    if isinstance(value, list):
        return ", ".join(str(part) for part in value) or "—"
    return str(value)
