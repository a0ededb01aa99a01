"""A lived-in demo: the staff, customers and catalogue of a ventilation equipment maker, and orders in every stage.

Orders are made through the use cases, so each has the journal it would have had if people had
done the work; the clock is moved back for older orders, so the history spans weeks. What has no
use case yet (payment terms, contracts, stock) is inserted directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum, auto
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core import use_cases as uc
from core.db import Database
from core.errors import Conflict, ErrorCode
from core.models import (
    Activity,
    Contract,
    ContractKind,
    Decision,
    Order,
    OutboxEvent,
    PaymentBasis,
    PaymentInstalment,
    PaymentTerms,
    Person,
    StepState,
    StockBalance,
)
from core.roles import Role
from core.settings import Settings
from core.stages import Stage
from core.use_cases.cancel_reasons import OTHER, restore_default_reasons
from core.use_cases.debts import announce_ageing_digests
from core.use_cases.overdue import OverdueRules, remind_overdue
from core.validation import inn_check_digit
from core.views import OrderCard

MOSCOW = ZoneInfo("Europe/Moscow")
WAREHOUSE = "Основной склад"
FINANCE_THRESHOLD = Decimal("500000")

# The demo people's Telegram ids: the sandbox and the end-to-end tests log in as them.
ADMIN = 1000
MANAGER = 1001  # Иванова
HEAD = 1002  # approver and head of sales
PLANNER = 1003
ACCOUNTANT = 1004
OTHER_MANAGER = 1005  # Кузнецов
FINANCE = 1006  # approver named on the finance step

STAFF: tuple[tuple[int, str, tuple[Role, ...]], ...] = (
    (ADMIN, "Смирнов Павел Андреевич", (Role.ADMIN,)),
    (MANAGER, "Иванова Анна Сергеевна", (Role.MANAGER,)),
    (HEAD, "Петров Сергей Николаевич", (Role.APPROVER, Role.HEAD)),
    (PLANNER, "Васильева Елена Игоревна", (Role.PLANNER,)),
    (ACCOUNTANT, "Морозова Ольга Владимировна", (Role.ACCOUNTANT,)),
    (OTHER_MANAGER, "Кузнецов Дмитрий Олегович", (Role.MANAGER,)),
    (FINANCE, "Фёдоров Михаил Александрович", (Role.APPROVER,)),
)

# The approval route, as an administrator would load it (`orderbot routes load`): the commercial
# step for every order, and the finance director alongside it for large ones.
ROUTE: Mapping[str, object] = {
    "name": "Основной маршрут согласования",
    "steps": [
        {"title": "Коммерческое согласование", "role": Role.APPROVER.value},
        {
            "title": "Финансовое согласование",
            "role": Role.APPROVER.value,
            "person": FINANCE,
            "min_amount": FINANCE_THRESHOLD,
            "parallel": True,
        },
    ],
}

_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)

# name, the first nine digits of the ИНН, contacts, contract (number, value limit or None), or None
CUSTOMERS: tuple[tuple[str, str, str, tuple[str, Decimal | None] | None], ...] = (
    (
        "ООО «Ромашка»",
        "772814563",
        "Петров Игорь Викторович, главный инженер, +7 495 741-22-18, petrov@romashka-stroy.ru",
        ("ДП-012", Decimal("6000000")),
    ),
    (
        "АО «Уралмашзавод»",
        "667300217",
        "Сидорова Марина Павловна, отдел закупок, +7 343 327-15-40, zakupki@uzm-ekb.ru",
        ("ДП-004", Decimal("25000000")),
    ),
    (
        "ООО «ТеплоВентСервис»",
        "540612785",
        "Гришин Алексей Юрьевич, директор, +7 383 209-44-71, info@tvservis.ru",
        ("ДП-019", None),
    ),
    (
        "ООО «СтройМонтаж-Урал»",
        "745302981",
        "Белова Татьяна Андреевна, снабжение, +7 351 778-60-02, snab@smural.ru",
        ("ДП-023", Decimal("4000000")),
    ),
    (
        "ГБУЗ «Городская клиническая больница № 7»",
        "165901347",
        "Хабибуллин Рустем Ильдарович, зам. главного врача по АХЧ, +7 843 211-05-93, ahch@gkb7-kzn.ru",
        ("ДП-031", None),
    ),
    (
        "АО «НПО «Термоэкс»»",
        "631708254",
        "Ершов Виктор Николаевич, главный механик, +7 846 990-12-37, ershov@termoex.ru",
        ("ДП-008", Decimal("12000000")),
    ),
    (
        "ООО «АэроКлимат»",
        "781013695",
        "Никитина Светлана Олеговна, менеджер проектов, +7 812 640-31-19, sn@aeroclimat.spb.ru",
        ("ДП-027", None),
    ),
    (
        "ООО «ИнжСтройПроект»",
        "526012478",
        "Лебедев Кирилл Максимович, ГИП, +7 831 413-88-20, lebedev@isp-nn.ru",
        ("ДП-035", Decimal("8000000")),
    ),
    (
        "ООО «ТД «ВентМаркет»»",
        "502914736",
        "Орлова Наталья Сергеевна, закупки, +7 495 152-47-63, zakaz@ventmarket.ru",
        None,
    ),
    (
        "ООО «Агрокомплекс «Заречье»»",
        "362501873",
        "Воронин Павел Геннадьевич, главный инженер, +7 473 260-71-54, voronin@zarechye-agro.ru",
        None,
    ),
)

IP = "Исполнение"
CLIMATE = "Климатическое исполнение"
MOTOR = "Двигатель"
Option = tuple[str, str, str]

# code, name, unit, standard cost, price, configuration options (option, value, price delta)
ITEMS: tuple[tuple[str, str, str, str, str, tuple[Option, ...]], ...] = (
    ("ВК-100", "Вентилятор канальный круглый ВК-100", "шт", "2950", "4900", ()),
    ("ВК-125", "Вентилятор канальный круглый ВК-125", "шт", "3200", "5350", ()),
    ("ВК-160", "Вентилятор канальный круглый ВК-160", "шт", "3900", "6450", ()),
    ("ВК-200", "Вентилятор канальный круглый ВК-200", "шт", "4800", "7900", ()),
    (
        "ВК-12",
        "Вентилятор крышный радиальный ВК-12",
        "шт",
        "38500",
        "61200",
        ((MOTOR, "0.75 кВт", "0"), (MOTOR, "1.1 кВт", "4800"), (CLIMATE, "У1", "0"), (CLIMATE, "УХЛ1", "3100")),
    ),
    (
        "ВК-14",
        "Вентилятор крышный радиальный ВК-14",
        "шт",
        "46200",
        "73800",
        ((MOTOR, "1.1 кВт", "0"), (MOTOR, "1.5 кВт", "5600"), (CLIMATE, "У1", "0"), (CLIMATE, "УХЛ1", "3700")),
    ),
    (
        "ВР-80-75-2.5",
        "Вентилятор радиальный ВР 80-75 № 2,5",
        "шт",
        "14800",
        "23600",
        ((MOTOR, "0.18 кВт", "0"), (MOTOR, "0.25 кВт", "1200"), (IP, "IP44", "0"), (IP, "IP54", "2832")),
    ),
    (
        "ВР-80-75-4",
        "Вентилятор радиальный ВР 80-75 № 4",
        "шт",
        "27600",
        "44900",
        (
            (MOTOR, "0.75 кВт", "0"),
            (MOTOR, "1.1 кВт", "3900"),
            (IP, "IP44", "0"),
            (IP, "IP54", "5388"),
            (CLIMATE, "У1", "0"),
            (CLIMATE, "УХЛ1", "2700"),
        ),
    ),
    (
        "ВР-80-75-5",
        "Вентилятор радиальный ВР 80-75 № 5",
        "шт",
        "39800",
        "64500",
        (
            (MOTOR, "1.1 кВт", "0"),
            (MOTOR, "1.5 кВт", "4300"),
            (MOTOR, "2.2 кВт", "9800"),
            (IP, "IP44", "0"),
            (IP, "IP54", "7740"),
        ),
    ),
    (
        "ВР-80-75-6.3",
        "Вентилятор радиальный ВР 80-75 № 6,3",
        "шт",
        "61500",
        "98700",
        (
            (MOTOR, "2.2 кВт", "0"),
            (MOTOR, "3.0 кВт", "8900"),
            (MOTOR, "4.0 кВт", "15400"),
            (IP, "IP44", "0"),
            (IP, "IP54", "11844"),
        ),
    ),
    (
        "ВР-300-45-3.15",
        "Вентилятор радиальный пылевой ВР 300-45 № 3,15",
        "шт",
        "33900",
        "55200",
        ((IP, "IP44", "0"), (IP, "IP54", "6624")),
    ),
    ("ВО-06-300-4", "Вентилятор осевой ВО 06-300 № 4", "шт", "9700", "15900", ()),
    ("ВО-06-300-5", "Вентилятор осевой ВО 06-300 № 5", "шт", "12400", "20300", ()),
    ("КЦ-160", "Клапан воздушный круглый КЦ-160", "шт", "1150", "1980", ()),
    ("КЦ-200", "Клапан воздушный круглый КЦ-200", "шт", "1380", "2350", ()),
    ("КЦ-250", "Клапан воздушный круглый КЦ-250", "шт", "1720", "2900", ()),
    (
        "КВП-600×300",
        "Клапан воздушный прямоугольный с электроприводом 600×300",
        "шт",
        "7600",
        "12900",
        (("Привод", "230 В", "0"), ("Привод", "24 В", "900")),
    ),
    ("КВС-500×250", "Калорифер водяной КВС 500×250", "шт", "11300", "18700", ()),
    ("КЭВ-9", "Калорифер электрический КЭВ 9 кВт", "шт", "9100", "15200", ()),
    ("ФЯ-600×350", "Фильтр ячейковый ФяР 600×350 G4", "шт", "2100", "3600", ()),
    ("ШГК-160", "Шумоглушитель круглый ШГК-160", "шт", "1900", "3250", ()),
    ("ВГ-160", "Вставка гибкая круглая ВГ-160", "шт", "640", "1150", ()),
    ("ЗК-315", "Зонт крышный ЗК-315", "шт", "1450", "2480", ()),
    ("РП-1000", "Рекуператор пластинчатый РП-1000", "шт", "64000", "104500", ()),
    (
        "ПУ-1500",
        "Приточная установка ПУ-1500",
        "шт",
        "148000",
        "239000",
        (
            (IP, "IP44", "0"),
            (IP, "IP54", "28680"),
            ("Нагреватель", "водяной", "0"),
            ("Нагреватель", "электрический", "18500"),
        ),
    ),
    ("ШУВ-1", "Шкаф управления вентиляцией ШУВ-1", "шт", "18400", "31500", ((IP, "IP44", "0"), (IP, "IP54", "3780"))),
    ("УП1-315", "Узел прохода вытяжной шахты УП1-315", "шт", "4300", "7250", ()),
    ("ВЗ-160", "Воздуховод круглый оцинкованный Ø160", "м", "390", "690", ()),
    ("ВЗ-250", "Воздуховод круглый оцинкованный Ø250", "м", "560", "980", ()),
    ("ВП-500×300", "Воздуховод прямоугольный оцинкованный 500×300", "м", "1250", "2150", ()),
    ("ЛО-07", "Лист оцинкованный 0,7 мм", "кг", "98", "145", ()),
)

# code: (on hand, reserved) on the main warehouse
STOCK: dict[str, tuple[str, str]] = {
    "ВК-100": ("48", "6"),
    "ВК-125": ("35", "10"),
    "ВК-160": ("22", "4"),
    "ВК-200": ("12", "0"),
    "ВО-06-300-4": ("9", "2"),
    "ВО-06-300-5": ("4", "0"),
    "КЦ-160": ("120", "30"),
    "КЦ-200": ("86", "12"),
    "КЦ-250": ("40", "0"),
    "ФЯ-600×350": ("64", "8"),
    "ШГК-160": ("27", "0"),
    "ВГ-160": ("150", "20"),
    "ЗК-315": ("18", "0"),
    "ВЗ-160": ("420.5", "60"),
    "ВЗ-250": ("236", "0"),
    "ВП-500×300": ("96.75", "40"),
    "ЛО-07": ("3850.4", "500"),
    "КЭВ-9": ("6", "1"),
    "ВР-80-75-2.5": ("3", "0"),
}

TERMS: tuple[tuple[str, tuple[tuple[int, PaymentBasis, int], ...]], ...] = (
    ("100% предоплата", ((100, PaymentBasis.ORDER_APPROVAL, 5),)),
    ("50% предоплата, 50% по отгрузке", ((50, PaymentBasis.ORDER_APPROVAL, 5), (50, PaymentBasis.SHIPMENT, 5))),
    ("Отсрочка 30 дней", ((100, PaymentBasis.SHIPMENT, 30),)),
)
PREPAID, HALF, DEFERRED = (name for name, _ in TERMS)


class Story(Enum):
    """Where an order's life has got to by today."""

    REQUEST = auto()
    RETURNED = auto()  # returned for rework, waiting in `request`
    APPROVAL = auto()  # waiting for the first decision
    HALF_APPROVED = auto()  # commercial step approved, finance step pending
    APPROVED_NO_TERMS = auto()  # every step approved, contract and terms still missing
    EXECUTION = auto()
    SHIPPED = auto()
    CLOSED = auto()
    ARCHIVED_CLOSED = auto()
    CANCELLED = auto()  # by the manager, while a request
    CANCELLED_IN_APPROVAL = auto()  # by the manager, while in approval
    REJECTED = auto()
    CANCELLED_IN_EXECUTION = auto()  # by the head of sales
    ARCHIVED_CANCELLED = auto()


