"""/mps: the plan by planned date, filtered (this week or next, late only, one item) and paged ◀ ▶.

Every button carries the whole filter and the page (`m:p:<week>:<late>:<offset>[:<item>]`, week `-`
for any, 0 this, 1 next), so a page reads the same in any replica and an old button still shows a
true page; the core reads it again, as the person may see it (a manager: their own orders).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import PLAN, Prefix, Tap, pack
from bot.handlers.card.views import mps_label
from bot.staff import Reply
from core import use_cases as uc
from core import validation
from core.use_cases.mps_plan import week_of

ANY = "-"
LATE_WORDS = frozenset({"late", "просрочено", "просроченные", "просрочка"})
WEEK_WORDS = {"week": 0, "неделя": 0, "this": 0, "next": 1, "следующая": 1}


@dataclass(frozen=True, slots=True)
class PlanFilter:
    """What the plan shows: the week (0 this, 1 next, None any), late lines only, one item's code."""

    week: int | None = None
    late: bool = False
    item: str = ""

    @classmethod
    def typed(cls, words: list[str]) -> PlanFilter:
        """`/mps late`, `/mps week`, `/mps next`, `/mps ВК-100`, in any combination."""
        found = cls()
        for word in words:
            lowered = word.lower()
            if lowered in LATE_WORDS:
                found = replace(found, late=True)
            elif lowered in WEEK_WORDS:
                found = replace(found, week=WEEK_WORDS[lowered])
            else:
                found = replace(found, item=validation.clean(word)[:50])
        return found

    @classmethod
    def tapped(cls, tap: Tap) -> tuple[PlanFilter, int] | None:
        """The filter and the offset a button carries (after `m:p`), or None for a forged one."""
        week, late, offset = tap.arg(0), tap.arg(1), tap.position(2)
        if week not in (ANY, "0", "1") or late not in ("0", "1") or offset is None:
            return None
        return cls(None if week == ANY else int(week), late == "1", tap.arg(3)), offset

    def data(self, offset: int) -> str | None:
        """The button's data, or None when an item's code is too long for it."""
        week = ANY if self.week is None else str(self.week)
        try:
            return pack(Prefix.MPS, PLAN, week, int(self.late), offset, *([self.item] if self.item else []))
        except ValueError:
            return None


async def mps_command(reply: Reply) -> None:
    """/mps [week|next] [late] [ITEM]: the first page of the plan."""
    message = reply.update.effective_message
    words = (message.text or "").split()[1:] if message is not None else []
    await show_plan(reply, PlanFilter.typed(words), offset=0, new=True)


async def plan_tap(reply: Reply) -> None:
    """A filter or a page of the plan: the plan read again."""
    found = PlanFilter.tapped(reply.tap.after(1))
    if found is None:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)
        return
    await show_plan(reply, found[0], offset=found[1])


async def show_plan(reply: Reply, wanted: PlanFilter, *, offset: int, new: bool = False) -> None:
    now, size = reply.services.now(), reply.services.settings.page_size
    today = validation.local_today(now, reply.person.time_zone)
    week = today + timedelta(weeks=wanted.week) if wanted.week is not None else None
    page = await uc.mps_plan(
        reply.services.db,
        actor_id=reply.person.id,
        now=now,
        week=week,
        item=wanted.item or None,
        late_only=wanted.late,
        offset=offset,
        limit=size,
    )
    shown = week_of(week) if week is not None else None
    text = reply.text("bot/mps/plan.html.j2", page=page, wanted=wanted, week=shown, size=size)
    markup = keyboard(reply, wanted, page)
    await (reply.send(text, markup) if new else reply.show(text, markup))


def keyboard(reply: Reply, wanted: PlanFilter, page: uc.MpsPage) -> InlineKeyboardMarkup:
    """◀ ▶ when there is a page that way, then the filters: this week, next week, late only, all."""

    def button(which: str, target: PlanFilter, offset: int) -> InlineKeyboardButton | None:
        data = target.data(offset)
        return InlineKeyboardButton(mps_label(reply.recipient, which), callback_data=data) if data else None

    paging = [
        button("prev", wanted, max(0, page.offset - page.limit)) if page.has_previous else None,
        button("next", wanted, page.offset + page.limit) if page.has_next else None,
    ]
    filters = [
        button("this_week", replace(wanted, week=0), 0),
        button("next_week", replace(wanted, week=1), 0),
        button("late", replace(wanted, late=True), 0),
        button("all", PlanFilter(), 0),
    ]
    rows = [[b for b in paging if b is not None], [b for b in filters[:2] if b], [b for b in filters[2:] if b]]
    return InlineKeyboardMarkup([row for row in rows if row])
