"""The emulated Telegram as a whole: the bots' worlds and the knobs tests turn.

Knobs: strict contract checking, fault rules, flood limits, the emulated clock. Counters of what was
served are kept in `stats` for the control API and the benchmarks.
"""

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox import contract
from sandbox.clock import Clock
from sandbox.faults import FaultBook
from sandbox.limits import Limits
from sandbox.state import BotWorld
from sandbox.update_queue import Update
from sandbox.webhook import Delivery, stop_and_wait

DEFAULT_BOT_NAME = "Sandbox Bot"
DEFAULT_BOT_USERNAME = "sandbox_bot"
UNCLAIMED_BOT_ID = 0


class ContractViolation(Exception):
    """The emulator, in strict mode, met a request or produced a result the Bot API does not allow."""


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    rate_limited: int = 0
    faults: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "total_calls": sum(self.calls.values()),
            "errors": {str(code): n for code, n in self.errors.items()},
            "rate_limited": self.rate_limited,
            "faults": self.faults,
        }


class Emulator:
    def __init__(
        self,
        *,
        strict: bool = False,
        bot_first_name: str = DEFAULT_BOT_NAME,
        bot_username: str = DEFAULT_BOT_USERNAME,
        webhook_retry_delay: float = 0.1,
        webhook_max_retry_delay: float = 2.0,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.strict = strict
        self.spec = contract.load_spec()
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_retry_delay = webhook_max_retry_delay
        self.webhook_timeout = webhook_timeout
        self.clock = Clock()
        self.faults = FaultBook()
        self.limits = Limits()
        self.stats = Stats()
        self.worlds: dict[int, BotWorld] = {}
        self.contract_violations: list[str] = []
        self._default: BotWorld | None = None
        self._http: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()

    # --- worlds ---

    def world_for_bot(self, bot_id: int) -> BotWorld:
        world = self.worlds.get(bot_id)
        if world is not None:
            return world
        if self._default is not None and not self._default.claimed:
            world = self._default
            world.adopt(bot_id)
        else:
            world = self._new_world(bot_id)
            self._default = self._default or world
        self.worlds[bot_id] = world
        return world

    def world_for_control(self, bot_id: int | None = None) -> BotWorld:
        """The world a control call addresses: the named bot's, else the first bot's (made if need be)."""
        if bot_id is not None:
            return self.world_for_bot(bot_id)
        if self._default is None:
            self._default = self._new_world(UNCLAIMED_BOT_ID)
            self._default.claimed = False
        return self._default

    def _new_world(self, bot_id: int) -> BotWorld:
        return BotWorld(bot_id, first_name=self.bot_first_name, username=self.bot_username, clock=self.clock)

    # --- the contract, in strict mode ---

    def violation(self, problems: list[str]) -> ContractViolation:
        self.contract_violations.extend(problems)
        return ContractViolation("; ".join(problems))

    def check_update(self, update: Update) -> None:
        if self.strict:
            problems = contract.check_object(self.spec, update, "Update")
            if problems:
                raise self.violation(problems)

    # --- webhooks ---

    def start_webhook(self, world: BotWorld) -> None:
        world.webhook.stop()
        if self._http is None:
            self._http = aiohttp.ClientSession()
        delivery = Delivery(
            world.webhook, world.updates, self._http, self.clock, self._checked_update,
            retry_delay=self.webhook_retry_delay, max_retry_delay=self.webhook_max_retry_delay,
            timeout=self.webhook_timeout,
        )
        world.webhook.task = asyncio.get_running_loop().create_task(delivery.run())

    def _checked_update(self, update: Update) -> None:
        # Recorded as a violation; the update still goes out so the bot under test is not starved.
        with contextlib.suppress(ContractViolation):
            self.check_update(update)

    # --- life ---

    async def hang(self, seconds: float | None = None) -> None:
        """Never answer (or not for `seconds`), but let go when the emulator stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def reset(self) -> None:
        """Forget every world, rule and counter, as if freshly started."""
        await self._close_worlds()
        self.worlds.clear()
        self._default = None
        self.faults.clear()
        self.limits.configure(realistic=False)
        self.stats = Stats()
        self.contract_violations.clear()
        self.clock.reset()

    async def close(self) -> None:
        self._closing.set()
        await self._close_worlds()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _close_worlds(self) -> None:
        worlds = set(self.worlds.values()) | ({self._default} if self._default else set())
        for world in worlds:
            world.updates.close()
            await stop_and_wait(world.webhook)
