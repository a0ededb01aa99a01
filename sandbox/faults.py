"""Faults on demand: rules that make chosen Bot API calls fail the ways Telegram and networks fail.

A rule matches by method, chat and position (from the nth matching call on, at most count times, or
with a seeded probability) and says what happens instead of a normal answer.
"""

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

ACTIONS = {
    "error": "answer with this HTTP status, description, retry_after and parameters",
    "html": "answer with a 5xx status and an HTML page, as a proxy in front of Telegram does",
    "delay": "wait `seconds`, then handle the call normally (past a short client timeout)",
    "apply_then_hang": "handle the call, then never answer",
    "hang": "never answer, and do nothing",
    "reset": "drop the connection without answering",
}
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FaultRuleError(ValueError):
    """A fault rule the control API cannot accept; the message says why."""


@dataclass
class FaultRule:
    id: str
    action: str
    method: str | None = None
    chat_id: int | str | None = None
    nth: int = 1
    count: int | None = None
    probability: float | None = None
    seed: int | None = None
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    parameters: dict[str, Any] | None = None
    seconds: float = 0.0
    seen: int = 0
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Whether this call is one the rule hits; counts the calls it could have hit."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and params.get("chat_id") != self.chat_id:
            return False
        if self.count is not None and self.fired >= self.count:
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        if self.probability is not None and self._random.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def error_body(self) -> dict[str, Any]:
        description = self.description or (
            f"Too Many Requests: retry after {self.retry_after or 1}"
            if self.status == 429
            else _DEFAULT_DESCRIPTIONS.get(self.status, f"Error {self.status}")
        )
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": description}
        parameters = dict(self.parameters or {})
        if self.retry_after is not None or self.status == 429:
            parameters["retry_after"] = self.retry_after or 1
        if parameters:
            body["parameters"] = parameters
        return body

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "action": self.action, "method": self.method, "chat_id": self.chat_id,
            "nth": self.nth, "count": self.count, "probability": self.probability, "seed": self.seed,
            "status": self.status, "description": self.description, "retry_after": self.retry_after,
            "parameters": self.parameters, "seconds": self.seconds, "fired": self.fired,
        }


class FaultBook:
    """The rules in force, checked in the order they were added; the first that matches acts."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, Any]) -> FaultRule:
        action = spec.get("action")
        if action not in ACTIONS:
            raise FaultRuleError(f"action must be one of {sorted(ACTIONS)}, got {action!r}")
        rule = FaultRule(id=f"fault-{next(self._ids)}", action=action)
        rule.method = _optional(spec, "method", str)
        rule.chat_id = _optional(spec, "chat_id", int | str)
        rule.nth = _optional(spec, "nth", int) or 1
        rule.count = _optional(spec, "count", int)
        rule.probability = _optional(spec, "probability", float | int)
        rule.seed = _optional(spec, "seed", int)
        rule.description = _optional(spec, "description", str)
        rule.retry_after = _optional(spec, "retry_after", int)
        rule.parameters = _optional(spec, "parameters", dict)
        rule.seconds = float(_optional(spec, "seconds", float | int) or 0.0)
        default_status = {"error": 400, "html": 502}.get(action, 500)
        rule.status = _optional(spec, "status", int) or default_status
        if rule.nth < 1 or (rule.count is not None and rule.count < 1):
            raise FaultRuleError("nth and count must be at least 1")
        if rule.probability is not None and not 0 <= rule.probability <= 1:
            raise FaultRuleError("probability must be between 0 and 1")
        if action == "error" and not 400 <= rule.status <= 599:
            raise FaultRuleError("an error's status must be between 400 and 599")
        if action == "html" and not 500 <= rule.status <= 599:
            raise FaultRuleError("an HTML error's status must be between 500 and 599")
        if action == "delay" and rule.seconds <= 0:
            raise FaultRuleError("a delay needs seconds > 0")
        rule._random = random.Random(rule.seed)
        unknown = set(spec) - {
            "action", "method", "chat_id", "nth", "count", "probability", "seed", "status", "description",
            "retry_after", "parameters", "seconds", "bot_id",
        }
        if unknown:
            raise FaultRuleError(f"unknown fields {sorted(unknown)}")
        self.rules.append(rule)
        return rule

    def match(self, method: str, params: dict[str, Any]) -> FaultRule | None:
        for rule in self.rules:
            if rule.matches(method, params):
                return rule
        return None

    def remove(self, rule_id: str) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) < before

    def clear(self) -> None:
        self.rules.clear()


def _optional(spec: dict[str, Any], name: str, kind: Any) -> Any:
    value = spec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise FaultRuleError(f"{name} has the wrong type: {value!r}")
    return value
