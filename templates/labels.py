"""The names people read for the core's codes: stages, roles, buttons, journal entries, states.

Each table maps a code to an English msgid wrapped in `N_`, a marker that does nothing at run
time but that `pybabel extract -k N_` collects, so the Russian lives in the catalogue with every
other text and the name is translated when a template renders it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.journal import ActivityKind
from core.models import ProductionState, StepState
from core.policy import Action
from core.roles import Role
from core.stages import Stage


def N_(message: str) -> str:
    """Mark a message for extraction; translating it is the renderer's job."""
    return message


STAGES: Mapping[str, str] = {
    Stage.REQUEST: N_("Request"),
    Stage.APPROVAL: N_("Approval"),
    Stage.EXECUTION: N_("Execution"),
    Stage.SHIPPED: N_("Shipped"),
    Stage.CLOSED: N_("Closed"),
    Stage.CANCELLED: N_("Order cancellation"),
    Stage.ARCHIVED: N_("Archive"),
}

ROLES: Mapping[str, str] = {
    Role.MANAGER: N_("Sales manager"),
    Role.APPROVER: N_("Approver"),
    Role.PLANNER: N_("Production planner"),
    Role.ACCOUNTANT: N_("Accountant"),
    Role.HEAD: N_("Head of sales"),
    Role.ADMIN: N_("Administrator"),
}

# The labels of the order's buttons.
ACTIONS: Mapping[str, str] = {
    Action.ADD_LINE: N_("Add line"),
    Action.EDIT_LINES: N_("Edit lines"),
    Action.SUBMIT: N_("Submit for approval"),
    Action.WITHDRAW: N_("Withdraw"),
    Action.APPROVE: N_("Approve"),
    Action.REJECT: N_("Reject"),
    Action.RETURN: N_("Return for rework"),
    Action.SET_TERMS: N_("Contract and payment"),
    Action.NOTE: N_("Note"),
    Action.START_EXECUTION: N_("Start execution"),
    Action.SHIP: N_("Mark shipped"),
    Action.CLOSE: N_("Close"),
    Action.CANCEL: N_("Cancel order"),
    Action.ARCHIVE: N_("Move to archive"),
    Action.HISTORY: N_("History"),
    Action.PROGRESS: N_("Production progress"),
    Action.WATCH: N_("🔔 Watch"),
    Action.UNWATCH: N_("🔕 Stop watching"),
}

# What else a refusal may name as the thing attempted: the core's own words for acts without a
# button, and target stages (moving an order names where it was going), shown as the button
# that would make that move.
OTHER_ACTIONS: Mapping[str, str] = {
    "edit": N_("Edit order"),
    "register": N_("New request"),
    "assign": N_("Assign responsible manager"),
    "invite": N_("Invite a colleague"),
    Stage.REQUEST: ACTIONS[Action.WITHDRAW],
    Stage.APPROVAL: ACTIONS[Action.SUBMIT],
    Stage.EXECUTION: ACTIONS[Action.START_EXECUTION],
    Stage.SHIPPED: ACTIONS[Action.SHIP],
    Stage.CLOSED: ACTIONS[Action.CLOSE],
    Stage.CANCELLED: ACTIONS[Action.CANCEL],
    Stage.ARCHIVED: ACTIONS[Action.ARCHIVE],
}

ACTIVITIES: Mapping[str, str] = {
    ActivityKind.REGISTERED: N_("Request registered"),
    ActivityKind.LINE_ADDED: N_("Line added"),
    ActivityKind.LINE_UPDATED: N_("Line changed"),
    ActivityKind.LINE_REMOVED: N_("Line removed"),
    ActivityKind.SUBMITTED: N_("Submitted for approval"),
    ActivityKind.APPROVED: N_("Approved"),
    ActivityKind.REJECTED: N_("Rejected"),
    ActivityKind.RETURNED: N_("Returned for rework"),
    ActivityKind.CONTRACT_SET: N_("Contract and payment terms set"),
    ActivityKind.APPROVAL_RESTARTED: N_("Approval started over: the votes were given on other terms"),
    ActivityKind.NOTE_SET: N_("Note changed"),
    ActivityKind.STAGE_MOVED: N_("Stage changed"),
    ActivityKind.CANCELLED: N_("Order cancelled"),
    ActivityKind.ARCHIVED: N_("Moved to archive"),
    ActivityKind.MPS_PLANNED: N_("Planned in the MPS"),
    ActivityKind.PRODUCTION_RECORDED: N_("Production recorded"),
    ActivityKind.SHIPPED: N_("Shipment"),
    ActivityKind.PAYMENT_RECORDED: N_("Payment recorded"),
    ActivityKind.INVOICE_ISSUED: N_("Invoice issued"),
    ActivityKind.PAYMENT_PROMISED: N_("Payment promised"),
    ActivityKind.CLOSED: N_("Order closed"),
}

