"""/settings: one message of buttons, edited in place at every tap, each tap one setting changed by the core.

Every button says the value it sets (`s:<what>:<value>[:<1 mute, 0 hear>]`), so a double tap changes
nothing twice; the core checks each value again (a language it has no texts in, a kind of notice the
person is not offered), and a preset of quiet hours must be one the core offers.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Prefix, pack
from bot.drafts import end_flow, flow
from bot.handlers.start import set_menu
from bot.recipient import Recipient
from bot.staff import Reply
from core import use_cases as uc
from core.use_cases.settings import QUIET_PRESETS, PersonSettings
from core.validation import LANGUAGES
from templates import render_plain

# What the second part of an `s:` button says.
LANGUAGE, DIGEST, QUIET, TYPE_QUIET, MUTE = "l", "d", "q", "t", "m"
OFF = "off"
QUIET_FLOW = "settings_quiet"  # quiet hours being typed (`bot.handlers.settings.quiet`)


def button(text: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pack(Prefix.SETTINGS, *args))


def label(
    reader: Recipient, settings: PersonSettings, which: str, value: object = None, *, chosen: bool = False
) -> str:
    """A button's text: plain, since Telegram shows a button's text as it is."""
    return render_plain(
        "bot/settings/label.html.j2", lang=reader.lang, which=which, value=value, chosen=chosen, settings=settings
    )


def keyboard(reader: Recipient, settings: PersonSettings) -> InlineKeyboardMarkup:
    """Language, instant or digest, quiet hours (presets, none, typed), then a row per kind of notice."""

    def choice(which: str, value: object, chosen: bool, *data: object) -> InlineKeyboardButton:
        return button(label(reader, settings, which, value, chosen=chosen), *data)

    presets = [choice("quiet", hours, settings.quiet == hours, QUIET, name) for name, hours in QUIET_PRESETS.items()]
    typed = settings.quiet is not None and settings.quiet not in QUIET_PRESETS.values()
    quiet = [choice("quiet_off", None, settings.quiet is None, QUIET, OFF), *presets]
    rows = [
        [choice("language", lang, settings.language == lang, LANGUAGE, lang) for lang in LANGUAGES],
        [choice("instant", None, not settings.digest, DIGEST, 0), choice("digest", None, settings.digest, DIGEST, 1)],
        quiet[:2],
        quiet[2:],
        [choice("quiet_other", None, typed, TYPE_QUIET)],
    ]
    rows += [
        [choice("category", category, False, MUTE, category.value, 0 if category in settings.muted else 1)]
        for category in settings.categories
    ]
    return InlineKeyboardMarkup(rows)


def screen_text(reader: Recipient, settings: PersonSettings, *, changed: str = "") -> str:
    return reader.text("bot/settings/screen.html.j2", settings=settings, changed=changed)


async def show(reply: Reply, settings: PersonSettings, *, new: bool = False, changed: str = "") -> None:
    """The screen in the language the settings now say (a tap may just have changed it)."""
    reader = Recipient(replace(reply.person, language=settings.language))
    text, markup = screen_text(reader, settings, changed=changed), keyboard(reader, settings)
    if new:
        await reply.send(text, markup)
    else:
        await reply.show(text, markup)


async def settings_command(reply: Reply) -> None:
    """/settings: the person's settings, as buttons."""
    await show(reply, await uc.person_settings(reply.services.db, person_id=reply.person.id), new=True)


async def language_tap(reply: Reply) -> None:
    """Русский / English: the screen, and the command menu, in that language at once."""
    settings = await uc.set_language(reply.services.db, person_id=reply.person.id, language=reply.tap.arg(1))
    await show(reply, settings)
    chat = reply.update.effective_chat
    if chat is not None:
        await set_menu(reply.update.get_bot(), chat.id, roles=settings.roles, language=settings.language)


async def digest_tap(reply: Reply) -> None:
    """At once, or a daily digest."""
    wanted = reply.tap.position(1)
    if wanted not in (0, 1):
        await refuse_button(reply)
        return
    await show(reply, await uc.set_digest(reply.services.db, person_id=reply.person.id, digest=wanted == 1))


async def quiet_tap(reply: Reply) -> None:
    """Quiet hours chosen with one tap (or none); typing them, if that was under way, is over."""
    name = reply.tap.arg(1)
    if name != OFF and name not in QUIET_PRESETS:
        await refuse_button(reply)
        return
    await end_own_flow(reply)
    hours = None if name == OFF else QUIET_PRESETS[name]
    await show(reply, await uc.set_quiet_hours(reply.services.db, person_id=reply.person.id, hours=hours))


async def mute_tap(reply: Reply) -> None:
    """A kind of notice turned off (1) or on again (0); the core says whether the person is offered it."""
    tap = reply.tap
    mute = tap.position(2)
    if mute not in (0, 1):
        await refuse_button(reply)
        return
    settings = await uc.toggle_category(
        reply.services.db, person_id=reply.person.id, category=tap.arg(1), mute=mute == 1
    )
    await show(reply, settings)


async def refuse_button(reply: Reply) -> None:
    await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)


async def end_own_flow(reply: Reply) -> None:
    """Stop typing quiet hours, if that is what the person was doing; leave other conversations be."""
    if (await flow(reply)).get("kind") == QUIET_FLOW:
        await end_flow(reply)