STORY_STAGE: dict[Story, Stage] = {
    Story.REQUEST: Stage.REQUEST,
    Story.RETURNED: Stage.REQUEST,
    Story.APPROVAL: Stage.APPROVAL,
    Story.HALF_APPROVED: Stage.APPROVAL,
    Story.APPROVED_NO_TERMS: Stage.APPROVAL,
    Story.EXECUTION: Stage.EXECUTION,
    Story.SHIPPED: Stage.SHIPPED,
    Story.CLOSED: Stage.CLOSED,
    Story.ARCHIVED_CLOSED: Stage.ARCHIVED,
    Story.CANCELLED: Stage.CANCELLED,
    Story.CANCELLED_IN_APPROVAL: Stage.CANCELLED,
    Story.REJECTED: Stage.CANCELLED,
    Story.CANCELLED_IN_EXECUTION: Stage.CANCELLED,
    Story.ARCHIVED_CANCELLED: Stage.ARCHIVED,
}


@dataclass(frozen=True, slots=True)
class Line:
    code: str
    quantity: str
    weeks: int  # required by: this many weeks after the request
    options: Mapping[str, str] = field(default_factory=dict)
    price: str | None = None  # a price the head of sales agreed, instead of the list's


@dataclass(frozen=True, slots=True)
class Plan:
    days_ago: int
    manager: int
    customer: str
    story: Story
    lines: tuple[Line, ...]
    terms: str | None = None
    comment: str = ""
    reason: str = ""  # of a cancellation, a rejection or a return for rework
    rework: str = ""  # an approver's comment when they return it once before it goes on
    agreed_line: Line | None = None  # added by the head of sales with an agreed price


