"""The planner's bot screens without a bot: worst-case contexts for the MPS templates, the typed amounts of
/made, the plan's button data within Telegram's 64 bytes, and the digest's chart as a PNG of its size."""

from __future__ import annotations

import struct
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bot.callbacks import MAX_BYTES, Tap
from bot.charts import HEIGHT, WIDTH, weekly_chart
from bot.handlers.mps.made import amounts
from bot.handlers.mps.plan import PlanFilter
from core.use_cases.mps import PlannedOrder, Replenishment
from core.use_cases.mps_digest import MpsDigest, RiskyLine, WeekFigures
from core.use_cases.mps_plan import MpsPage, MpsRow
from core.use_cases.progress import ProgressRecorded

LONG_CODE = "ВР-300-45-3.15-УХЛ1-IP54-" + "Ж" * 25
BIG = Decimal("99999999.999")
MONEY = Decimal("9999999999.99")


def replenishment(*, done: bool, orders: int = 20) -> Replenishment:
    by_order = tuple(PlannedOrder(n, f"ЗС-{n:06d}", 300, BIG) for n in range(orders))
    return Replenishment(lines=300 * orders + 7, quantity=BIG * 300, orders=orders + 5, by_order=by_order, done=done)


def row(n: int) -> MpsRow:
    return MpsRow(n, n, f"ЗС-{n:06d}", 300, LONG_CODE, "Ж" * 200, "кг", BIG, date(2026, 12, 1), BIG,
                  date(2026, 11, 1), "in_progress", True)  # fmt: skip


def digest() -> MpsDigest:
    risky = tuple(RiskyLine(f"ЗС-{n:06d}", 300, LONG_CODE, date(2026, 11, 1), BIG, BIG) for n in range(10))
    weeks = tuple(WeekFigures(date(2026, 10, 5) + timedelta(weeks=n), BIG, BIG) for n in range(8))
    return MpsDigest(date(2026, 11, 30), 99999, BIG, risky, 99999, risky, 99999, BIG, 99999, weeks)


def recorded(**changes: Any) -> ProgressRecorded:
    values: dict[str, Any] = dict(order_id=1, number="ЗС-999999", version=3, position=300, item_code=LONG_CODE,
                                  unit="кг", quantity=BIG, planned=BIG, produced=BIG, actual_cost=MONEY,
                                  planned_cost=MONEY, state="done", line_done=True, order_done=True)  # fmt: skip
    return ProgressRecorded(**{**values, **changes})


MPS_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/mps/label.html.j2": [
        {"which": which, "position": 300}
        for which in ("replenish", "made", "prev", "next", "this_week", "next_week", "late", "all")
    ],
    "bot/mps/chart_label.html.j2": [{"which": which} for which in ("title", "planned", "produced", "quantity")],
    "bot/mps/replenish.html.j2": [
        {"result": replenishment(done=False)},
        {"result": replenishment(done=True)},
        {"result": replenishment(done=True, orders=0)},
    ],
    "bot/mps/made_usage.html.j2": [{}],
    "bot/mps/made_prompt.html.j2": [{"number": "ЗС-999999", "line": 300}],
    "bot/mps/made.html.j2": [{"done": recorded()}, {"done": recorded(order_done=False)}],
    "bot/mps/plan.html.j2": [
        {
            "page": MpsPage(tuple(row(n) for n in range(15)), 999999, 15, 15),
            "wanted": PlanFilter(week=1, late=True, item=LONG_CODE),
            "week": (date(2026, 12, 7), date(2026, 12, 13)),
            "size": 15,
        }
    ],
    "bot/mps/digest.html.j2": [{"digest": digest()}],
}


def test_typed_amounts_take_a_plus_and_an_optional_cost_and_nothing_else() -> None:
    assert amounts(["+10"]) == ("10", "0") and amounts(["10", "15000"]) == ("10", "15000")
    assert amounts([]) is None and amounts(["1", "2", "3"]) is None


def test_the_plans_buttons_carry_their_filter_within_64_bytes_or_are_left_out() -> None:
    wanted = PlanFilter(week=1, late=True, item="ВР-80-75-6.3")
    data = wanted.data(999990)
    assert data is not None and len(data.encode()) <= MAX_BYTES
    assert PlanFilter.tapped(Tap.parse(data).after(1)) == (wanted, 999990)
    assert PlanFilter(item=LONG_CODE * 2).data(0) is None
    for forged in ("m:p:7:1:0", "m:p:-:x:0", "m:p:-:1:-5", "m:p"):
        assert PlanFilter.tapped(Tap.parse(forged).after(1)) is None, forged


def test_typed_filters_read_late_weeks_and_an_items_code() -> None:
    assert PlanFilter.typed(["late", "next", "ВК-100"]) == PlanFilter(week=1, late=True, item="ВК-100")
    assert PlanFilter.typed(["неделя"]) == PlanFilter(week=0)


def test_the_chart_is_a_png_of_its_size() -> None:
    words = {"title": "План и выпуск", "planned": "План", "produced": "Выпуск", "quantity": "Кол-во"}
    png = weekly_chart(digest().by_week, words)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (WIDTH, HEIGHT)
