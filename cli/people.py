"""`orderbot people ...`: staff and their roles, for an administrator at the terminal."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import UTC, datetime

from rich.table import Table

from cli.common import Subparsers, add_lang, console, data_command, lang_of, telegram_id
from cli.texts import amount, day, role_name
from core import use_cases as uc
from core import validation
from core.db import Database
from core.errors import ErrorCode, NotFound
from core.parsing import parse_date
from core.roles import Role
from core.use_cases.people import PersonView, parse_approval_limit, parse_role
from templates import render_plain

ROLES_HELP = "one of: " + ", ".join(role.value for role in Role)


def register(commands: Subparsers) -> None:
    people = commands.add_parser("people", help="staff: add people, grant and revoke roles, list")
    verbs = people.add_subparsers(dest="people_command", metavar="COMMAND", required=True)

    add = verbs.add_parser("add", help="add a member of staff")
    add.add_argument("--name", required=True, help="full name, e.g. 'Иванова Анна Сергеевна'")
    add.add_argument("--telegram-id", required=True, type=telegram_id, metavar="ID")
    add.add_argument("--role", required=True, action="append", metavar="ROLE", help=f"repeatable; {ROLES_HELP}")
    add.add_argument("--language", default="ru", help="ru or en (default: ru)")
    add.add_argument("--time-zone", default="Europe/Moscow", help="IANA zone (default: Europe/Moscow)")
    add.add_argument("--approval-limit", metavar="AMOUNT", help="the largest order total they may approve")
    add.add_argument("--can-override-price", action="store_true", help="may agree prices other than the list's")
    add_lang(add)
    add.set_defaults(command=data_command(add_person))

    for verb, does in (("grant", "give a person a role"), ("revoke", "take a role away")):
        change = verbs.add_parser(verb, help=does)
        change.add_argument("telegram_id", type=telegram_id, metavar="TELEGRAM_ID")
        change.add_argument("role", metavar="ROLE", help=ROLES_HELP)
        add_lang(change)
        change.set_defaults(command=data_command(grant if verb == "grant" else revoke))

    limit = verbs.add_parser(
        "limit", help="set the largest order total an approver may approve, or 'none' to remove the limit"
    )
    limit.add_argument("telegram_id", type=telegram_id, metavar="TELEGRAM_ID")
    limit.add_argument("amount", metavar="AMOUNT", help="e.g. 500000 or 500000.50; 'none' for no limit")
    add_lang(limit)
    limit.set_defaults(command=data_command(set_limit))

    delegate = verbs.add_parser(
        "delegate", help="hand an approver's approvals to someone else while they are away, until a date"
    )
    delegate.add_argument("principal", type=telegram_id, metavar="FROM", help="the approver away (Telegram id)")
    delegate.add_argument("delegate", type=telegram_id, metavar="TO", help="who decides in their stead (Telegram id)")
    delegate.add_argument("--until", required=True, metavar="DATE", help="the last day, e.g. 2026-12-15 or 15.12")
    add_lang(delegate)
    delegate.set_defaults(command=data_command(delegate_approvals))

    back = verbs.add_parser("undelegate", help="give an approver their approvals back now")
    back.add_argument("principal", type=telegram_id, metavar="FROM", help="the approver (Telegram id)")
    add_lang(back)
    back.set_defaults(command=data_command(take_back))

    delegations = verbs.add_parser("delegations", help="delegations in force now or to come")
    add_lang(delegations)
    delegations.set_defaults(command=data_command(list_delegations))

    listing = verbs.add_parser("list", help="everyone on the staff")
    add_lang(listing)
    listing.set_defaults(command=data_command(list_people))


async def add_person(args: argparse.Namespace, db: Database) -> int:
    roles = [parse_role(role) for role in args.role]
    limit = validation.price(args.approval_limit) if args.approval_limit is not None else None
    person = await uc.add_person(
        db,
        full_name=args.name,
        roles=roles,
        now=datetime.now(UTC),
        telegram_id=args.telegram_id,
        language=args.language,
        time_zone=args.time_zone,
        approval_limit=limit,
        can_override_price=args.can_override_price,
    )
    console().print(people_table([person], lang=lang_of(args), title="Added"))
    return 0


async def grant(args: argparse.Namespace, db: Database) -> int:
    person = await uc.grant_role(db, telegram_id=args.telegram_id, role=parse_role(args.role))
    console().print(people_table([person], lang=lang_of(args), title="Roles now"))
    return 0


async def revoke(args: argparse.Namespace, db: Database) -> int:
    person = await uc.revoke_role(db, telegram_id=args.telegram_id, role=parse_role(args.role))
    console().print(people_table([person], lang=lang_of(args), title="Roles now"))
    return 0


async def set_limit(args: argparse.Namespace, db: Database) -> int:
    person = await uc.set_approval_limit(db, telegram_id=args.telegram_id, limit=parse_approval_limit(args.amount))
    console().print(people_table([person], lang=lang_of(args), title="Approval limit now"))
    return 0


async def list_people(args: argparse.Namespace, db: Database) -> int:
    console().print(people_table(await uc.list_people(db), lang=lang_of(args), title="Staff"))
    return 0


async def delegate_approvals(args: argparse.Namespace, db: Database) -> int:
    now = datetime.now(UTC)
    principal, delegate = await _staff(db, args.principal), await _staff(db, args.delegate)
    until = parse_date(args.until, today=validation.local_today(now, principal.time_zone))
    made = await uc.delegate_approvals(db, principal_id=principal.id, delegate_id=delegate.id, until=until, now=now)
    console().print(delegations_table([made], lang=lang_of(args), title="Delegated"))
    return 0


async def take_back(args: argparse.Namespace, db: Database) -> int:
    principal = await _staff(db, args.principal)
    taken = await uc.take_back_approvals(db, principal_id=principal.id, now=datetime.now(UTC))
    print(render_plain("cli/taken_back.html.j2", lang=lang_of(args), name=principal.full_name, taken=taken))
    return 0


async def list_delegations(args: argparse.Namespace, db: Database) -> int:
    found = await uc.list_delegations(db, now=datetime.now(UTC))
    console().print(delegations_table(found, lang=lang_of(args), title="Delegations"))
    return 0


async def _staff(db: Database, telegram_id: int) -> PersonView:
    person = await uc.identify(db, telegram_id=telegram_id)
    if person is None:
        raise NotFound(ErrorCode.PERSON_NOT_FOUND, value=str(telegram_id))
    return person


def delegations_table(found: Iterable[uc.DelegationView], *, lang: str, title: str) -> Table:
    """Who hands whose approvals to whom, and the last day (in the approver's time zone)."""
    table = Table(title=title, title_justify="left")
    table.add_column("Approver away")
    table.add_column("Decides in their stead")
    table.add_column("Last day", justify="right")
    for view in found:
        table.add_row(view.principal_name, view.delegate_name, day(view.until, lang))
    return table


def people_table(people: Iterable[PersonView], *, lang: str, title: str) -> Table:
    """Staff by Telegram id, with their roles named in `lang` and as typed on the command line."""
    people = sorted(people, key=lambda p: (p.telegram_id is None, p.telegram_id or 0, p.full_name))
    table = Table(title=title, title_justify="left")
    table.add_column("Telegram id", justify="right")
    table.add_column("Name")
    table.add_column("Roles")
    table.add_column("Language")
    table.add_column("Time zone")
    table.add_column("Approval limit", justify="right")
    for person in people:
        table.add_row(
            str(person.telegram_id or "—"),
            person.full_name,
            ", ".join(f"{role_name(role, lang)} ({role.value})" for role in sorted(person.roles)) or "—",
            person.language,
            person.time_zone,
            amount(person.approval_limit, lang) if person.approval_limit is not None else "—",
        )
    return table
