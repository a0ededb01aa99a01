"""Contract and payment terms: choose a contract in force (or type a new one's number), then the terms.

Buttons of the card's `set_terms` action, by their arguments:
`()` the contract choice, `(n)` type a new contract's number, `(c, ID)` the terms for that contract,
`(c, ID, TERMS)` and `(n, TERMS)` set them. The card comes back, and if every approval is already
in, the order goes on to execution at once (the card says so).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Tap
from bot.drafts import FLOW, end_flow, flow, put_section
from bot.handlers.card.prompts import ask, back_button, column, drop_message, label, leave_flow, send_prompt
from bot.handlers.card.screen import act_and_show, order_button, show_fresh
from bot.staff import Reply
from core import use_cases as uc
from core import validation
from core.errors import DomainError, ErrorCode, NotFound
from core.policy import Action
from core.views import OrderCard
from templates import error_message, render_plain

TERMS = "terms"
CONTRACT, NEW = "c", "n"
SHOWN_CONTRACTS = 8


async def contract_and_terms(reply: Reply, card: OrderCard, _action: str, tap: Tap) -> None:
    """One step of choosing the contract and the payment terms, as the button says."""
    args = tap.args
    ids = [tap.id(index) for index in range(1, len(args))]
    if not args:
        await leave_flow(reply, card.id, TERMS)
        await pick_contract(reply, card)
    elif args == (NEW,):
        await ask_contract_number(reply, card)
    elif args[0] == CONTRACT and len(ids) == 1 and ids[0] is not None:
        await pick_terms(reply, card, contract_id=ids[0])
    elif args[0] == CONTRACT and len(ids) == 2 and ids[0] is not None and ids[1] is not None:
        await set_terms(reply, card, payment_terms_id=ids[1], contract_id=ids[0])
    elif args[0] == NEW and len(ids) == 1 and ids[0] is not None:
        await set_terms_with_typed_number(reply, card, payment_terms_id=ids[0])
    else:
        await reply.answer(reply.text("bot/button_unknown.html.j2"), alert=True)


async def pick_contract(reply: Reply, card: OrderCard) -> None:
    """The counterparty's contracts in force today as buttons, and «New contract»."""
    contracts = await uc.list_contracts(reply.services.db, counterparty_id=card.counterparty_id, on=today(reply))
    buttons = [
        order_button(
            reply.recipient, card, Action.SET_TERMS, CONTRACT, each.id, label=label(reply, "contract", contract=each)
        )
        for each in contracts[:SHOWN_CONTRACTS]
    ]
    buttons.append(order_button(reply.recipient, card, Action.SET_TERMS, NEW, label=label(reply, "new_contract")))
    text = reply.text("bot/details/contract_question.html.j2", card=card, contracts=contracts, shown=SHOWN_CONTRACTS)
    await reply.show(text, column(buttons, back_button(reply, card, "to_order")))


async def ask_contract_number(reply: Reply, card: OrderCard) -> None:
    """Wait for the new contract's number, typed."""
    await ask(
        reply,
        TERMS,
        card,
        question=reply.text("bot/details/contract_number_question.html.j2", card=card),
        markup=column([], other_contract_button(reply, card), back_button(reply, card, "to_order")),
        prompt=reply.text("bot/details/contract_number_prompt.html.j2", number=card.number),
        placeholder=render_plain("bot/details/placeholder.html.j2", lang=reply.lang, which="contract"),
        number=card.number,
    )


async def contract_number_typed(reply: Reply, text: str, state: dict[str, Any]) -> None:
    """The new contract's number: checked, kept in the conversation, and the payment terms offered."""
    try:
        number = validation.text(text, field="contract", max_length=100)
    except DomainError as refusal:
        prompt = reply.text("bot/details/contract_number_prompt.html.j2", number=state.get("number"))
        placeholder = render_plain("bot/details/placeholder.html.j2", lang=reply.lang, which="contract")
        sent = await send_prompt(reply, f"{error_message(refusal, lang=reply.lang)}\n\n{prompt}", placeholder)
        await put_section(reply, FLOW, {**state, "prompt_id": sent.message_id})
        return
    order_id, version = state.get("order_id"), state.get("version")
    if not isinstance(order_id, int) or not isinstance(version, int):
        await end_flow(reply)
        await reply.send(reply.text("bot/not_understood.html.j2"))
        return
    await drop_message(reply, state.get("question_id"))
    card = await uc.get_order(reply.services.db, viewer_id=reply.person.id, order_id=order_id)
    if card.version != version:
        await end_flow(reply)
        await show_fresh(reply, card.id, since=version, new=True)
        return
    sent = await reply.send(*await terms_choice(reply, card, number=number))
    await put_section(
        reply, FLOW, {**state, "contract_number": number, "question_id": sent.message_id, "answered": True}
    )


async def pick_terms(reply: Reply, card: OrderCard, *, contract_id: int) -> None:
    """The payment terms as buttons, for the contract chosen."""
    await reply.show(*await terms_choice(reply, card, contract_id=contract_id))


async def terms_choice(
    reply: Reply, card: OrderCard, *, contract_id: int | None = None, number: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """The payment terms as buttons, for the contract chosen (or the new one typed)."""
    chosen: tuple[object, ...] = (NEW,)
    if contract_id is not None:
        contracts = await uc.list_contracts(reply.services.db, counterparty_id=card.counterparty_id, on=today(reply))
        contract = next((found for found in contracts if found.id == contract_id), None)
        if contract is None:
            raise NotFound(ErrorCode.CONTRACT_NOT_FOUND, value=str(contract_id))
        chosen, number = (CONTRACT, contract.id), contract.number
    terms = await uc.list_payment_terms(reply.services.db)
    buttons = [
        order_button(reply.recipient, card, Action.SET_TERMS, *chosen, each.id, label=each.name) for each in terms
    ]
    text = reply.text("bot/details/terms_question.html.j2", card=card, contract=number, new=contract_id is None)
    return text, column(buttons, other_contract_button(reply, card), back_button(reply, card, "to_order"))


async def set_terms_with_typed_number(reply: Reply, card: OrderCard, *, payment_terms_id: int) -> None:
    """The terms for the contract whose number was typed (kept in the conversation)."""
    state = await flow(reply)
    number = state.get("contract_number") if state.get("kind") == TERMS and state.get("order_id") == card.id else None
    if not isinstance(number, str):
        await pick_contract(reply, card)
        await reply.answer(reply.text("bot/details/number_lost.html.j2"), alert=True)
        return
    await set_terms(reply, card, payment_terms_id=payment_terms_id, number=number)


async def set_terms(
    reply: Reply, card: OrderCard, *, payment_terms_id: int, contract_id: int | None = None, number: str | None = None
) -> None:
    """Set the contract (chosen, or a new number) and the terms; the card comes back."""
    change = uc.set_contract_and_terms(
        reply.services.db,
        actor_id=reply.person.id,
        order_id=card.id,
        payment_terms_id=payment_terms_id,
        contract_id=contract_id,
        new_contract_number=number,
        now=reply.services.now(),
        expected_version=card.version,
    )
    await act_and_show(reply, card, change, Action.SET_TERMS)
    await leave_flow(reply, card.id, TERMS)


def other_contract_button(reply: Reply, card: OrderCard) -> InlineKeyboardButton:
    return order_button(reply.recipient, card, Action.SET_TERMS, label=label(reply, "other_contract"))


def today(reply: Reply) -> date:
    return validation.local_today(reply.services.now(), reply.person.time_zone)
