"""The bot's command menu: which commands each role sees, and their descriptions."""

from __future__ import annotations

from collections.abc import Iterable

from core.roles import Role
from core.stages import APPROVERS, SALES
from templates.catalogue import translations
from templates.labels import N_

EVERYONE = frozenset(Role)

COMMANDS: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("new", N_("Register a customer's request"), SALES),
    ("inbox", N_("What waits for my decision"), APPROVERS),
    ("delegate", N_("Hand my approvals over while away"), APPROVERS),
    ("mps", N_("The production plan (MPS)"), frozenset({Role.PLANNER, Role.MANAGER, Role.HEAD})),
    ("mps_replenish", N_("Replenish the MPS from orders in execution"), frozenset({Role.PLANNER})),
    ("made", N_("Record what was made of a line"), frozenset({Role.PLANNER})),
    ("mps_chart", N_("The MPS digest and its chart now"), frozenset({Role.PLANNER})),
    ("pay", N_("Record a customer's payment"), frozenset({Role.ACCOUNTANT})),
    ("invoice", N_("Issue an invoice for an order or a shipment"), frozenset({Role.ACCOUNTANT})),
    ("demand", N_("Demand: requests, orders and why cancelled"), frozenset({Role.MANAGER, Role.HEAD})),
    ("orders", N_("Registry of orders"), EVERYONE),
    ("find", N_("Find orders"), EVERYONE),
    ("order", N_("Open an order by number"), EVERYONE),
    ("export", N_("Registry as Excel"), EVERYONE),
    ("watch", N_("Watch an order: hear everything about it"), EVERYONE),
    ("unwatch", N_("Stop watching an order"), EVERYONE),
    ("settings", N_("Language, notices, quiet hours"), EVERYONE),
    ("invite", N_("Invite a colleague"), frozenset({Role.ADMIN})),
    ("help", N_("What I can do"), EVERYONE),
    ("cancel", N_("Stop what you are typing"), EVERYONE),
)


def commands_for(roles: Iterable[Role], lang: str) -> list[tuple[str, str]]:
    """(command, description) pairs for a person with these roles, in their language; a stranger gets /help."""
    held = set(roles)
    gettext = translations(lang).gettext
    return [
        (name, gettext(description))
        for name, description, allowed in COMMANDS
        if held & allowed or (not held and name == "help")
    ]
