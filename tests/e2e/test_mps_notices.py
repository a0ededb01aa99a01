"""Production heard through the outbox, on the demo: a line and an order made, a line turning overdue, and the
planners' daily MPS digest, once a day each, as a PNG chart of planned against produced and its text."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

from core import use_cases as uc
from core.models import NoticeStatus
from core.roles import Role
from jobs.catalogue import run
from tests.e2e.conftest import BOT_NOW, MANAGER, PLANNER, RunningBot
from tests.e2e.test_mps import URALMASH
from tests.e2e.test_notifications import statuses, told

SECOND_PLANNER = 1007


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height a PNG's IHDR says, after checking the signature and the chunk's name."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", data[:16]
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_mps_digest_for_one_day_comes_once_to_each_planner_as_a_chart_and_its_text(
    notifying_bot: RunningBot,
) -> None:
    bot = notifying_bot
    await uc.add_person(bot.db, full_name="Орлова Вера Павловна", roles=[Role.PLANNER], telegram_id=SECOND_PLANNER,
                        now=BOT_NOW - timedelta(days=1))  # fmt: skip
    await bot.sandbox.register_user(SECOND_PLANNER, first_name="Vera", language_code="ru")
    early = datetime(2026, 11, 30, 4, 59, tzinfo=UTC)  # 07:59 in Moscow
    assert (await run(bot.db, "mps_digest", now=early)).counts == {"planners": 0}
    assert (await run(bot.db, "mps_digest", now=BOT_NOW)).counts == {"planners": 2}
    assert (await run(bot.db, "mps_digest", now=BOT_NOW + timedelta(hours=3))).counts == {"planners": 0}
    for telegram_id in (PLANNER, SECOND_PLANNER):
        planner = bot.user(telegram_id)
        text = await told(planner, "Сводка MPS на 30.11.2026", "Просрочено: 1", "ЗС-000013/4 ВЗ-250")
        assert "Под угрозой срыва" in (text.text or "") and "ЗС-000001/4 ВП-500×300" in (text.text or "")
        photos = [m for m in planner.bot_messages if m.photo is not None]
        assert len(photos) == 1 and photos[0].message_id < text.message_id
        assert photos[0].photo is not None
        assert png_size(await bot.sandbox.download(photos[0].photo)) == (800, 450)
        assert len([m for m in planner.bot_messages if "Сводка MPS" in (m.text or "")]) == 1
        assert await statuses(bot, telegram_id) == [NoticeStatus.SENT]
    nextday = BOT_NOW + timedelta(days=1)
    assert (await run(bot.db, "mps_digest", now=nextday)).counts == {"planners": 2}, "the next day, the next digest"


async def test_the_manager_hears_a_line_made_then_the_order_ready_to_ship_and_a_line_turning_overdue(
    notifying_bot: RunningBot,
) -> None:
    bot = notifying_bot
    planner, manager = bot.user(PLANNER), bot.user(MANAGER)
    await planner.send(f"/made {URALMASH} 2 +1 75000")
    await told(manager, URALMASH, "Строка 2 (ПУ-1500) изготовлена: 2; фактическая себестоимость")
    assert (await run(bot.db, "production_risk", now=BOT_NOW + timedelta(days=1))).counts["overdue"] >= 1
    await told(manager, URALMASH, "Строка 4 (ВП-500×300) просрочена: срок 30.11.2026, изготовлено 0 из 120,5")
    await planner.send(f"/made {URALMASH} 4 +120.5")
    assert "готов к отгрузке" in (planner.last_message.text or "")
    await told(manager, URALMASH, "Все строки изготовлены: заказ готов к отгрузке")


async def test_a_planner_gets_the_chart_on_demand_and_a_manager_is_refused(running_bot: RunningBot) -> None:
    planner, manager = running_bot.user(PLANNER), running_bot.user(MANAGER)
    await planner.send("/mps_chart")
    photo = next(m for m in planner.bot_messages if m.photo is not None)
    assert photo.photo is not None and png_size(await running_bot.sandbox.download(photo.photo)) == (800, 450)
    assert "Сводка MPS на 30.11.2026" in (planner.last_message.text or "")
    await manager.send("/mps_chart")
    assert "может только планировщик" in (manager.last_message.text or "")
    assert not any(m.photo for m in manager.bot_messages)
