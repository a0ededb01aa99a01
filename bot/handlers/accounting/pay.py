"""/pay NUMBER AMOUNT DATE: a payment recorded against the order's schedule, oldest row first."""

from __future__ import annotations

from bot.handlers.card.screen import full_number
from bot.staff import Reply
from core import use_cases as uc


async def pay_command(reply: Reply) -> None:
    """/pay ЗС-000012 500000 15.12: recorded (and what it paid, what is left, any credit), or what to type."""
    message = reply.update.effective_message
    words = (message.text or "").split()[1:] if message is not None else []
    if len(words) < 3:
        await reply.send(reply.text("bot/accounting/pay_usage.html.j2"))
        return
    number, amount, paid_on = full_number(reply, words[0]), "".join(words[1:-1]), words[-1]
    done = await uc.record_payment(
        reply.services.db,
        actor_id=reply.person.id,
        number=number,
        amount=amount,
        paid_on=paid_on,
        now=reply.services.now(),
    )
    await reply.send(reply.text("bot/accounting/paid.html.j2", done=done))
