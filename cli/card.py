"""An order's card and its journal, drawn for the terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.texts import (
    activity_name,
    amount,
    day,
    moment,
    money,
    production_state_name,
    qty,
    role_name,
    stage_name,
    step_state_name,
)
from core.journal import ActivityKind
from core.money import Money
from core.views import HistoryEntry, HistoryGroup, OrderCard


def print_card(out: Console, card: OrderCard, *, lang: str, tz: str) -> None:
    out.print(f"[bold]{card.number}[/bold] · {stage_name(card.stage, lang)}", highlight=False)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    inn = f" (INN {card.counterparty_tax_id})" if card.counterparty_tax_id else ""
    for label, value in (
        ("Counterparty", card.counterparty_name + inn),
        ("Responsible", card.responsible_name),
        ("Contract", card.contract_number or "—"),
        ("Payment terms", card.payment_terms_name or "—"),
        ("Registered", moment(card.created_at, lang, tz)),
        ("In stage since", moment(card.stage_changed_at, lang, tz)),
        ("Comment", card.comment or "—"),
        ("Cancel reason", card.cancel_reason),
    ):
        if value is not None:
            facts.add_row(label, value)
    out.print(facts)
    out.print(_lines(card, lang))
    margin = Money(card.total.amount - card.planned_cost.amount, card.total.currency)
    out.print(
        f"Total: [bold]{money(card.total, lang)}[/bold]    Planned cost: {money(card.planned_cost, lang)}"
        f"    Margin: {money(margin, lang)}"
    )
    if card.steps:
        out.print(_steps(card, lang, tz))


def _lines(card: OrderCard, lang: str) -> Table:
    table = Table(title="Lines", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Item")
    table.add_column("Quantity", justify="right", no_wrap=True)
    table.add_column("Required by", no_wrap=True)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Planned cost", justify="right", no_wrap=True)
    table.add_column("Production")
    for line in card.lines:
        options = "".join(f"\n  {option}: {value}" for option, value in line.options)
        price = amount(line.price, lang) + (" *" if line.price_overridden else "")
        table.add_row(
            str(line.position),
            f"{line.item_code} {line.item_name}{options}",
            f"{qty(line.quantity, lang)} {line.unit}",
            day(line.required_by, lang),
            price,
            amount(line.amount, lang),
            amount(line.planned_cost, lang),
            production_state_name(line.production_state, lang),
        )
    if any(line.price_overridden for line in card.lines):
        table.caption = "* price agreed instead of the price list's"
    return table


def _steps(card: OrderCard, lang: str, tz: str) -> Table:
    table = Table(title="Approval", title_justify="left")
    for heading in ("Step", "Who", "State", "Decided by", "When", "Comment"):
        table.add_column(heading)
    for step in card.steps:
        table.add_row(
            step.title,
            step.person_name or role_name(step.role, lang),
            step_state_name(step.state, lang),
            step.decided_by or "",
            moment(step.decided_at, lang, tz) if step.decided_at else "",
            step.comment or "",
        )
    return table


def print_history(out: Console, groups: tuple[HistoryGroup, ...], *, lang: str, tz: str) -> None:
    table = Table(title="History", title_justify="left", show_lines=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who")
    table.add_column("What")
    table.add_column("Details")
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