def _ip(value: str, **more: str) -> dict[str, str]:
    return {IP: value, **more}


ROMASHKA, URALMASH, TVS, SMU, GKB, TERMOEX, AERO, ISP, VENTMARKET, ZARECHYE = (row[0] for row in CUSTOMERS)
# What part of its prepayment a customer with a shipped order paid (in full unless named): Аэро paid 40 %,
# was shipped all the same, and is the demo's overdue customer.
PREPAID_SHARE: dict[str, Decimal] = {AERO: Decimal("0.4")}
OTHER_SUPPLIER = "Клиент выбрал другого поставщика"
# The catalogue's reason of a demo cancellation (`core.use_cases.cancel_reasons`); the words stay after it.
DEMO_REASON_CODES = {
    OTHER_SUPPLIER: "competitor",
    "Не прошли по цене: у конкурента на 15% дешевле": "price",
    "Заказчик перенёс закупку на следующий квартал": "postponed",
}
AGREED_PRICE_REASON = "Цена согласована с коммерческим директором под объём"

PLANS: tuple[Plan, ...] = (
    Plan(
        70,
        MANAGER,
        URALMASH,
        Story.EXECUTION,
        (
            Line("ВР-80-75-6.3", "4", 12, _ip("IP54", **{MOTOR: "4.0 кВт"})),
            Line("ПУ-1500", "2", 12, _ip("IP54", Нагреватель="водяной")),
            Line("ШУВ-1", "2", 12, _ip("IP54")),
            Line("ВП-500×300", "120.5", 10),
        ),
        HALF,
        comment="Реконструкция вентиляции цеха № 3, поставка двумя партиями",
    ),
    Plan(
        65,
        OTHER_MANAGER,
        TVS,
        Story.ARCHIVED_CLOSED,
        (
            Line("ВК-160", "12", 3),
            Line("КЦ-160", "12", 3),
            Line("ВЗ-160", "84", 3),
        ),
        DEFERRED,
    ),
    Plan(
        62,
        MANAGER,
        ROMASHKA,
        Story.ARCHIVED_CANCELLED,
        (
            Line("ВО-06-300-5", "6", 4),
            Line("ЗК-315", "6", 4),
        ),
        reason=OTHER_SUPPLIER,
    ),
    Plan(
        58,
        OTHER_MANAGER,
        GKB,
        Story.CLOSED,
        (
            Line("РП-1000", "2", 5),
            Line("ФЯ-600×350", "24", 5),
            Line("ШГК-160", "8", 5),
            Line("ВГ-160", "8", 5),
        ),
        PREPAID,
        comment="Приточно-вытяжная система операционного блока",
    ),
    Plan(
        55,
        MANAGER,
        AERO,
        Story.CLOSED,
        (
            Line("ВР-80-75-4", "3", 6, _ip("IP44", **{MOTOR: "1.1 кВт", CLIMATE: "У1"})),
            Line("КВП-600×300", "3", 6, {"Привод": "24 В"}),
        ),
        HALF,
        rework="Проверьте количество: по спецификации проекта вентиляторов четыре, а не три",
    ),
    Plan(
        50,
        OTHER_MANAGER,
        TERMOEX,
        Story.SHIPPED,
        (
            Line("ВР-300-45-3.15", "4", 6, _ip("IP54")),
            Line("ЛО-07", "640.5", 3),
            Line("ВЗ-250", "36", 4),
        ),
        DEFERRED,
    ),
    Plan(
        46,
        MANAGER,
        SMU,
        Story.REJECTED,
        (
            Line("ПУ-1500", "3", 8, _ip("IP44", Нагреватель="электрический")),
            Line("ШУВ-1", "3", 8, _ip("IP44")),
            Line("ВП-500×300", "60", 8),
        ),
        DEFERRED,
        reason="Просроченная дебиторская задолженность по ДП-023: отгрузка только после погашения",
    ),
    Plan(
        42,
        OTHER_MANAGER,
        AERO,
        Story.SHIPPED,
        (
            Line("ВК-12", "4", 5, {MOTOR: "1.1 кВт", CLIMATE: "У1"}),
            Line("УП1-315", "4", 5),
        ),
        HALF,
    ),
    Plan(
        40,
        MANAGER,
        ISP,
        Story.CANCELLED_IN_EXECUTION,
        (
            Line("ВК-14", "6", 8, {MOTOR: "1.5 кВт", CLIMATE: "УХЛ1"}),
            Line("УП1-315", "6", 8),
            Line("ВЗ-250", "48", 8),
        ),
        HALF,
        reason="Заказчик заморозил строительство объекта, финансирование приостановлено",
    ),
    Plan(
        36,
        OTHER_MANAGER,
        VENTMARKET,
        Story.CLOSED,
        (
            Line("ВК-100", "20", 2),
            Line("ВК-125", "20", 2),
            Line("ВК-160", "10", 2),
            Line("ВК-200", "10", 2),
            Line("КЦ-200", "30", 2),
            Line("ВГ-160", "40", 2),
        ),
        PREPAID,
        comment="Складская программа дилера",
    ),
    Plan(
        33,
        MANAGER,
        URALMASH,
        Story.EXECUTION,
        (
            Line("ВР-80-75-5", "6", 8, _ip("IP54", **{MOTOR: "2.2 кВт"})),
            Line("КВС-500×250", "6", 8),
            Line("ФЯ-600×350", "12", 8),
        ),
        HALF,
        rework="Заказчик просит ещё один вентилятор в резерв — добавьте и отправьте заново",
    ),
    Plan(
        30,
        OTHER_MANAGER,
        ZARECHYE,
        Story.CANCELLED,
        (
            Line("ВО-06-300-4", "14", 4),
            Line("КЭВ-9", "6", 4),
        ),
        reason="Не прошли по цене: у конкурента на 15% дешевле",
    ),
    Plan(
        27,
        MANAGER,
        TVS,
        Story.EXECUTION,
        (
            Line("ВК-200", "8", 4),
            Line("КЦ-250", "8", 4),
            Line("ШГК-160", "8", 4),
            Line("ВЗ-250", "62.5", 3),  # due last week and still being made: the demo's late line
            Line("ВГ-160", "16", 4),
        ),
        DEFERRED,
    ),
    Plan(
        24,
        OTHER_MANAGER,
        ROMASHKA,
        Story.SHIPPED,
        (
            Line("ВР-80-75-2.5", "5", 3, _ip("IP44", **{MOTOR: "0.25 кВт"})),
            Line("ВК-125", "10", 3),
        ),
        HALF,
    ),
    Plan(
        21,
        MANAGER,
        GKB,
        Story.EXECUTION,
        (
            Line("ПУ-1500", "1", 8, _ip("IP54", Нагреватель="водяной")),
            Line("РП-1000", "1", 8),
            Line("ШУВ-1", "1", 8, _ip("IP54")),
        ),
        PREPAID,
        comment="Корпус Б, третий этаж: замена приточной установки",
    ),
    Plan(
        18,
        OTHER_MANAGER,
        AERO,
        Story.CANCELLED_IN_APPROVAL,
        (Line("ВР-80-75-4", "2", 6, _ip("IP44", **{MOTOR: "0.75 кВт", CLIMATE: "У1"})),),
        HALF,
        reason="Заказчик перенёс закупку на следующий квартал",
    ),
    Plan(
        15,
        MANAGER,
        AERO,
        Story.EXECUTION,
        (
            Line("ВК-14", "2", 6, {MOTOR: "1.1 кВт", CLIMATE: "У1"}),
            Line("ЗК-315", "2", 6),
        ),
        DEFERRED,
        agreed_line=Line("ВК-12", "2", 6, {MOTOR: "0.75 кВт", CLIMATE: "У1"}, price="55000.00"),
    ),
    Plan(
        12,
        OTHER_MANAGER,
        TERMOEX,
        Story.APPROVED_NO_TERMS,
        (
            Line("ВР-300-45-3.15", "2", 6, _ip("IP44")),
            Line("ВО-06-300-5", "4", 6),
        ),
        comment="Договор на подписании у заказчика",
    ),
    Plan(
        9,
        MANAGER,
        SMU,
        Story.HALF_APPROVED,
        (
            Line("ВР-80-75-6.3", "3", 10, _ip("IP54", **{MOTOR: "3.0 кВт"})),
            Line("ПУ-1500", "1", 10, _ip("IP54", Нагреватель="водяной")),
            Line("ВП-500×300", "45.5", 8),
        ),
        DEFERRED,
    ),
    Plan(
        7,
        OTHER_MANAGER,
        ISP,
        Story.APPROVAL,
        (
            Line("ВК-160", "6", 5),
            Line("КЦ-160", "6", 5),
            Line("ВЗ-160", "36.5", 5),
        ),
        HALF,
        rework="Уточните количество вентиляторов: в письме заказчика их семь, в заявке шесть",
    ),
    Plan(
        5,
        MANAGER,
        ROMASHKA,
        Story.APPROVAL,
        (
            Line("КЭВ-9", "4", 4),
            Line("ФЯ-600×350", "8", 4),
            Line("КВП-600×300", "2", 4, {"Привод": "230 В"}),
        ),
        PREPAID,
    ),
    Plan(
        4,
        OTHER_MANAGER,
        VENTMARKET,
        Story.REQUEST,
        (
            Line("ВК-100", "30", 3),
            Line("ВК-125", "30", 3),
            Line("ВГ-160", "60", 3),
        ),
        PREPAID,
    ),
    Plan(
        3,
        MANAGER,
        URALMASH,
        Story.REQUEST,
        (
            Line("ВР-80-75-4", "8", 10, _ip("IP54", **{MOTOR: "1.1 кВт", CLIMATE: "УХЛ1"})),
            Line("ЛО-07", "1250", 6),
        ),
        comment="Запрос по тендеру № 4471, срок подачи КП — пятница",
    ),
    Plan(
        2,
        OTHER_MANAGER,
        ZARECHYE,
        Story.RETURNED,
        (
            Line("ВО-06-300-5", "8", 5),
            Line("КЭВ-9", "8", 5),
        ),
        HALF,
        reason="Для птичника нужны вентиляторы в исполнении УХЛ1 — подберите замену осевым",
    ),
    Plan(1, MANAGER, AERO, Story.REQUEST, (Line("ВК-200", "4", 3),)),
    Plan(0, OTHER_MANAGER, TVS, Story.REQUEST, (Line("ШГК-160", "10", 2), Line("ВЗ-160", "25.5", 2))),
)


