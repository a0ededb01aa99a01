"""The registry's filters: what a person chose, kept in their draft, turned into the core's OrderFilter.

The choice lives in the draft section `registry` (so `/export` and a restarted bot see the
same), as plain values that are read back defensively: a section written by an older bot,
or damaged, falls back to the defaults rather than failing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.drafts import put_section, section
from bot.staff import Reply
from core.roles import Role
from core.stages import Stage
from core.use_cases import OrderFilter
from core.validation import local_today

SECTION = "registry"
PERIODS = ("all", "today", "week", "month")
STAGES = tuple(stage.value for stage in Stage)


@dataclass(frozen=True, slots=True)
class RegistryFilters:
    """What the registry shows: a stage ("" = every stage but the archive), whose, whose customer, since when.

    `search` is the text of the last /find; while it is set, the list shows what matches it
    in every stage and the other filters wait.
    """

    stage: str = ""
    mine: bool = False
    counterparty_id: int | None = None
    counterparty_name: str = ""
    period: str = "all"
    search: str = ""

    @classmethod
    def from_section(cls, data: dict[str, Any]) -> RegistryFilters:
        stage = data.get("stage")
        period = data.get("period")
        counterparty = data.get("counterparty_id")
        return cls(
            stage=stage if stage in STAGES else "",
            mine=data.get("mine") is True,
            counterparty_id=counterparty if isinstance(counterparty, int) and counterparty > 0 else None,
            counterparty_name=str(data.get("counterparty_name") or "") if isinstance(counterparty, int) else "",
            period=period if period in PERIODS else "all",
            search=str(data.get("search") or "")[:100],
        )

    def order_filter(self, reply: Reply) -> OrderFilter:
        """The core's filter; the core itself keeps a manager to their own orders."""
        if self.search:
            return OrderFilter(stages=tuple(Stage), text=self.search)
        return OrderFilter(
            stages=(Stage(self.stage),) if self.stage else (),
            responsible_id=reply.person.id if self.mine and may_choose_whose(reply) else None,
            counterparty_id=self.counterparty_id,
            created_from=period_start(self.period, reply.services.now(), reply.person.time_zone),
        )


def may_choose_whose(reply: Reply) -> bool:
    """Only a head of sales chooses between their own orders and everyone's; a manager sees their own."""
    return Role.HEAD in reply.person.roles


def period_start(period: str, now: datetime, time_zone: str) -> date | None:
    """The first day of the period on the person's calendar; None for all time."""
    today = local_today(now, time_zone)
    if period == "today":
        return today
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


async def load_filters(reply: Reply) -> RegistryFilters:
    return RegistryFilters.from_section(await section(reply, SECTION))


async def save_filters(reply: Reply, filters: RegistryFilters) -> None:
    await put_section(reply, SECTION, asdict(filters))


async def change_filters(reply: Reply, **changes: Any) -> RegistryFilters:
    """Change some filters, leave the search, and keep the result."""
    filters = replace(await load_filters(reply), search="", **changes)
    await save_filters(reply, filters)
    return filters
