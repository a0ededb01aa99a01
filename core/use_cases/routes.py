"""The approval route as data: written by an administrator (a TOML file, or a plain dict), checked whole, put in place.

A route is a list of steps; each names who decides it (a role, or one named person with that
role), an optional amount threshold (the step applies to orders whose total reaches it), and
whether it runs together with the step before it or after it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import validation
from core.db import Database
from core.errors import DomainError, ErrorCode
from core.locks import lock_key
from core.models import ApprovalRoute, ApprovalRouteStep, Person
from core.models.people import roles_loaded
from core.roles import Role
from core.stages import Stage, Verb, transition

ROUTE_FIELDS = ("name", "steps")
STEP_FIELDS = ("title", "role", "person", "min_amount", "parallel")
MAX_TEXT = 200  # the columns' width, for the route's name and a step's title
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def step_roles() -> tuple[Role, ...]:
    """The roles a step may ask for: those the stage table lets decide an order in approval."""
    vote = transition(Verb.APPROVE, Stage.APPROVAL)
    return tuple(role for role in Role if vote is not None and role in vote.roles)


class RouteProblemKind(StrEnum):
    SYNTAX = "syntax"  # not TOML at all: `line` and `column` say where
    NAME_MISSING = "name_missing"
    UNKNOWN_FIELD = "unknown_field"
    NO_STEPS = "no_steps"
    STEPS_NOT_A_LIST = "steps_not_a_list"
    STEP_NOT_A_TABLE = "step_not_a_table"
    TITLE_MISSING = "title_missing"
    TITLE_TOO_LONG = "title_too_long"
    TITLE_DUPLICATE = "title_duplicate"
    ROLE_MISSING = "role_missing"
    ROLE_UNKNOWN = "role_unknown"
    ROLE_CANNOT_DECIDE = "role_cannot_decide"
    PERSON_NOT_A_NUMBER = "person_not_a_number"
    PERSON_UNKNOWN = "person_unknown"
    PERSON_LACKS_ROLE = "person_lacks_role"
    PERSON_TWICE = "person_twice"
    THRESHOLD_INVALID = "threshold_invalid"
    THRESHOLD_NEGATIVE = "threshold_negative"
    PARALLEL_NOT_BOOLEAN = "parallel_not_boolean"
    FIRST_STEP_PARALLEL = "first_step_parallel"


@dataclass(frozen=True, slots=True)
class RouteProblem:
    """One thing wrong with a route, where it is (a step's number from 1, or a line of the file) and the values."""

    kind: RouteProblemKind
    step: int | None = None
    title: str = ""
    value: str = ""
    known: str = ""
    line: int | None = None
    column: int | None = None
    other: int | None = None  # the earlier step a duplicate title (or person) repeats
    person: str = ""  # the name of the person named by Telegram id in `value`


@dataclass(frozen=True, slots=True)
class RouteStepView:
    position: int
    title: str
    role: Role
    person_telegram_id: int | None
    person_name: str | None
    min_amount: Decimal | None
    parallel: bool


@dataclass(frozen=True, slots=True)
class RouteView:
    id: int
    name: str
    steps: tuple[RouteStepView, ...]


def read_route_file(content: str) -> dict[str, Any]:
    """A route file's TOML as a plain dict (fractions as Decimal, never float), or a refusal naming the line."""
    try:
        return tomllib.loads(content, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        place = _TOML_PLACE.search(message)
        problem = RouteProblem(
            RouteProblemKind.SYNTAX,
            value=_TOML_PLACE.sub("", message)[:200],
            line=int(place.group(1)) if place else None,
            column=int(place.group(2)) if place else None,
        )
        raise DomainError(ErrorCode.ROUTE_INVALID, name="", problems=[problem]) from error


async def load_route(db: Database, *, route: Mapping[str, Any]) -> RouteView:
    """Make `route` the approval route for orders submitted from now on.

    Rules:
    - the route has a name and at least one step; it and each step have only the fields we know;
    - a step has a title of its own (no two steps share one) and says who decides it: a role that
      may decide orders in approval, or a named person (by Telegram id) who is active and has such a
      role, or both;
    - a threshold is an amount of zero or more with at most two decimals;
    - `parallel` is true or false, and the first step has nothing to run together with;
    - anything wrong refuses the whole route, listing every problem at once;
    - the route in force stops being the default but is kept, so what orders were given stays
      explained; orders already on the route keep the steps they were given at submission.
    """
    name, drafts, problems = _check_shape(route)
    async with db.unit_of_work() as session:
        if not db.is_sqlite:
            # Two loads at once would each retire the old route and leave two defaults. (SQLite
            # takes the write lock at BEGIN, which serialises them already.)
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("approval_route")})
        people = await _people_named(session, drafts)
        problems += _people_problems(drafts, people)
        if problems:
            ordered = sorted(problems, key=lambda p: p.step or 0)
            raise DomainError(ErrorCode.ROUTE_INVALID, name=name[:MAX_TEXT], problems=ordered)
        await session.execute(update(ApprovalRoute).where(ApprovalRoute.is_default.is_(True)).values(is_default=False))
        row = ApprovalRoute(name=name, is_default=True, steps=[_step_row(d, people) for d in drafts])
        session.add(row)
        await session.flush()
        return _view(row, people.values())


