"""Getting in: /start (with an invitation or an order's deep link), /help, /cancel, /invite, the menu."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.drafts import end_flow, flow
from bot.handlers.card.screen import show_order
from bot.handlers.registering.state import nothing_registered
from bot.services import services
from bot.staff import Reply, for_staff, refuse_stranger
from core import use_cases as uc
from core.errors import DomainError, Forbidden
from core.roles import Role
from core.use_cases.people import PersonView
from templates import LANGUAGES, error_message, language, render, render_plain
from templates.commands import commands_for

INVITE_PREFIX = "i_"
ORDER_PREFIX = "o_"
MIN_ROLE_PREFIX = 4  # "админ" is the administrator; "ме" could be anything


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /start i_TOKEN (an invitation) or /start o_NUMBER (an order's card)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    payload = context.args[0] if context.args else ""
    found = services(context)
    if payload.startswith(INVITE_PREFIX):
        try:
            person = await uc.accept_invite(
                found.db,
                token=payload.removeprefix(INVITE_PREFIX),
                telegram_id=user.id,
                full_name=user.full_name,
                language=language(user.language_code),
                now=found.now(),
            )
        except DomainError as refusal:
            await chat.send_message(
                error_message(refusal, lang=language(user.language_code)), parse_mode=ParseMode.HTML
            )
            return
        await welcome(update, context, person)
        return
    known = await uc.identify(found.db, telegram_id=user.id)
    if known is None:
        await refuse_stranger(update, language(user.language_code))
        return
    if payload.startswith(ORDER_PREFIX):
        await open_order_as_staff(update, context)
        return
    await welcome(update, context, known)


@for_staff
async def open_order_as_staff(reply: Reply) -> None:
    """The card behind a deep link; the number comes from the link's payload."""
    message = reply.update.effective_message
    payload = (message.text or "").split(maxsplit=1)[1] if message is not None else ""
    await show_order(reply, payload.removeprefix(ORDER_PREFIX))


async def welcome(update: Update, context: ContextTypes.DEFAULT_TYPE, person: PersonView) -> None:
    chat = update.effective_chat
    assert chat is not None
    await set_menu(context.bot, chat.id, roles=person.roles, language=person.language)
    await chat.send_message(
        render("bot/welcome.html.j2", lang=person.language, person=person), parse_mode=ParseMode.HTML
    )


async def set_menu(bot: Bot, chat_id: int, *, roles: Iterable[Role], language: str) -> None:
    """A person's command menu in their chat: only what their roles allow, in their language."""
    commands = [BotCommand(name, description) for name, description in commands_for(roles, language)]
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))


async def help_command(reply: Reply) -> None:
    """/help: what this person can do here."""
    await reply.send(reply.text("bot/help.html.j2"))


async def cancel_command(reply: Reply) -> None:
    """/cancel: stop the conversation under way; what was registered stays registered."""
    state = await flow(reply)
    if not state:
        await reply.send(reply.text("bot/nothing_to_cancel.html.j2"))
        return
    await end_flow(reply)
    if nothing_registered(state):
        await reply.send(reply.text("bot/new_request/stopped_unregistered.html.j2"))
        return
    await reply.send(reply.text("bot/flow_stopped.html.j2"))


async def invite_command(reply: Reply) -> None:
    """/invite ROLE (admins): a single-use, expiring link for a new colleague; the role in any language."""
    message = reply.update.effective_message
    typed = " ".join((message.text or "").split()[1:]) if message is not None else ""
    role = role_named(typed)
    if role is None:
        roles = [role.value for role in Role]
        await reply.send(reply.text("bot/invite_usage.html.j2", roles=roles, typed=typed[:30]))
        return
    try:
        invite = await uc.create_invite(
            reply.services.db, actor_id=reply.person.id, role=role, now=reply.services.now()
        )
    except Forbidden:
        await reply.send(reply.text("bot/invite_admins_only.html.j2"))
        return
    link = f"https://t.me/{reply.services.bot_username}?start={INVITE_PREFIX}{invite.token}"
    await reply.send(reply.text("bot/invite_link.html.j2", role=role.value, link=link, expires_at=invite.expires_at))


def role_named(typed: str) -> Role | None:
    """The role a person typed: its code (`manager`), or its name or the name's first word in any of our
    languages (`менеджер`, `Менеджер по продажам`, `бухгалтер`, `head`), or a clear beginning of one (`админ`)."""
    words = typed.casefold().replace("ё", "е").split()
    if not words:
        return None
    wanted = " ".join(words)
    found = {role for role in Role if any(fits(wanted, name) for name in role_names(role))}
    return found.pop() if len(found) == 1 else None


def fits(wanted: str, name: str) -> bool:
    first = name.split()[0]
    return wanted in (name, first) or (len(wanted) >= MIN_ROLE_PREFIX and first.startswith(wanted))


@functools.cache
def role_names(role: Role) -> frozenset[str]:
    """A role's code and its names in every language, as they are compared with what was typed."""
    names = {render_plain("bot/role_name.html.j2", lang=lang, role=role.value) for lang in LANGUAGES}
    return frozenset(name.casefold().replace("ё", "е") for name in (*names, role.value))
