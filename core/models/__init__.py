"""Every table of the order model; importing this module registers them all."""

from core.models.approval import (
    ApprovalRoute,
    ApprovalRouteStep,
    ApprovalVote,
    Decision,
    Delegation,
    OrderApprovalStep,
    StepState,
)
from core.models.base import Base
from core.models.catalogue import Counterparty, Item, ItemOption, Price, PriceList, StockBalance, StockReservation
from core.models.contracts import Contract, ContractKind, PaymentBasis, PaymentInstalment, PaymentTerms
from core.models.journal import Activity, OutboxEvent
from core.models.mps import MpsEntry, MpsEntryState, ProductionRecord
from core.models.notifications import JobRun, NoticeStatus, Notification, Watch
from core.models.orders import Counter, Order, OrderLine, ProductionState
from core.models.payments import Invoice, Payment, PaymentAllocation, PaymentRow, Shipment, ShipmentLine
from core.models.people import Draft, Invite, Person, PersonRole
from core.models.reasons import CancelReason

__all__ = [
    "Activity",
    "ApprovalRoute",
    "ApprovalRouteStep",
    "ApprovalVote",
    "Base",
    "CancelReason",
    "Contract",
    "ContractKind",
    "Counter",
    "Counterparty",
    "Decision",
    "Delegation",
    "Draft",
    "Invite",
    "Invoice",
    "Item",
    "ItemOption",
    "JobRun",
    "MpsEntry",
    "MpsEntryState",
    "NoticeStatus",
    "Notification",
    "Order",
    "OrderApprovalStep",
    "OrderLine",
    "OutboxEvent",
    "Payment",
    "PaymentAllocation",
    "PaymentBasis",
    "PaymentInstalment",
    "PaymentRow",
    "PaymentTerms",
    "Person",
    "PersonRole",
    "Price",
    "PriceList",
    "ProductionRecord",
    "ProductionState",
    "Shipment",
    "ShipmentLine",
    "StepState",
    "StockBalance",
    "StockReservation",
    "Watch",
]
