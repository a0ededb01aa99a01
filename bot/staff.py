"""Who is writing: every handler runs for a known member of staff, or refuses politely.

`for_staff` wraps a handler: it identifies the person, answers strangers with a polite
refusal and nothing else, turns a domain refusal into words in the person's language,
and makes sure every callback query is answered exactly once. The handler gets a `Reply`:
the update being answered, the person as its reader (`bot.recipient.Recipient`), and the services.
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
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.callbacks import Tap
from bot.recipient import Recipient
from bot.services import Services, services
from core.errors import DomainError
from core.use_cases import identify, person_wrote_again
from core.use_cases.people import PersonView
from templates import error_message, language, render
from templates.rendering import to_plain

log = logging.getLogger(__name__)
ALERT_LIMIT = 200  # Telegram cuts callback answers at 200 characters
SEND_ATTEMPTS = 2  # a send or an edit that Telegram fails (5xx, timeout) is tried once more


@dataclass
class Reply:
    """The answer to one update: its reader, what the bot works with, and the ways to answer (once, for a tap)."""

    recipient: Recipient
    services: Services
    update: Update
    answered: bool = field(default=False)

    @property
    def person(self) -> PersonView:
        return self.recipient.person

    @property
    def lang(self) -> str:
        return self.recipient.lang

    @property
    def query(self) -> CallbackQuery | None:
        return self.update.callback_query

    @property
    def tap(self) -> Tap:
        """The tapped button's data, read (empty for a typed message)."""
        return Tap.parse(self.query.data if self.query is not None else None)

    def text(self, name: str, /, **context: Any) -> str:
        """A template rendered for the person answered (see `Recipient.text`)."""
        return self.recipient.text(name, **context)

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the tap (once); a text longer than a popup holds goes to the chat instead.

        An answer Telegram fails to take is let go: the tap's message, edited or sent next, still speaks.
        """
        if self.query is None or self.answered:
            return
        self.answered = True
        if text and len(text) > ALERT_LIMIT:
            await self.answer_quietly(None, alert=False)
            await self.send(text)
            return
        await self.answer_quietly(to_plain(text) if text else None, alert=alert)

    async def answer_quietly(self, text: str | None, *, alert: bool) -> None:
        assert self.query is not None
        try:
            await self.query.answer(text=text, show_alert=alert)
        except TelegramError as error:
            log.warning("the answer to a tap of person %s failed: %s", self.person.id, error)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
        """Send a message; one that Telegram fails or times out on is sent again once, never dropped silently.

        A timed-out send may have arrived after all: a message twice is better than none.
        """
        chat = self.update.effective_chat
        assert chat is not None
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await chat.send_message(
                    text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
                )
            except (BadRequest, Forbidden, RetryAfter):
                raise  # the message itself is refused, or the person is gone: sending again changes nothing
            except NetworkError as error:  # a 5xx, a dropped connection, a timeout
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("sending to person %s failed (%s); sending again", self.person.id, error)
        raise AssertionError("unreachable")

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Replace the tapped message (a card, a page) or, for a typed message, send a new one.

        When Telegram fails to edit the tapped message (a 5xx, a timeout, a message gone), the
        edit is tried once more and then the text is sent as a new message: the person must
        never be left with a screen that no longer says what is true.
        """
        message = self.query.message if self.query is not None else None
        if isinstance(message, Message):
            for attempt in range(1, SEND_ATTEMPTS + 1):
                try:
                    await message.edit_text(
                        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
                    )
                    return
                except BadRequest as error:
                    if "not modified" in error.message:
                        return  # a retried edit that had arrived the first time, or nothing to change
                    log.warning("editing a message of person %s failed (%s); sending it anew", self.person.id, error)
                    break
                except (Forbidden, RetryAfter):
                    raise
                except NetworkError as error:
                    log.warning(
                        "editing a message of person %s failed (%s), attempt %s", self.person.id, error, attempt
                    )
        await self.send(text, markup)


ReplyHandler = Callable[[Reply], Awaitable[None]]


def for_staff(handler: ReplyHandler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
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
        if person.unreachable:  # blocked the bot once, and writes again: they hear of new events from now on
            await person_wrote_again(found.db, person_id=person.id)
        staff = Reply(recipient=Recipient(person), services=found, update=update)
        try:
            await handler(staff)
        except DomainError as refusal:
            await staff_refused(staff, refusal)
        except TelegramError:
            # Telegram failed even when asked twice: unless the tap already said what was done,
            # say it failed on whatever channel still works; the error handler logs it.
            if not staff.answered:
                await staff_failed(staff)
            raise
        except Exception:
            # A fault of ours: the person hears that it failed and that nothing is lost, not silence.
            log.exception("handler %s failed for person %s", handler.__name__, person.id)
            await staff_failed(staff)
        finally:
            await staff.answer()
            found.wake_dispatcher()

    return wrapper


async def staff_refused(staff: Reply, refusal: DomainError) -> None:
    text = error_message(refusal, lang=staff.lang)
    if staff.query is not None and not staff.answered:
        await staff.answer(text, alert=True)
    else:
        await staff.send(text)


async def staff_failed(staff: Reply) -> None:
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