async def current_route(db: Database) -> RouteView | None:
    """The route orders are put on when submitted now, or None when there is none yet."""
    async with db.reading() as session:
        row = await session.scalar(
            select(ApprovalRoute).where(ApprovalRoute.is_default.is_(True)).order_by(ApprovalRoute.id.desc()).limit(1)
        )
        if row is None:
            return None
        named = {step.person_id for step in row.steps if step.person_id is not None}
        return _view(row, await session.scalars(select(Person).where(Person.id.in_(named))))


@dataclass(slots=True)
class _StepDraft:
    """A step as the file gives it, with whatever could be read; problems are kept apart."""

    number: int
    title: str = ""
    role: Role | None = None
    person: int | None = None  # a Telegram id
    min_amount: Decimal | None = None
    parallel: bool = False
    fields: set[str] = field(default_factory=set)


def _check_shape(route: Mapping[str, Any]) -> tuple[str, list[_StepDraft], list[RouteProblem]]:
    """What can be checked without the database: fields, titles, roles, thresholds, the first step."""
    problems: list[RouteProblem] = []
    raw_name = route.get("name")
    name = validation.clean(raw_name) if isinstance(raw_name, str) else ""
    if not name or len(name) > MAX_TEXT:
        problems.append(RouteProblem(RouteProblemKind.NAME_MISSING, value=str(raw_name or "")[:MAX_TEXT]))
    problems += _unknown_fields(route, ROUTE_FIELDS, step=None)
    raw_steps = route.get("steps")
    if raw_steps is None or (isinstance(raw_steps, list) and not raw_steps):
        problems.append(RouteProblem(RouteProblemKind.NO_STEPS))
        return name, [], problems
    if not isinstance(raw_steps, list):
        problems.append(RouteProblem(RouteProblemKind.STEPS_NOT_A_LIST))
        return name, [], problems
    drafts: list[_StepDraft] = []
    titles: dict[str, int] = {}
    people: dict[int, int] = {}
    for number, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, Mapping):
            problems.append(RouteProblem(RouteProblemKind.STEP_NOT_A_TABLE, step=number, value=str(raw)[:50]))
            continue
        draft, found = _check_step(number, raw)
        key = draft.title.casefold()
        if key and key in titles:
            found.append(
                RouteProblem(RouteProblemKind.TITLE_DUPLICATE, step=number, title=draft.title, other=titles[key])
            )
        titles.setdefault(key, number)
        # One person decides at most one step of an order's round: named twice, the later step would wait forever.
        if draft.person is not None and draft.person in people:
            found.append(
                RouteProblem(
                    RouteProblemKind.PERSON_TWICE,
                    step=number,
                    title=draft.title,
                    value=str(draft.person),
                    other=people[draft.person],
                )
            )
        if draft.person is not None:
            people.setdefault(draft.person, number)
        drafts.append(draft)
        problems += found
    return name, drafts, problems


def _check_step(number: int, raw: Mapping[str, Any]) -> tuple[_StepDraft, list[RouteProblem]]:
    draft = _StepDraft(number=number, fields=set(raw))
    problems = _unknown_fields(raw, STEP_FIELDS, step=number)

    def problem(kind: RouteProblemKind, value: object = "", **more: Any) -> None:
        problems.append(RouteProblem(kind, step=number, title=draft.title, value=str(value)[:MAX_TEXT], **more))

    raw_title = raw.get("title")
    draft.title = validation.clean(raw_title)[:MAX_TEXT] if isinstance(raw_title, str) else ""
    if not draft.title:
        problem(RouteProblemKind.TITLE_MISSING)
    elif len(validation.clean(raw_title)) > MAX_TEXT:
        problem(RouteProblemKind.TITLE_TOO_LONG, known=str(MAX_TEXT))
    allowed = ", ".join(step_roles())
    raw_role, raw_person = raw.get("role"), raw.get("person")
    if raw_role is not None:
        role = str(raw_role).strip().lower()
        if role not in {r.value for r in Role}:
            problem(RouteProblemKind.ROLE_UNKNOWN, raw_role, known=allowed)
        elif Role(role) not in step_roles():
            problem(RouteProblemKind.ROLE_CANNOT_DECIDE, raw_role, known=allowed)
        else:
            draft.role = Role(role)
    elif raw_person is None:
        problem(RouteProblemKind.ROLE_MISSING, known=allowed)
    if raw_person is not None:
        draft.person = _telegram_id(raw_person)
        if draft.person is None:
            problem(RouteProblemKind.PERSON_NOT_A_NUMBER, raw_person)
    if raw.get("min_amount") is not None:
        draft.min_amount, kind = _threshold(raw["min_amount"])
        if kind is not None:
            problem(kind, raw["min_amount"])
    parallel = raw.get("parallel", False)
    if not isinstance(parallel, bool):
        problem(RouteProblemKind.PARALLEL_NOT_BOOLEAN, parallel)
    elif parallel and number == 1:
        problem(RouteProblemKind.FIRST_STEP_PARALLEL)
    else:
        draft.parallel = parallel
    return draft, problems