# The planner replenished the MPS this many days ago (the orders then in execution), and recorded since
# (days ago, the order's place in PLANS, its line, made, actual cost): a newcomer finds lines made,
# lines half made, a line due today with nothing made and a line past its date.
PLANNED_DAYS_AGO = 16
MADE: tuple[tuple[int, int, int, str, str], ...] = (
    (10, 0, 1, "4", "251600.00"),
    (10, 0, 3, "2", "37900.00"),
    (7, 0, 2, "1", "151200.00"),
    (9, 10, 2, "6", "69100.00"),
    (3, 10, 3, "5", "10300.00"),
    (8, 12, 4, "40", "23100.00"),
    (4, 12, 1, "8", "39000.00"),
    (2, 12, 3, "3", "5800.00"),
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    people: int
    counterparties: int
    items: int
    contracts: int
    payment_terms: int
    orders: int
    activities: int
    by_stage: Mapping[Stage, int]


@dataclass(slots=True)
class _Catalogue:
    people: dict[int, int] = field(default_factory=dict)  # telegram id -> person id
    customers: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)  # by counterparty name


async def load_demo_data(
    db: Database, *, now: datetime, number_prefix: str = "ЗС-", number_digits: int = 6
) -> DemoSummary:
    """Fill an empty database with the demo company and its orders, the newest registered a little before `now`.

    Refuses (TELEGRAM_ID_TAKEN) when one of the demo people's Telegram ids is already someone's.
    """
    async with db.reading() as session:
        taken = await session.scalar(select(Person.telegram_id).where(Person.telegram_id.in_([t for t, _, _ in STAFF])))
    if taken is not None:
        raise Conflict(ErrorCode.TELEGRAM_ID_TAKEN, value=str(taken))
    season = now - timedelta(days=max(plan.days_ago for plan in PLANS) + 30)
    catalogue, planned = _Catalogue(), False
    await _add_staff(db, catalogue, now=season)
    await _add_customers(db, catalogue, since=date(season.year - 1, 1, 15))
    await _add_items(db, catalogue, prices_from=date(season.year, 1, 1))
    await _add_route_and_terms(db, catalogue)
    await restore_default_reasons(db)  # a database emptied rather than migrated has lost them
    for plan in PLANS:
        if plan.days_ago < PLANNED_DAYS_AGO and not planned:
            await _plan_and_make(db, catalogue, now=now)  # the orders in execution by then; later ones wait for it
            planned = True
        await _Story(db, catalogue, plan, now=now, prefix=number_prefix, digits=number_digits).play()
    await uc.announce_production_risks(db, now=now - timedelta(minutes=1))
    await _reminders_went_out(db, now=now)
    await _overdue_went_out(db, now=now)
    await _history_is_not_news(db, now=now)
    return await _summary(db)


