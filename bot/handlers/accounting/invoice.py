"""/invoice NUMBER [N]: the accountant invoices the whole order, or its N-th shipment."""

from __future__ import annotations

from bot.handlers.card.screen import full_number
from bot.staff import Reply
from core import use_cases as uc


async def invoice_command(reply: Reply) -> None:
    """/invoice ЗС-000012 (the whole order) or /invoice ЗС-000012 2 (its second shipment): issued, or what to type."""
    message = reply.update.effective_message
    words = (message.text or "").split()[1:] if message is not None else []
    if not 1 <= len(words) <= 2 or (len(words) == 2 and not words[1].isdigit()):
        await reply.send(reply.text("bot/accounting/invoice_usage.html.j2"))
        return
    done = await uc.issue_invoice(
        reply.services.db,
        actor_id=reply.person.id,
        number=full_number(reply, words[0]),
        now=reply.services.now(),
        shipment_no=int(words[1]) if len(words) == 2 else None,
    )
    await reply.send(reply.text("bot/accounting/invoiced.html.j2", done=done))