def _unknown_fields(table: Mapping[str, Any], known: Sequence[str], *, step: int | None) -> list[RouteProblem]:
    title = table.get("title") if step is not None else None
    return [
        RouteProblem(
            RouteProblemKind.UNKNOWN_FIELD,
            step=step,
            title=title if isinstance(title, str) else "",
            value=str(key)[:50],
            known=", ".join(known),
        )
        for key in table
        if key not in known
    ]


def _telegram_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value.strip()):
        return int(value)
    return None


def _threshold(value: object) -> tuple[Decimal | None, RouteProblemKind | None]:
    """An amount of zero or more with at most two decimals; a float (from a plain dict) is read as written."""
    number = validation.parse_decimal(str(value) if isinstance(value, float) else value)  # type: ignore[arg-type]
    if number is None or not isinstance(value, int | float | Decimal | str):
        return None, RouteProblemKind.THRESHOLD_INVALID
    if number < 0:
        return None, RouteProblemKind.THRESHOLD_NEGATIVE
    if number > validation.MAX_PRICE or number != number.quantize(Decimal("0.01")):
        return None, RouteProblemKind.THRESHOLD_INVALID
    return number.quantize(Decimal("0.01")), None


async def _people_named(session: AsyncSession, drafts: Sequence[_StepDraft]) -> dict[int, Person]:
    """The active people the steps name, by Telegram id."""
    wanted = {d.person for d in drafts if d.person is not None}
    if not wanted:
        return {}
    found = await session.execute(
        select(Person).where(Person.telegram_id.in_(wanted), Person.active.is_(True)).options(roles_loaded())
    )
    return {p.telegram_id: p for p in found.unique().scalars() if p.telegram_id is not None}


def _people_problems(drafts: Sequence[_StepDraft], people: Mapping[int, Person]) -> list[RouteProblem]:
    """A named person exists, is active and has the step's role; a step naming only a person takes their role."""
    problems: list[RouteProblem] = []
    for draft in drafts:
        if draft.person is None:
            continue
        where = partial(RouteProblem, step=draft.number, title=draft.title, value=str(draft.person))
        person = people.get(draft.person)
        if person is None:
            problems.append(where(RouteProblemKind.PERSON_UNKNOWN))
            continue
        if "role" in draft.fields and draft.role is None:
            continue  # the role itself is wrong, and that is said already
        if draft.role is None:
            draft.role = next((role for role in step_roles() if role in person.roles), None)
        if draft.role is None or draft.role not in person.roles:
            needed = draft.role or ", ".join(step_roles())
            problems.append(where(RouteProblemKind.PERSON_LACKS_ROLE, person=person.full_name, known=needed))
    return problems


def _step_row(draft: _StepDraft, people: Mapping[int, Person]) -> ApprovalRouteStep:
    assert draft.role is not None, "a step without a role was refused"
    return ApprovalRouteStep(
        position=draft.number,
        title=draft.title,
        role=draft.role,
        person_id=people[draft.person].id if draft.person is not None else None,
        min_amount=draft.min_amount,
        parallel=draft.parallel,
    )


def _view(row: ApprovalRoute, people: Iterable[Person]) -> RouteView:
    by_id = {person.id: person for person in people}
    steps = []
    for step in row.steps:
        person = by_id.get(step.person_id) if step.person_id is not None else None
        steps.append(
            RouteStepView(
                position=step.position,
                title=step.title,
                role=Role(step.role),
                person_telegram_id=person.telegram_id if person is not None else None,
                person_name=person.full_name if person is not None else None,
                min_amount=step.min_amount,
                parallel=step.parallel,
            )
        )
    return RouteView(id=row.id, name=row.name, steps=tuple(steps))