async def _plan_and_make(db: Database, catalogue: _Catalogue, *, now: datetime) -> None:
    """The planner's weeks: the MPS replenished from the orders then in execution, then what was made since.

    The order that reached execution later is left for the newcomer to plan (/mps_replenish).
    """
    planner = catalogue.people[PLANNER]
    await uc.replenish_mps(db, actor_id=planner, now=now - timedelta(days=PLANNED_DAYS_AGO))
    async with db.reading() as session:
        numbers = {
            plan_index: number
            for plan_index, number in enumerate(await session.scalars(select(Order.number).order_by(Order.id)))
        }
    for days_ago, plan_index, position, made, cost in MADE:
        await uc.record_progress(
            db,
            actor_id=planner,
            number=numbers[plan_index],
            line_no=position,
            produced=made,
            actual_cost=cost,
            now=now - timedelta(days=days_ago),
        )


async def _reminders_went_out(db: Database, *, now: datetime) -> None:
    """The orders waiting in approval have waited for days: their reminders went out then, as part of the
    past, so the first `make run` does not remind and escalate all of them at once."""
    settings = Settings()
    rules = uc.ReminderRules(
        calendar=settings.working_calendar(),
        remind_after=timedelta(hours=settings.remind_after_hours),
        escalate_after=timedelta(hours=settings.escalate_after_hours),
    )
    await uc.remind_approvers(db, now=now, rules=rules)


