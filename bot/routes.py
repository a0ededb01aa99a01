"""Where every update goes: commands, buttons by their prefix, a card's actions, conversations, free text.

Commands and buttons are routed by python-telegram-bot itself (a `CommandHandler` per command, a
`CallbackQueryHandler` per prefix of `bot.callbacks.Prefix`), tried in the order of `handlers()`.
Two tables are our own, each for a reason PTB's routing does not cover:
- `CARD_MOVES` and `CARD_ACTIONS`: the action is the third part of a card button's data, after the
  order and the version the card showed. A move goes straight to the core's verb with that version
  (the core re-checks the version and the right); any other action first reads the card and checks
  both (`card_taps`), since what it shows depends on the card.
- `FLOWS` and `TEXT_CLAIMS`: a conversation's state is kept in the database (`bot.drafts`), not in
  PTB's ConversationHandler, which keeps it in the process's memory (or its own persistence file):
  with several replicas behind one webhook, a person's next message may reach another process. So
  typed text goes to the step function of the flow kind stored in the person's draft, and with no
  flow under way to the first claim, in this order, that takes text of that shape.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import MADE, PLAN, REPLENISH, Prefix
from bot.handlers import start, text
from bot.handlers.accounting import debts, invoice, pay
from bot.handlers.card import decisions, details, lines, moves, screen, shipping, terms, views
from bot.handlers.card.screen import ActionHandler, Move
from bot.handlers.demand import report as demand
from bot.handlers.inbox import delegation
from bot.handlers.inbox import taps as inbox
from bot.handlers.inbox import view as inbox_view
from bot.handlers.mps import chart, made, plan, replenish
from bot.handlers.registering import conversation, quick, state
from bot.handlers.registry import browse, export
from bot.handlers.registry import view as registry_view
from bot.handlers.settings import quiet, watching
from bot.handlers.settings import screen as settings_screen
from bot.handlers.text import FlowStep, TextClaim
from bot.staff import ReplyHandler, for_staff
from core.policy import Action

# The one-tap moves of a card: made at once against the button's version (the core re-checks it and the right).
CARD_MOVES: dict[str, Move] = dict.fromkeys(moves.ONE_TAP, moves.move)

# What the other buttons of a card do, by the action the button names, once the card is read and checked.
CARD_ACTIONS: dict[str, ActionHandler] = {
    Action.CANCEL: decisions.decide,
    Action.CLOSE: decisions.decide,
    Action.SHIP: shipping.shipment_screen,
    Action.REJECT: decisions.decide,
    Action.RETURN: decisions.decide,
    Action.NOTE: decisions.note,
    Action.SET_TERMS: terms.contract_and_terms,
    Action.HISTORY: views.history,
    Action.PROGRESS: views.progress,
    Action.ADD_LINE: conversation.add_line_action,
    Action.EDIT_LINES: lines.edit_lines,
    Action.WATCH: watching.card_tap,
    Action.UNWATCH: watching.card_tap,
    "page": screen.page,
    "card": screen.refresh,
}

# The conversation under way (its kind, kept in the person's draft) -> what typed text does in it.
FLOWS: dict[str, FlowStep] = {
    state.NEW: conversation.typed,
    state.LINE: lines.line_typed,
    decisions.REASON: decisions.reason_typed,
    terms.TERMS: terms.contract_number_typed,
    browse.COUNTERPARTY_FLOW: browse.counterparty_typed,
    settings_screen.QUIET_FLOW: quiet.quiet_typed,
    delegation.UNTIL_FLOW: delegation.until_typed,
    made.MADE_FLOW: made.made_typed,
    shipping.TYPED: shipping.shipment_typed,
    debts.PROMISE_FLOW: debts.promise_typed,
    demand.PERIOD_FLOW: demand.period_typed,
}

# With no conversation under way, typed text goes to the first of these that takes it.
TEXT_CLAIMS: tuple[TextClaim, ...] = (quick.quick_entry, browse.typed_number)


def command(name: str, handler: ReplyHandler, *, private: bool = False) -> CommandHandler[Any, None]:
    """A command of staff only (strangers are refused politely); `private` ones only in a private chat."""
    return CommandHandler(name, for_staff(handler), filters=filters.ChatType.PRIVATE if private else None)


def tap(prefix: Prefix, handler: ReplyHandler, *first: str) -> CallbackQueryHandler[Any, None]:
    """The buttons whose data starts with `prefix` (and `first`, if given), for staff only."""
    return CallbackQueryHandler(for_staff(handler), pattern=prefix.pattern(*first))


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Every handler, in the order PTB tries them; what none takes ends with `anything_else`."""
    return [
        CommandHandler("start", start.start),
        command("help", start.help_command),
        command("cancel", start.cancel_command),
        command("invite", start.invite_command),
        command("order", screen.order_command),
        command("new", conversation.new_command),
        command("orders", browse.orders_command, private=True),
        command("find", browse.find_command, private=True),
        command("export", export.export_command, private=True),
        command("settings", settings_screen.settings_command, private=True),
        command("inbox", inbox.inbox_command, private=True),
        command("delegate", delegation.delegate_command, private=True),
        command("watch", watching.watch_command),
        command("mps_replenish", replenish.mps_replenish_command, private=True),
        command("made", made.made_command, private=True),
        command("mps", plan.mps_command, private=True),
        command("mps_chart", chart.mps_chart_command, private=True),
        command("unwatch", watching.unwatch_command),
        command("pay", pay.pay_command),
        command("invoice", invoice.invoice_command),
        command("debts", debts.debts_command, private=True),
        command("demand", demand.demand_command, private=True),
        tap(Prefix.ORDER, screen.card_taps(CARD_ACTIONS, CARD_MOVES)),
        tap(Prefix.DETAIL, details.detail_tap),
        tap(Prefix.LINES, lines.line_tap),
        tap(Prefix.NEW, conversation.tapped),
        tap(Prefix.REGISTRY, browse.page_tap, registry_view.PAGE),
        tap(Prefix.REGISTRY, browse.open_tap, registry_view.OPEN),
        tap(Prefix.REGISTRY, browse.menu_tap, registry_view.MENU),
        tap(Prefix.REGISTRY, browse.stage_tap, registry_view.STAGE),
        tap(Prefix.REGISTRY, browse.period_tap, registry_view.PERIOD),
        tap(Prefix.REGISTRY, browse.whose_tap, registry_view.WHOSE),
        tap(Prefix.REGISTRY, browse.counterparty_tap, registry_view.COUNTERPARTY),
        tap(Prefix.REGISTRY, browse.export_found_tap, registry_view.EXPORT_FOUND),
        tap(Prefix.REGISTRY, browse.reset_tap, registry_view.RESET),
        tap(Prefix.REGISTRY, browse.back_tap, registry_view.BACK),
        tap(Prefix.SETTINGS, settings_screen.language_tap, settings_screen.LANGUAGE),
        tap(Prefix.SETTINGS, settings_screen.digest_tap, settings_screen.DIGEST),
        tap(Prefix.SETTINGS, settings_screen.quiet_tap, settings_screen.QUIET),
        tap(Prefix.SETTINGS, quiet.type_quiet_tap, settings_screen.TYPE_QUIET),
        tap(Prefix.SETTINGS, settings_screen.mute_tap, settings_screen.MUTE),
        tap(Prefix.INBOX, inbox.open_tap, inbox_view.OPEN),
        tap(Prefix.INBOX, inbox.all_tap, inbox_view.ALL),
        tap(Prefix.INBOX, inbox.yes_tap, inbox_view.YES),
        tap(Prefix.INBOX, inbox.back_tap, inbox_view.BACK),
        tap(Prefix.DELEGATE, delegation.pick_tap, delegation.PICK),
        tap(Prefix.DELEGATE, delegation.until_tap, delegation.UNTIL),
        tap(Prefix.DELEGATE, delegation.type_until_tap, delegation.TYPE_UNTIL),
        tap(Prefix.DELEGATE, delegation.take_back_tap, delegation.TAKE_BACK),
        tap(Prefix.DELEGATE, delegation.screen_tap, delegation.SCREEN),
        tap(Prefix.DEBTS, debts.promise_tap, debts.PROMISE),
        tap(Prefix.DEBTS, debts.day_tap, debts.DAY),
        tap(Prefix.DEBTS, debts.type_day_tap, debts.TYPE_DAY),
        tap(Prefix.MPS, replenish.replenish_tap, REPLENISH),
        tap(Prefix.MPS, made.made_tap, MADE),
        tap(Prefix.MPS, plan.plan_tap, PLAN),
        *(tap(Prefix.DEMAND, demand.period_tap, which) for which in demand.NAMED),
        tap(Prefix.DEMAND, demand.type_tap, demand.TYPE),
        tap(Prefix.DEMAND, demand.file_tap, demand.FILE),
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
            for_staff(text.typed_texts(FLOWS, TEXT_CLAIMS)),
        ),
        MessageHandler(filters.ALL, for_staff(text.anything_else)),
        CallbackQueryHandler(for_staff(text.anything_else)),
    ]