STEP_STATES: Mapping[str, str] = {
    StepState.WAITING: N_("Waiting for an earlier step"),
    StepState.PENDING: N_("Awaiting decision"),
    StepState.APPROVED: N_("Approved"),
    StepState.REJECTED: N_("Rejected"),
    StepState.RETURNED: N_("Returned for rework"),
    StepState.WITHDRAWN: N_("Withdrawn"),
}

PRODUCTION_STATES: Mapping[str, str] = {
    ProductionState.NOT_PLANNED: N_("Not planned"),
    ProductionState.PLANNED: N_("Planned"),
    ProductionState.IN_PROGRESS: N_("In production"),
    ProductionState.DONE: N_("Made"),
}

# The fields that `core.validation.text` names when it refuses a text.
FIELDS: Mapping[str, str] = {
    "comment": N_("Comment"),
    "reason": N_("Reason"),
    "name": N_("Name"),
    "full_name": N_("Full name"),
    "contract": N_("Contract number"),
    "code": N_("Code"),
    "unit": N_("Unit of measure"),
    "option": N_("Option"),
    "value": N_("Option value"),
    "contacts": N_("Contacts"),
}

# What can keep an order out of execution (`core.lifecycle.execution_blockers`).
BLOCKERS: Mapping[str, str] = {
    "approvals": N_("not every approval is given yet"),
    "contract": N_("no contract is chosen"),
    "payment_terms": N_("no payment terms are chosen"),
    "contract_limit_exceeded": N_("the contract limit would be exceeded"),
    "contract_not_valid": N_("the contract is not in force today"),
    "contract_of_other_counterparty": N_("the contract belongs to another counterparty"),
    "no_approver": N_(
        "no one may decide an approval step: the approvers registered the order, are responsible for it, "
        "or their limits are below its total"
    ),
}

# Units of measure as the catalogue stores them (in Russian), named for an English reader;
# a unit missing here is shown as it is.
UNITS: Mapping[str, str] = {
    "шт": N_("pcs"),
    "м": N_("m"),
    "м2": N_("m²"),
    "м²": N_("m²"),
    "м3": N_("m³"),
    "м³": N_("m³"),
    "кг": N_("kg"),
    "т": N_("t"),
    "л": N_("l"),
    "компл": N_("set"),
    "комплект": N_("set"),
    "уп": N_("pack"),
    "пог. м": N_("running m"),
}

# The headings of the command line's tables and card.
HEADINGS: Mapping[str, str] = {
    "number": N_("Number"),
    "registered": N_("Registered"),
    "stage": N_("Stage"),
    "counterparty": N_("Counterparty"),
    "responsible": N_("Responsible"),
    "total": N_("Total"),
    "contract": N_("Contract"),
    "payment_terms": N_("Payment terms"),
    "in_stage_since": N_("In stage since"),
    "comment": N_("Comment"),
    "cancel_reason": N_("Cancel reason"),
    "lines": N_("Lines"),
    "item": N_("Item"),
    "quantity": N_("Quantity"),
    "required_by": N_("Required by"),
    "price": N_("Price"),
    "amount": N_("Amount"),
    "planned_cost": N_("Planned cost"),
    "margin": N_("Margin"),
    "production": N_("Production"),
    "approval": N_("Approval"),
    "step": N_("Step"),
    "who": N_("Who"),
    "state": N_("State"),
    "decided_by": N_("Decided by"),
    "before_execution": N_("Before execution"),
    "when": N_("When"),
    "history": N_("History"),
    "what": N_("What"),
    "details": N_("Details"),
    "orders": N_("Orders"),
    "tax_id": N_("Tax id"),
    "price_agreed": N_("* price agreed instead of the price list's"),
}

TABLES: Mapping[str, Mapping[str, str]] = {
    "stage_name": STAGES,
    "role_name": ROLES,
    "action_name": {**OTHER_ACTIONS, **ACTIONS},
    "activity_name": ACTIVITIES,
    "step_state_name": STEP_STATES,
    "production_state_name": PRODUCTION_STATES,
    "field_name": FIELDS,
    "blocker_name": BLOCKERS,
    "unit_name": UNITS,
}


def namer(table: Mapping[str, str], gettext: Callable[[str], str]) -> Callable[[object], str]:
    """A function naming a code in the reader's language; an unknown code is shown as it is."""

    def name(code: object) -> str:
        msgid = table.get(str(code))
        return gettext(msgid) if msgid is not None else str(code)

    return name
