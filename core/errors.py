"""Domain errors: each refusal has a code and the values its message needs.

The core never words a message: front ends render `errors/<code>` from
`templates/` in the reader's language, with `params` as the values.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    # who
    NOT_REGISTERED = "not_registered"
    NOT_ALLOWED = "not_allowed"
    NOT_YOUR_ORDER = "not_your_order"
    # what does not exist
    ORDER_NOT_FOUND = "order_not_found"
    COUNTERPARTY_NOT_FOUND = "counterparty_not_found"
    ITEM_NOT_FOUND = "item_not_found"
    LINE_NOT_FOUND = "line_not_found"
    PERSON_NOT_FOUND = "person_not_found"
    CONTRACT_NOT_FOUND = "contract_not_found"
    PAYMENT_TERMS_NOT_FOUND = "payment_terms_not_found"
    PRICE_NOT_FOUND = "price_not_found"
    OPTION_NOT_FOUND = "option_not_found"
    OPTION_REQUIRED = "option_required"
    NO_APPROVAL_ROUTE = "no_approval_route"
    # the order's life
    WRONG_STAGE = "wrong_stage"
    LINES_LOCKED = "lines_locked"
    STALE_ORDER = "stale_order"
    ALREADY_DONE = "already_done"
    ALREADY_VOTED = "already_voted"
    NOTHING_TO_VOTE = "nothing_to_vote"
    APPROVAL_LIMIT_EXCEEDED = "approval_limit_exceeded"
    OWN_ORDER_APPROVAL = "own_order_approval"
    NO_LINES = "no_lines"
    EXECUTION_BLOCKED = "execution_blocked"
    SOMETHING_SHIPPED = "something_shipped"
    CONTRACT_OF_OTHER_COUNTERPARTY = "contract_of_other_counterparty"
    CONTRACT_NOT_VALID = "contract_not_valid"
    CONTRACT_LIMIT_EXCEEDED = "contract_limit_exceeded"
    PRICE_OVERRIDE_NOT_ALLOWED = "price_override_not_allowed"
    DISCOUNT_OVER_LIMIT = "discount_over_limit"
    PRICE_CHANGE_UNREADABLE = "price_change_unreadable"
    PRICE_REASON_REQUIRED = "price_reason_required"
    # bad input
    QUANTITY_NOT_A_NUMBER = "quantity_not_a_number"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    QUANTITY_NOT_WHOLE = "quantity_not_whole"
    QUANTITY_TOO_PRECISE = "quantity_too_precise"
    PRICE_INVALID = "price_invalid"
    APPROVAL_LIMIT_INVALID = "approval_limit_invalid"
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"
    TEXT_EMPTY = "text_empty"
    TEXT_TOO_LONG = "text_too_long"
    REASON_REQUIRED = "reason_required"
    TAX_ID_INVALID = "tax_id_invalid"
    TAX_ID_TAKEN = "tax_id_taken"
    ITEM_CODE_TAKEN = "item_code_taken"
    TELEGRAM_ID_TAKEN = "telegram_id_taken"
    LANGUAGE_UNKNOWN = "language_unknown"
    CURRENCY_UNKNOWN = "currency_unknown"
    TIME_ZONE_UNKNOWN = "time_zone_unknown"
    ROLE_UNKNOWN = "role_unknown"
    TERMS_SHARES_INVALID = "terms_shares_invalid"
    PAGE_INVALID = "page_invalid"
    DATE_UNREADABLE = "date_unreadable"
    INVITE_NOT_FOUND = "invite_not_found"
    INVITE_USED = "invite_used"
    INVITE_EXPIRED = "invite_expired"
    ROUTE_INVALID = "route_invalid"
    PERIOD_INVALID = "period_invalid"
    # a person's own settings
    QUIET_HOURS_UNREADABLE = "quiet_hours_unreadable"
    QUIET_HOURS_EMPTY = "quiet_hours_empty"
    NOTICE_CATEGORY_UNKNOWN = "notice_category_unknown"
    # handing one's approvals to someone while away
    DELEGATION_NOT_APPROVER = "delegation_not_approver"
    DELEGATION_TO_SELF = "delegation_to_self"
    DELEGATE_SEES_OWN_ONLY = "delegate_sees_own_only"
    DELEGATE_AWAY = "delegate_away"
    DELEGATE_IS_ARRANGER = "delegate_is_arranger"
    # production (the MPS)
    PLANNER_ONLY = "planner_only"
    LINE_NOT_PLANNED = "line_not_planned"
    PRODUCED_NEGATIVE = "produced_negative"
    PRODUCED_OVER_PLANNED = "produced_over_planned"
    COST_INVALID = "cost_invalid"
    PROGRESS_EMPTY = "progress_empty"
    PROGRESS_IMPORT_REFUSED = "progress_import_refused"
    CSV_COLUMNS_MISSING = "csv_columns_missing"
    CSV_ORDER_MISSING = "csv_order_missing"
    CSV_LINE_INVALID = "csv_line_invalid"
    # prices and stock loaded from files
    IMPORT_REFUSED = "import_refused"
    IMPORT_COLUMNS_MISSING = "import_columns_missing"
    IMPORT_ROW_REPEATED = "import_row_repeated"
    ITEM_CODE_UNKNOWN = "item_code_unknown"
    WAREHOUSE_MISSING = "warehouse_missing"
    STOCK_NEGATIVE = "stock_negative"
    STOCK_BELOW_RESERVED = "stock_below_reserved"
    # shipments, invoices and payments
    NOTHING_TO_SHIP = "nothing_to_ship"
    SHIPPED_OVER_ORDERED = "shipped_over_ordered"
    SHIPPED_OVER_AVAILABLE = "shipped_over_available"
    AMOUNT_INVALID = "amount_invalid"
    PAYMENT_DATE_IN_FUTURE = "payment_date_in_future"
    NO_PAYMENT_SCHEDULE = "no_payment_schedule"
    ACCOUNTANT_ONLY = "accountant_only"
    CLOSING_NEEDS_HEAD = "closing_needs_head"
    INVOICE_EXISTS = "invoice_exists"
    SHIPMENT_NOT_FOUND = "shipment_not_found"
    PAYMENT_IMPORT_REFUSED = "payment_import_refused"
    # overdue payments and debts
    NOTHING_OVERDUE = "nothing_overdue"
    DEBTS_NOT_FOR_ROLE = "debts_not_for_role"
    PROMISE_NOT_FOR_ROLE = "promise_not_for_role"
    # cancellation reasons and demand analysis
    CANCEL_REASON_UNKNOWN = "cancel_reason_unknown"
    CANCEL_REASON_TAKEN = "cancel_reason_taken"
    CANCEL_REASON_CODE_INVALID = "cancel_reason_code_invalid"
    CANCEL_REASON_BUILT_IN = "cancel_reason_built_in"
    DEMAND_NOT_FOR_ROLE = "demand_not_for_role"
    PERIOD_UNREADABLE = "period_unreadable"
    PERIOD_TOO_LONG = "period_too_long"


class DomainError(Exception):
    """A business rule refused what was asked; nothing was written."""

    def __init__(self, code: ErrorCode, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else str(code))


class NotFound(DomainError):
    """Something named by the caller does not exist (or is not visible to them)."""


class Forbidden(DomainError):
    """The person may not do this, whatever the order's state."""


class Conflict(DomainError):
    """The order moved on since the caller looked at it; reload and decide again."""
