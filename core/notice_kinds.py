"""The kinds of notice a person may turn off, by category, and the outbox kinds each category covers.

A person mutes a category on their settings screen; `Person.muted_kinds` stores the outbox kinds it
covers, and `core.notify_rules.hears` skips those. Muting goes by the event's kind, whoever hears it
(as the owner, a watcher or a planner), so the categories split the kinds, each kind in one at most.

Some kinds are in no category and always come: a decision waiting for the person (the fan-out
never mutes it), and the two facts that leave the responsible manager's order waiting for them
(returned for rework, or approved but unable to go to execution), and approvals handed to the
person while someone is away, or taken back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from core.errors import DomainError, ErrorCode
from core.events import (
    AGEING_DIGEST,
    APPROVAL_REMINDER,
    APPROVALS_DELEGATED,
    APPROVALS_TAKEN_BACK,
    MPS_DIGEST,
    ORDER_CLOSED,
    ORDER_SHIPPED,
    PAYMENT_OVERDUE,
    PAYMENT_RECEIVED,
    PERSON_UNREACHABLE,
    EventKind,
)
from core.roles import Role


class NoticeCategory(StrEnum):
    PROGRESS = "progress"  # orders moving on: registered, submitted, from stage to stage (planners: into execution)
    PRODUCTION = "production"  # planned in the MPS, lines and orders made, lines at risk of being late
    CHANGES = "changes"  # lines, contract and payment terms, notes changed
    APPROVALS = "approvals"  # approvers' votes, approval started over, an order rejected
    INVITES = "invites"  # admins: someone joined through their invitation
    MONEY = "money"  # shipments, payments received, orders closed


CATEGORY_KINDS: Mapping[NoticeCategory, frozenset[str]] = {
    NoticeCategory.PROGRESS: frozenset(
        {EventKind.ORDER_REGISTERED.value, EventKind.ORDER_SUBMITTED.value, EventKind.ORDER_STAGE_CHANGED.value}
    ),
    NoticeCategory.CHANGES: frozenset({EventKind.ORDER_CHANGED.value}),
    NoticeCategory.PRODUCTION: frozenset(
        {
            EventKind.MPS_PLANNED.value,
            EventKind.LINE_PRODUCED.value,
            EventKind.ORDER_PRODUCED.value,
            EventKind.LINE_AT_RISK.value,
            MPS_DIGEST,
        }
    ),
    NoticeCategory.APPROVALS: frozenset(
        {EventKind.APPROVAL_VOTED.value, EventKind.APPROVAL_RESTARTED.value, EventKind.ORDER_REJECTED.value}
    ),
    NoticeCategory.INVITES: frozenset({EventKind.INVITE_USED.value}),
    NoticeCategory.MONEY: frozenset({ORDER_SHIPPED, PAYMENT_RECEIVED, ORDER_CLOSED, AGEING_DIGEST}),
}

# Kinds no category covers: they always come (see the module's docstring).
ALWAYS_HEARD = frozenset(
    {
        EventKind.APPROVAL_STEP_OPENED.value,
        EventKind.ORDER_RETURNED.value,
        EventKind.APPROVAL_COMPLETE_BLOCKED.value,
        APPROVALS_DELEGATED,
        APPROVALS_TAKEN_BACK,
        APPROVAL_REMINDER,  # a decision still waiting (its escalation tells the heads what to see to)
        PERSON_UNREACHABLE,  # the admins must see to it
        PAYMENT_OVERDUE,  # money the company is owed: the manager must see to it
    }
)

# Who is offered a category: everyone, except where only some roles ever hear its kinds.
CATEGORY_ROLES: Mapping[NoticeCategory, frozenset[Role]] = {
    NoticeCategory.PROGRESS: frozenset(Role),
    NoticeCategory.CHANGES: frozenset(Role),
    NoticeCategory.PRODUCTION: frozenset({Role.MANAGER, Role.HEAD, Role.PLANNER}),
    NoticeCategory.APPROVALS: frozenset(Role),
    NoticeCategory.INVITES: frozenset({Role.ADMIN}),
    NoticeCategory.MONEY: frozenset({Role.MANAGER, Role.HEAD, Role.ACCOUNTANT}),
}


def categories_for(roles: Iterable[Role]) -> tuple[NoticeCategory, ...]:
    """The categories a person with these roles is offered, in the order of `NoticeCategory`."""
    held = set(roles)
    return tuple(category for category in NoticeCategory if held & CATEGORY_ROLES[category])


def category_named(value: str, *, roles: Iterable[Role]) -> NoticeCategory:
    """The category a button names, if it is one offered to these roles; else NOTICE_CATEGORY_UNKNOWN."""
    offered = categories_for(roles)
    for category in offered:
        if category.value == value:
            return category
    raise DomainError(ErrorCode.NOTICE_CATEGORY_UNKNOWN, value=value[:30])


def muted_categories(muted_kinds: Iterable[str]) -> frozenset[NoticeCategory]:
    """The categories every kind of which is muted."""
    muted = set(muted_kinds)
    return frozenset(category for category, kinds in CATEGORY_KINDS.items() if kinds <= muted)


def with_category(muted_kinds: Iterable[str], category: NoticeCategory, *, mute: bool) -> list[str]:
    """The muted kinds once the category is muted (or heard again), sorted so the stored list reads the same."""
    muted = set(muted_kinds)
    muted = muted | CATEGORY_KINDS[category] if mute else muted - CATEGORY_KINDS[category]
    return sorted(muted)
