"""The use cases: each one business verb, one unit of work."""

from core.use_cases.approval import submit_for_approval, vote
from core.use_cases.approval_report import approval_report
from core.use_cases.catalogue import (
    add_counterparty,
    add_item,
    find_counterparties,
    find_items,
    item_offer,
    quote_line,
    set_price,
)
from core.use_cases.delegations import (
    DelegationScreen,
    DelegationView,
    delegate_approvals,
    delegation_screen,
    list_delegations,
    take_back_approvals,
)
from core.use_cases.drafts import clear_draft, load_draft, save_draft
from core.use_cases.inbox import BulkOutcome, Inbox, InboxRow, ShownOrder, approve_all, inbox
from core.use_cases.invites import accept_invite, create_invite
from core.use_cases.lines import LineInput, add_line, remove_line, update_line
from core.use_cases.moves import archive, cancel, move_stage
from core.use_cases.mps import PlannedOrder, Replenishment, preview_replenishment, replenish_mps
from core.use_cases.mps_digest import MpsDigest, mps_digest_data
from core.use_cases.mps_plan import MpsPage, MpsRow, mps_plan, production_progress
from core.use_cases.notes import set_note
from core.use_cases.notifications import (
    claim_due,
    claim_edits,
    fan_out,
    list_notifications,
    mark_edited,
    mark_failed,
    mark_sent,
    mark_unreachable,
    person_wrote_again,
    release_digests,
    release_held,
    retry,
    retry_later,
    unwatch,
    watch,
)
from core.use_cases.people import add_person, grant_role, identify, list_people, revoke_role, set_approval_limit
from core.use_cases.production_risk import RiskChanges, announce_production_risks
from core.use_cases.progress import (
    ImportedProgress,
    ProgressImportRefused,
    ProgressRecorded,
    import_progress,
    record_progress,
)
from core.use_cases.queries import OrderFilter, get_order, list_orders, order_history
from core.use_cases.reminders import ReminderRules, RemindersResult, remind_approvers
from core.use_cases.requests import register_request
from core.use_cases.routes import current_route, load_route, read_route_file
from core.use_cases.settings import (
    PersonSettings,
    person_settings,
    set_digest,
    set_language,
    set_quiet_hours,
    toggle_category,
)
from core.use_cases.terms import set_contract_and_terms
from core.use_cases.terms_catalogue import list_contracts, list_payment_terms

__all__ = [  # noqa: RUF022 - the MPS's names are kept together, apart from the others' (edited at once)
    "ImportedProgress",
    "MpsDigest",
    "MpsPage",
    "MpsRow",
    "PlannedOrder",
    "ProgressImportRefused",
    "ProgressRecorded",
    "Replenishment",
    "RiskChanges",
    "announce_production_risks",
    "import_progress",
    "mps_digest_data",
    "mps_plan",
    "preview_replenishment",
    "production_progress",
    "record_progress",
    "replenish_mps",
    "BulkOutcome",
    "DelegationScreen",
    "DelegationView",
    "Inbox",
    "InboxRow",
    "LineInput",
    "OrderFilter",
    "PersonSettings",
    "ReminderRules",
    "RemindersResult",
    "ShownOrder",
    "accept_invite",
    "add_counterparty",
    "add_item",
    "add_line",
    "add_person",
    "approval_report",
    "approve_all",
    "archive",
    "cancel",
    "claim_due",
    "claim_edits",
    "clear_draft",
    "create_invite",
    "current_route",
    "delegate_approvals",
    "delegation_screen",
    "fan_out",
    "find_counterparties",
    "find_items",
    "get_order",
    "grant_role",
    "identify",
    "inbox",
    "item_offer",
    "list_contracts",
    "list_delegations",
    "list_notifications",
    "list_orders",
    "list_payment_terms",
    "list_people",
    "load_draft",
    "load_route",
    "mark_edited",
    "mark_failed",
    "mark_sent",
    "mark_unreachable",
    "move_stage",
    "order_history",
    "person_settings",
    "person_wrote_again",
    "quote_line",
    "read_route_file",
    "register_request",
    "release_digests",
    "release_held",
    "remind_approvers",
    "remove_line",
    "retry",
    "retry_later",
    "revoke_role",
    "save_draft",
    "set_approval_limit",
    "set_contract_and_terms",
    "set_digest",
    "set_language",
    "set_note",
    "set_price",
    "set_quiet_hours",
    "submit_for_approval",
    "take_back_approvals",
    "toggle_category",
    "unwatch",
    "update_line",
    "vote",
    "watch",
]
