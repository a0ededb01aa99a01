"""The settings screen without a bot: its worst realistic values, and its buttons within Telegram's limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

import pytest

from bot.callbacks import MAX_BYTES
from bot.handlers.settings.screen import keyboard
from bot.recipient import Recipient
from core.notice_kinds import NoticeCategory
from core.parsing import QuietHours
from core.roles import Role
from core.use_cases.people import PersonView
from core.use_cases.settings import QUIET_PRESETS, PersonSettings

EVERYTHING = PersonSettings(
    person_id=1,
    language="ru",
    time_zone="America/Argentina/ComodRivadavia",
    roles=frozenset(Role),
    digest=True,
    quiet=QuietHours(start=time(23, 45), end=time(6, 15)),
    quiet_chosen=True,
    digest_at=time(6, 15),
    categories=tuple(NoticeCategory),
    muted=frozenset({NoticeCategory.CHANGES, NoticeCategory.INVITES}),
)
# Every state the screen shows: typed hours, each preset, none, the default never chosen; digest or not.
SETTINGS = [
    EVERYTHING,
    *(replace(EVERYTHING, quiet=hours, digest=False) for hours in QUIET_PRESETS.values()),
    replace(EVERYTHING, quiet=None, muted=frozenset(NoticeCategory)),
    replace(EVERYTHING, quiet_chosen=False, quiet=QUIET_PRESETS["21-8"], digest_at=time(8), muted=frozenset()),
]
LABELS: list[dict[str, Any]] = [
    *({"which": which, "settings": s, "chosen": chosen} for which in ("instant", "digest", "quiet_off", "quiet_other")
      for s in SETTINGS for chosen in (False, True)),
    *({"which": "language", "value": lang, "settings": EVERYTHING, "chosen": True} for lang in ("ru", "en")),
    *({"which": "quiet", "value": hours, "settings": EVERYTHING} for hours in QUIET_PRESETS.values()),
    *({"which": "category", "value": category, "settings": s} for category in NoticeCategory for s in SETTINGS),
]  # fmt: skip

SETTINGS_CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "bot/settings/screen.html.j2": [
        *({"settings": s} for s in SETTINGS),
        {"settings": EVERYTHING, "changed": "quiet"},
    ],
    "bot/settings/label.html.j2": LABELS,
    "bot/settings/quiet_prompt.html.j2": [{}],
    "bot/settings/flow_busy.html.j2": [{}],
    "bot/settings/watch_usage.html.j2": [{"command": "watch"}, {"command": "unwatch"}],
    "bot/settings/watching.html.j2": [
        {"what": what, "number": "ЗС-000123"} for what in ("watching", "already", "stopped", "not_watching", "own")
    ],
}

READER = PersonView(
    id=1,
    telegram_id=1001,
    full_name="Иванова Анна Сергеевна",
    roles=frozenset(Role),
    language="ru",
    time_zone="Europe/Moscow",
    approval_limit=None,
    can_override_price=False,
)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("settings", SETTINGS)
def test_every_settings_button_fits_telegrams_callback_data_and_says_what_it_is(
    lang: str, settings: PersonSettings
) -> None:
    markup = keyboard(Recipient(replace(READER, language=lang)), settings)
    buttons = [button for row in markup.inline_keyboard for button in row]
    assert all(button.text.strip() for button in buttons)
    assert all(len(str(button.callback_data).encode()) <= MAX_BYTES for button in buttons)
    ticked = [button.text for button in buttons if button.text.startswith("✓ ")]
    assert len(ticked) == 3, ticked  # one language, one way of hearing, one choice of quiet hours
