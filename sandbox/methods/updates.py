"""How a bot receives updates: long polling with getUpdates, or a webhook Telegram calls."""

from typing import Any

from sandbox import errors
from sandbox.methods.registry import Answer, Call, bot_method
from sandbox.webhook import secret_token_is_valid, stop_and_wait


@bot_method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    params, world = call.params, call.world
    if world.webhook.url:
        raise errors.conflict(errors.CONFLICT_WEBHOOK)
    queue = world.updates
    queue.allow(params.get("allowed_updates"))
    if isinstance(params.get("offset"), int):
        queue.confirm(params["offset"])
    limit = params.get("limit", 100)
    limit = min(100, max(1, limit)) if isinstance(limit, int) else 100
    timeout = params.get("timeout", 0)
    clock = world.clock  # the timeout runs on the emulator's clock: a test moves it instead of sleeping
    deadline = clock.monotonic() + (timeout if isinstance(timeout, int | float) and timeout > 0 else 0)
    generation = queue.start_poll()
    while True:
        if queue.superseded(generation):
            raise errors.conflict(errors.CONFLICT_POLLING)
        updates = queue.peek(limit)
        if updates or clock.monotonic() >= deadline or queue.closed or world.webhook.url:
            return updates
        with queue.waiting_polls.one():
            await clock.wait(queue.changed, until=deadline)


@bot_method("setWebhook")
async def set_webhook(call: Call) -> Answer:
    params, world = call.params, call.world
    url = params.get("url")
    if not isinstance(url, str):
        raise errors.bad_request("bad webhook: Webhook URL must be specified")
    secret = params.get("secret_token")
    if secret not in (None, "") and not (isinstance(secret, str) and secret_token_is_valid(secret)):
        raise errors.bad_request("secret token contains unallowed characters")
    max_connections = params.get("max_connections", 40)
    if not isinstance(max_connections, int) or not 1 <= max_connections <= 100:
        raise errors.bad_request("bad webhook: max_connections must be between 1 and 100")
    if url and not url.lower().startswith(("http://", "https://")):
        raise errors.bad_request("bad webhook: Wrong URL host")  # http:// is allowed here, unlike Telegram
    if params.get("drop_pending_updates"):
        world.updates.drop_all()
    world.updates.allow(params.get("allowed_updates"))
    if not url:
        return Answer(await _delete(call), "Webhook was deleted")
    webhook = world.webhook
    changed = webhook.url != url or webhook.secret_token != (secret or None)
    webhook.url, webhook.secret_token = url, secret or None
    webhook.max_connections = max_connections
    webhook.ip_address = params.get("ip_address")
    webhook.has_custom_certificate = "certificate" in params
    if changed:
        webhook.last_error_date = webhook.last_error_message = None
    world.updates.start_poll()  # a long poll still waiting learns that a webhook took over
    call.emulator.start_webhook(world)
    return Answer(True, "Webhook was set" if changed else "Webhook is already set")


@bot_method("deleteWebhook")
async def delete_webhook(call: Call) -> Answer:
    was_set = bool(call.world.webhook.url)
    if call.params.get("drop_pending_updates"):
        call.world.updates.drop_all()
    await _delete(call)
    return Answer(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@bot_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    world = call.world
    return world.webhook.info(len(world.updates), world.updates.allowed)


async def _delete(call: Call) -> bool:
    webhook = call.world.webhook
    await stop_and_wait(webhook)
    webhook.url, webhook.secret_token, webhook.ip_address = "", None, None
    webhook.last_error_date = webhook.last_error_message = None
    return True