async def _overdue_went_out(db: Database, *, now: datetime) -> None:
    """The overdue customer's reminders up to today, and this week's ageing digest, went out as part of the past:
    the first `make run` tells what becomes due from then on (the next step of the cadence, next week's digest)."""
    settings = Settings()
    rules = OverdueRules(
        calendar=settings.working_calendar(),
        cadence=settings.overdue_cadence(),
        escalate_day=settings.overdue_escalate_day,
    )
    await remind_overdue(db, now=now, rules=rules)
    await announce_ageing_digests(db, now=now)


async def _history_is_not_news(db: Database, *, now: datetime) -> None:
    """The demo's past was told to nobody: its events are marked processed, so starting the bot sends no backlog."""
    async with db.unit_of_work() as session:
        await session.execute(update(OutboxEvent).where(OutboxEvent.processed_at.is_(None)).values(processed_at=now))


async def _add_staff(db: Database, catalogue: _Catalogue, *, now: datetime) -> None:
    for telegram_id, name, roles in STAFF:
        person = await uc.add_person(
            db, full_name=name, roles=roles, now=now, telegram_id=telegram_id, can_override_price=telegram_id == HEAD
        )
        catalogue.people[telegram_id] = person.id


async def _add_customers(db: Database, catalogue: _Catalogue, *, since: date) -> None:
    for position, (name, inn_start, contacts, contract) in enumerate(CUSTOMERS):
        inn = inn_start + str(inn_check_digit(inn_start, _INN_WEIGHTS))
        catalogue.customers[name] = await uc.add_counterparty(db, name=name, tax_id=inn, contacts=contacts)
        if contract is None:
            continue
        number, limit = contract
        signed = since + timedelta(days=23 * position)
        async with db.unit_of_work() as session:
            row = Contract(
                number=f"{number}/{signed.year % 100:02d}",
                counterparty_id=catalogue.customers[name],
                kind=ContractKind.VALUE_LIMITED,
                limit_amount=limit,
                valid_from=signed,
                valid_to=date(signed.year + 2, 12, 31),
            )
            session.add(row)
            await session.flush()
            catalogue.contracts[name] = row.id


async def _add_items(db: Database, catalogue: _Catalogue, *, prices_from: date) -> None:
    for code, name, unit, cost, price, options in ITEMS:
        item_id = await uc.add_item(
            db, code=code, name=name, unit=unit, whole_units=unit == "шт", standard_cost=cost, options=options
        )
        await uc.set_price(db, item_id=item_id, price=price, valid_from=prices_from)
        catalogue.items[code] = item_id
    async with db.unit_of_work() as session:
        session.add_all(
            StockBalance(
                item_id=catalogue.items[code], warehouse=WAREHOUSE, on_hand=Decimal(on_hand), reserved=Decimal(reserved)
            )
            for code, (on_hand, reserved) in STOCK.items()
        )


async def _add_route_and_terms(db: Database, catalogue: _Catalogue) -> None:
    await uc.load_route(db, route=ROUTE)
    async with db.unit_of_work() as session:
        rows = [
            PaymentTerms(
                name=name,
                instalments=[
                    PaymentInstalment(position=position, share_percent=Decimal(share), basis=basis, days=days)
                    for position, (share, basis, days) in enumerate(instalments, start=1)
                ],
            )
            for name, instalments in TERMS
        ]
        session.add_all(rows)
        await session.flush()
        catalogue.terms.update((row.name, row.id) for row in rows)


Step = Callable[[datetime], Awaitable[OrderCard]]


