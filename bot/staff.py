"""Who is writing: every handler runs for a known member of staff, or refuses politely.

`for_staff` wraps a handler: it identifies the person, answers strangers with a polite
refusal and nothing else, turns a domain refusal into words in the person's language,
and makes sure every callback query is answered exactly once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.services import Services, services
from core.errors import DomainError
from core.use_cases import identify
from core.use_cases.people import PersonView
from templates import error_message, language, render
from templates.rendering import to_plain

log = logging.getLogger(__name__)
ALERT_LIMIT = 200  # Telegram cuts callback answers at 200 characters


@dataclass
class Staff:
    """The person behind an update, with what a handler needs to answer them."""

    person: PersonView
    services: Services
    update: Update
    answered: bool = field(default=False)

    @property
    def lang(self) -> str:
        return self.person.language

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    def text(self, name: str, /, **context: Any) -> str:
        return render(name, lang=self.lang, person=self.person, tz=self.person.time_zone, **context)

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the tap (once); a text longer than a popup holds goes to the chat instead."""
        if self.query is None or self.answered:
            return
        self.answered = True
        if text and len(text) > ALERT_LIMIT:
            await self.query.answer()
            await self.send(text)
            return
        await self.query.answer(text=to_plain(text) if text else None, show_alert=alert)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        chat = self.update.effective_chat
        assert chat is not None
        return await chat.send_message(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Replace the tapped message (a card, a page) or, for a typed message, send a new one."""
        message = self.query.message if self.query is not None else None
        if isinstance(message, Message):
            try:
                await message.edit_text(
                    text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
                )
            except BadRequest as error:
                if "not modified" not in error.message:
                    raise
            return
        await self.send(text, markup)


StaffHandler = Callable[[Staff], Awaitable[None]]


def for_staff(handler: StaffHandler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None:
            return
        found = services(context)
        person = await identify(found.db, telegram_id=user.id)
        if person is None:
            await refuse_stranger(update, language(user.language_code))
            return
        staff = Staff(person=person, services=found, update=update)
        try:
            await handler(staff)
        except DomainError as refusal:
            await staff_refused(staff, refusal)
        except TelegramError:
            raise  # Telegram itself failed: nothing to tell the person through it; the error handler logs it
        except Exception:
            # A fault of ours: the person hears that it failed and that nothing is lost, not silence.
            log.exception("handler %s failed for person %s", handler.__name__, person.id)
            await staff_failed(staff)
        finally:
            await staff.answer()

    return wrapper


async def staff_refused(staff: Staff, refusal: DomainError) -> None:
    text = error_message(refusal, lang=staff.lang)
    if staff.query is not None and not staff.answered:
        await staff.answer(text, alert=True)
    else:
        await staff.send(text)


async def staff_failed(staff: Staff) -> None:
    text = staff.text("bot/failed.html.j2")
    with contextlib.suppress(TelegramError):
        if staff.query is not None and not staff.answered:
            await staff.answer(text, alert=True)
        else:
            await staff.send(text)


async def refuse_stranger(update: Update, lang: str) -> None:
    """Strangers learn that the bot is for staff, and nothing about orders."""
    text = render("bot/stranger.html.j2", lang=lang)
    if update.callback_query is not None:
        await update.callback_query.answer(to_plain(text)[:ALERT_LIMIT], show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML)