class _Story:
    """One order's life, written as steps with typical delays, played at moments before `now`."""

    def __init__(
        self, db: Database, catalogue: _Catalogue, plan: Plan, *, now: datetime, prefix: str, digits: int
    ) -> None:
        self.db, self.catalogue, self.plan, self.now = db, catalogue, plan, now
        self.prefix, self.digits = prefix, digits
        self.manager = catalogue.people[plan.manager]
        self.order_id = 0
        self.start = now
        self.card: OrderCard | None = None
        self.steps: list[tuple[timedelta, Step]] = []

    def then(self, delay: timedelta, action: Step) -> None:
        self.steps.append((delay, action))

    async def play(self) -> None:
        self._write()
        start = self.start = self._start()
        total = sum((delay for delay, _ in self.steps), timedelta())
        room = self.now - start - timedelta(minutes=20)
        scale = min(1.0, room / total) if total else 1.0
        at = start
        for index, (delay, action) in enumerate(self.steps):
            latest = self.now - timedelta(minutes=len(self.steps) - index)
            at = min(_working_hours(at + delay * scale, latest=latest), latest)
            card = self.card = await action(at)
        if card.stage is not STORY_STAGE[self.plan.story]:
            raise RuntimeError(f"demo order {card.number} ended in {card.stage}, not {STORY_STAGE[self.plan.story]}")

    def _start(self) -> datetime:
        """Registered in the morning, Moscow time, `days_ago` days back; a little before now if that is today."""
        day = (self.now - timedelta(days=self.plan.days_ago)).astimezone(MOSCOW).date()
        morning = datetime.combine(day, time(9, 10 + 7 * (len(self.plan.lines) % 6)), tzinfo=MOSCOW)
        return min(morning, self.now - timedelta(hours=2))

    def _write(self) -> None:
        plan, story = self.plan, self.plan.story
        self.then(timedelta(), self.register)
        for line in plan.lines:
            self.then(timedelta(minutes=6), partial(self.add_line, line, self.manager))
        if plan.agreed_line is not None:
            self.then(timedelta(hours=3), partial(self.add_line, plan.agreed_line, self.catalogue.people[HEAD]))
        if story in (Story.CANCELLED, Story.ARCHIVED_CANCELLED):
            self.then(timedelta(days=4), self.cancel)
            if story is Story.ARCHIVED_CANCELLED:
                self.then(timedelta(days=14), partial(self.archive, self.manager))
            return
        if plan.terms is not None:
            self.then(timedelta(hours=20), self.set_terms)
        if story is Story.REQUEST:
            return
        self.then(timedelta(hours=1), self.submit)
        if story is Story.RETURNED:
            self.then(timedelta(hours=4), partial(self.vote, HEAD, Decision.RETURN, plan.reason))
            return
        if plan.rework:
            self.then(timedelta(hours=5), partial(self.vote, HEAD, Decision.RETURN, plan.rework))
            self.then(timedelta(hours=18), self.rework)
            self.then(timedelta(minutes=25), self.submit)
        if story is Story.REJECTED:
            self.then(timedelta(hours=26), partial(self.vote, FINANCE, Decision.REJECT, plan.reason))
            return
        if story is Story.CANCELLED_IN_APPROVAL:
            self.then(timedelta(days=2), self.cancel)
            return
        if story is Story.APPROVAL:
            return
        self.then(timedelta(hours=4), partial(self.vote, HEAD, Decision.APPROVE, ""))
        if story is Story.HALF_APPROVED:
            return
        self.then(timedelta(hours=22), partial(self.vote, FINANCE, Decision.APPROVE, ""))
        self._write_execution()

    def _write_execution(self) -> None:
        story = self.plan.story
        if story is Story.CANCELLED_IN_EXECUTION:
            self.then(timedelta(days=9), partial(self.cancel_as, HEAD))
        if story is Story.EXECUTION:  # production starts once the prepayment is in
            self.then(timedelta(days=2), partial(self.pay, "prepayment", Decimal(1)))
        if story not in (Story.SHIPPED, Story.CLOSED, Story.ARCHIVED_CLOSED):
            return
        # The money side, through its use cases: the prepayment paid (in part, for the customer who is late),
        # the goods shipped with their quantities and invoiced, the rest paid; paid in full, it closes by itself.
        share = PREPAID_SHARE.get(self.plan.customer, Decimal(1)) if story is Story.SHIPPED else Decimal(1)
        if share:
            self.then(timedelta(days=2), partial(self.pay, "prepayment", share))
        self.then(timedelta(days=22), self.ship_all)
        self.then(timedelta(hours=2), self.invoice)
        if story is Story.SHIPPED:
            return
        self.then(timedelta(days=9), partial(self.pay, "rest", Decimal(1)))
        if story is Story.ARCHIVED_CLOSED:
            self.then(timedelta(days=6), partial(self.archive, self.manager))

    async def register(self, at: datetime) -> OrderCard:
        card = await uc.register_request(
            self.db,
            actor_id=self.manager,
            counterparty_id=self.catalogue.customers[self.plan.customer],
            comment=self.plan.comment,
            now=at,
            number_prefix=self.prefix,
            number_digits=self.digits,
        )
        self.order_id = card.id
        return card

    async def add_line(self, line: Line, actor_id: int, at: datetime) -> OrderCard:
        required_by = self.start.astimezone(MOSCOW).date() + timedelta(weeks=line.weeks)
        return await uc.add_line(
            self.db,
            actor_id=actor_id,
            order_id=self.order_id,
            item_id=self.catalogue.items[line.code],
            quantity=line.quantity,
            required_by=max(required_by, at.astimezone(MOSCOW).date()),
            options=line.options,
            price=line.price,
            price_reason=AGREED_PRICE_REASON if line.price is not None else None,
            now=at,
        )

    async def set_terms(self, at: datetime) -> OrderCard:
        assert self.plan.terms is not None
        contract_id = self.catalogue.contracts.get(self.plan.customer)
        return await uc.set_contract_and_terms(
            self.db,
            actor_id=self.manager,
            order_id=self.order_id,
            payment_terms_id=self.catalogue.terms[self.plan.terms],
            contract_id=contract_id,
            new_contract_number=None if contract_id is not None else self._new_contract_number(at),
            now=at,
        )

    def _card(self) -> OrderCard:
        assert self.card is not None, "the order is registered first"
        return self.card

    def _new_contract_number(self, at: datetime) -> str:
        """The number the manager types for a customer signing its first contract with us."""
        position = [row[0] for row in CUSTOMERS].index(self.plan.customer)
        return f"ДП-{41 + position:03d}/{at.year % 100:02d}"

    async def submit(self, at: datetime) -> OrderCard:
        return await uc.submit_for_approval(self.db, actor_id=self.manager, order_id=self.order_id, now=at)

    async def vote(self, telegram_id: int, decision: Decision, comment: str, at: datetime) -> OrderCard:
        """The approver decides, if a step is open for them (a small order has no finance step)."""
        card = self._card()
        name = next(full_name for person, full_name, _ in STAFF if person == telegram_id)
        if card.stage is not Stage.APPROVAL or not any(
            step.state == StepState.PENDING and step.person_name in (None, name) for step in card.steps
        ):
            return card
        return await uc.vote(
            self.db,
            actor_id=self.catalogue.people[telegram_id],
            order_id=self.order_id,
            decision=decision,
            comment=comment or None,
            now=at,
        )

    async def rework(self, at: datetime) -> OrderCard:
        """The manager answers a return: the first line's quantity goes up by one."""
        first = self._card().lines[0]
        return await uc.update_line(
            self.db,
            actor_id=self.manager,
            order_id=self.order_id,
            line_id=first.id,
            quantity=first.quantity + 1,
            now=at,
        )

    async def cancel(self, at: datetime) -> OrderCard:
        return await self.cancel_as(self.plan.manager, at)

    async def cancel_as(self, telegram_id: int, at: datetime) -> OrderCard:
        actor_id = self.catalogue.people[telegram_id]
        code = DEMO_REASON_CODES.get(self.plan.reason, OTHER)
        return await uc.cancel(
            self.db, actor_id=actor_id, order_id=self.order_id, reason=self.plan.reason, reason_code=code, now=at
        )

    async def pay(self, what: str, share: Decimal, at: datetime) -> OrderCard:
        """The accountant records a payment: `share` of what is due now (the prepayment), or of all that is left."""
        card = await uc.get_order(self.db, viewer_id=self.catalogue.people[ACCOUNTANT], order_id=self.order_id, now=at)
        rows = [row for row in card.schedule if what == "rest" or row.due_date is not None]
        owed = sum((row.amount - row.paid_amount for row in rows), Decimal(0))
        amount = (owed * share).quantize(Decimal("0.01"))
        if amount <= 0:
            return card
        await uc.record_payment(
            self.db,
            actor_id=self.catalogue.people[ACCOUNTANT],
            number=card.number,
            amount=amount,
            paid_on=at.astimezone(MOSCOW).date(),
            now=at,
        )
        return await uc.get_order(self.db, viewer_id=self.manager, order_id=self.order_id, now=at)

    async def ship_all(self, at: datetime) -> OrderCard:
        """The manager ships every line in full; what was neither made nor in stock came to the warehouse first."""
        screen = await uc.shipment_screen(self.db, viewer_id=self.manager, order_id=self.order_id)
        async with self.db.unit_of_work() as session:
            for line in screen.lines:
                if line.left > line.available:
                    await _received(session, self.catalogue.items[line.item_code], line.left - line.available)
        quantities = {line.line_id: line.left for line in screen.lines}
        done = await uc.ship(self.db, actor_id=self.manager, order_id=self.order_id, quantities=quantities, now=at)
        return done.card

    async def invoice(self, at: datetime) -> OrderCard:
        card = self._card()
        await uc.issue_invoice(self.db, actor_id=self.catalogue.people[ACCOUNTANT], number=card.number, now=at)
        return await uc.get_order(self.db, viewer_id=self.manager, order_id=self.order_id, now=at)

    async def archive(self, actor_id: int, at: datetime) -> OrderCard:
        return await uc.archive(self.db, actor_id=actor_id, order_id=self.order_id, now=at)


async def _received(session: AsyncSession, item_id: int, quantity: Decimal) -> None:
    """Goods put on the warehouse's stock (made for the order outside the demo's MPS), ready to ship."""
    balance = await session.scalar(
        select(StockBalance).where(StockBalance.item_id == item_id, StockBalance.warehouse == WAREHOUSE)
    )
    if balance is None:
        session.add(StockBalance(item_id=item_id, warehouse=WAREHOUSE, on_hand=quantity, reserved=Decimal(0)))
    else:
        balance.on_hand += quantity


def _working_hours(moment: datetime, *, latest: datetime) -> datetime:
    """People work from nine to seven, Moscow time: a step due at night waits for the morning (if it has time)."""
    local = moment.astimezone(MOSCOW)
    if 9 <= local.hour < 19:
        return moment
    day = local.date() if local.hour < 9 else local.date() + timedelta(days=1)
    morning = datetime.combine(day, time(9, local.minute), tzinfo=MOSCOW)
    return morning if morning <= latest else moment


async def _summary(db: Database) -> DemoSummary:
    async with db.reading() as session:
        people, contracts, terms, orders, activities = [
            int(await session.scalar(select(func.count(column))) or 0)
            for column in (Person.id, Contract.id, PaymentTerms.id, Order.id, Activity.id)
        ]
        stages = await session.execute(select(Order.stage, func.count()).group_by(Order.stage))
        return DemoSummary(
            people=people,
            counterparties=len(CUSTOMERS),
            items=len(ITEMS),
            contracts=contracts,
            payment_terms=terms,
            orders=orders,
            activities=activities,
            by_stage={Stage(stage): int(number) for stage, number in stages},
        )
