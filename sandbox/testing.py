"""Driving a bot through the sandbox from tests: start the emulator, play people, read their chats.

    async with running_sandbox() as sandbox:            # strict emulator on a free port, this loop
        application = (Application.builder().token(sandbox.token)
                       .base_url(sandbox.bot_api_url).base_file_url(sandbox.file_url).build())
        await sandbox.track(application)                # optional: exact waits instead of quiet periods
        ...start the application...
        ann = sandbox.user(1001, first_name="Анна", language_code="ru")
        await ann.send("/start")                        # returns once the bot has reacted and gone quiet
        assert "Добро пожаловать" in ann.last_message.text
        await ann.tap("Согласовать")                    # waits for the callback answer, then quiet
        assert ann.last_answer == "Согласовано"

Waiting (see README.md, "Waiting for the bot"): after `await sandbox.track(application)` the
Application tells the sandbox when it has handled each update, and `send`/`tap` return exactly
then. Untracked, `send` waits until the chat changed after the person's message, `tap` until the
bot answered the callback query; then both wait until the bot has made no call touching the chat
for `quiet` seconds (`follow_up` seconds when answering the tap is all the bot has done yet), as the
emulator's clock counts them (advance_clock lets them pass at once). A bot
that stays silent past `within` fails the test with an AssertionError that shows the end of the
chat.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from sandbox.client_model import Button, CallbackAnswer, ChatMessage, Reaction, SentFile, transcript_tail
from sandbox.emulator import Emulator
from sandbox.server import RunningSandbox, start
from sandbox.state import BotWorld

__all__ = [
    "DEFAULT_TOKEN", "Button", "CallbackAnswer", "ChatMessage", "Reaction", "SandboxClient", "SandboxUser",
    "SentFile", "make_token", "running_sandbox",
]

DEFAULT_BOT_ID = 123456
DEFAULT_TOKEN = f"{DEFAULT_BOT_ID}:SANDBOX-test-token"
DEFAULT_TIMEOUT = 5.0
DEFAULT_QUIET = 0.1
DEFAULT_FOLLOW_UP = 0.3


def make_token(bot_id: int = DEFAULT_BOT_ID) -> str:
    """A token the sandbox accepts; its number is the bot's id."""
    return f"{bot_id}:SANDBOX-test-token"


class SandboxClient:
    """The control API, for tests: people, chats, faults, limits and the clock."""

    def __init__(
        self,
        base_url: str,
        *,
        running: RunningSandbox | None = None,
        token: str = DEFAULT_TOKEN,
        timeout: float = DEFAULT_TIMEOUT,
        quiet: float = DEFAULT_QUIET,
        follow_up: float = DEFAULT_FOLLOW_UP,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.running = running
        self.token = token
        self.timeout = timeout
        self.quiet = quiet
        self.follow_up = follow_up
        self._session: aiohttp.ClientSession | None = None

    @property
    def bot_api_url(self) -> str:
        """For telegram.Bot(base_url=...) and ApplicationBuilder().base_url(...)."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """For telegram.Bot(base_file_url=...) and ApplicationBuilder().base_file_url(...)."""
        return f"{self.base_url}/file/bot"

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    @property
    def emulator(self) -> Emulator:
        """The emulator itself, when it runs in this process."""
        if self.running is None:
            raise RuntimeError("the sandbox runs in another process; use the control API")
        return self.running.emulator

    @property
    def world(self) -> BotWorld:
        """This bot's world in the emulator, when it runs in this process: its chats, update queue and
        webhook, with the events a test may wait on (README.md, "Events to wait on")."""
        return self.emulator.world_for_bot(self.bot_id)

    def user(self, user_id: int, *, first_name: str | None = None, last_name: str | None = None,
             username: str | None = None, language_code: str | None = None) -> "SandboxUser":
        profile = {"first_name": first_name, "last_name": last_name, "username": username,
                   "language_code": language_code}
        return SandboxUser(self, user_id, {k: v for k, v in profile.items() if v is not None})

    # --- the control API, one method per endpoint ---

    async def transcript(self, chat_id: int) -> dict[str, Any]:
        return await self.request("GET", f"/chats/{chat_id}")

    async def track(self, application: Any) -> None:
        """Have a built, not yet initialised PTB Application tell the sandbox when it has handled
        each update, so that send and tap wait exactly that long (no quiet period to guess).

        Handlers that leave work running after they return (block=False, create_task) are not
        waited for.
        """
        from sandbox.update_reporting import report_handled_updates

        bot_id = int(application.bot.token.split(":", 1)[0])

        async def report(update_id: int) -> None:
            if self.running is not None:
                self.running.emulator.world_for_bot(bot_id).mark_processed(update_id)
            else:
                await self.request("POST", f"/updates/{update_id}/processed", json={"bot_id": bot_id})

        report_handled_updates(application, report)
        await self.request("POST", "/tracking", json={"bot_id": bot_id, "enabled": True})

    async def wait(self, chat_id: int, *, after_revision: int, callback_query_id: str | None = None,
                   update_id: int | None = None, quiet: float | None = None, within: float | None = None,
                   follow_up: float | None = None) -> dict[str, Any]:
        """The transcript once the bot has reacted and gone quiet; its "settled" says whether it did.

        `within` seconds at most (the client's timeout by default); `quiet` as in README.md.
        """
        query: dict[str, Any] = {
            "after_revision": after_revision,
            "quiet": self.quiet if quiet is None else quiet,
            "timeout": self.timeout if within is None else within,
            "follow_up": self.follow_up if follow_up is None else follow_up,
        }
        if callback_query_id is not None:
            query["callback_query_id"] = callback_query_id
        if update_id is not None:
            query["update_id"] = update_id
        return await self.request("GET", f"/chats/{chat_id}/wait", params=query)

    async def register_user(self, user_id: int, *, started: bool = True, **profile: Any) -> dict[str, Any]:
        return await self.request("POST", "/users", json={"user_id": user_id, "started": started, **profile})

    async def add_fault(self, action: str, **rule: Any) -> str:
        """Add a fault rule (see README.md, "Faults"); returns its id."""
        answer = await self.request("POST", "/faults", json={"action": action, **rule})
        return str(answer["id"])

    async def clear_faults(self) -> None:
        await self.request("DELETE", "/faults")

    async def set_limits(self, *, realistic: bool, time_scale: float = 1.0) -> None:
        await self.request("POST", "/limits", json={"realistic": realistic, "time_scale": time_scale})

    async def advance_clock(self, seconds: float) -> float:
        answer = await self.request("POST", "/clock", json={"advance": seconds})
        return float(answer["now"])

    async def stats(self) -> dict[str, Any]:
        return await self.request("GET", "/stats")

    async def bot_info(self) -> dict[str, Any]:
        return await self.request("GET", "/bot")

    async def reset(self) -> None:
        await self.request("POST", "/reset")

    async def download(self, file: SentFile) -> bytes:
        async with self._http().get(file.url) as response:
            response.raise_for_status()
            return await response.read()

    async def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async with self._http().request(method, f"{self.base_url}/__control{path}", **kwargs) as response:
            answer: dict[str, Any] = await response.json()
            if response.status >= 400:
                raise AssertionError(f"sandbox refused {method} {path}: {answer.get('error', answer)}")
            return answer

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class SandboxUser:
    """One person talking to the bot, in their private chat or, via in_group, in a group."""

    def __init__(self, client: SandboxClient, user_id: int, profile: dict[str, Any],
                 chat_id: int | None = None, chat_title: str | None = None) -> None:
        self.client = client
        self.id = user_id
        self.profile = profile
        self.chat_id = user_id if chat_id is None else chat_id
        self.chat_title = chat_title
        self.transcript: dict[str, Any] | None = None  # as of the last send, tap, wait or refresh

    def in_group(self, chat_id: int, *, title: str | None = None) -> "SandboxUser":
        """The same person writing in a group chat (chat_id negative)."""
        return SandboxUser(self.client, self.id, self.profile, chat_id, title)

    # --- acting ---

    async def send(self, text: str, *, within: float | None = None, quiet: float | None = None) -> Reaction:
        """Send a text and wait until the bot has reacted in this chat; what it did."""
        posted = await self._post_message(text)
        return await self._settle(posted, repr(text), within, quiet)

    async def send_nowait(self, text: str) -> int:
        """Send a text and return its message_id at once."""
        return int((await self._post_message(text))["message_id"])

    async def tap(self, text: str, *, message_id: int | None = None, within: float | None = None,
                  quiet: float | None = None) -> Reaction:
        """Tap the button with this text and wait for the callback answer and whatever follows it.

        The button is looked for on the given message, else on the newest bot message that has an
        inline keyboard.
        """
        posted = await self._post_tap(text, message_id)
        return await self._settle(posted, f"the tap on {text!r}", within, quiet)

    async def tap_nowait(self, text: str, *, message_id: int | None = None) -> str:
        """Tap the button with this text; the callback query's id, at once."""
        return str((await self._post_tap(text, message_id))["callback_query_id"])

    async def tap_data(self, data: str, *, message_id: int, forge: bool = False,
                       within: float | None = None, quiet: float | None = None) -> Reaction:
        """Send callback data for a message, forged (not on any of its buttons) if `forge`, and wait."""
        posted = await self.client.request("POST", "/callbacks", json={
            "user_id": self.id, "chat_id": self.chat_id, "message_id": message_id, "data": data, "forge": forge,
        })
        return await self._settle(posted, f"callback data {data!r}", within, quiet)

    async def block(self) -> None:
        await self.client.request("POST", f"/users/{self.id}/block")

    async def unblock(self) -> None:
        await self.client.request("POST", f"/users/{self.id}/unblock")

    async def refresh(self) -> dict[str, Any]:
        self.transcript = await self.client.transcript(self.chat_id)
        return self.transcript

    async def wait_for_message(self, *, within: float | None = None, quiet: float | None = None) -> ChatMessage:
        """Wait for a new bot message in this chat (one the bot sends on its own, say a notification)."""
        revision = self.transcript["revision"] if self.transcript else (await self.refresh())["revision"]
        reaction = await self._settle({"revision": revision}, "", within, quiet)
        if not reaction.messages:
            raise AssertionError(f"the bot changed chat {self.chat_id} but sent no new message:\n"
                                 f"{transcript_tail(self.transcript)}")
        return reaction.messages[-1]

    # --- reading, as of the last send, tap, wait or refresh ---

    @property
    def messages(self) -> list[ChatMessage]:
        """Every message in the chat, both sides, deleted ones included (see .deleted)."""
        return [ChatMessage.from_transcript(raw) for raw in (self.transcript or {}).get("messages", [])]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.messages if m.from_bot and not m.deleted]

    @property
    def last_message(self) -> ChatMessage:
        """The newest bot message that is still there."""
        messages = self.bot_messages
        if not messages:
            raise AssertionError(
                f"the bot has sent nothing in chat {self.chat_id}:\n{transcript_tail(self.transcript)}"
            )
        return messages[-1]

    @property
    def last_answer(self) -> str | None:
        """The text of the bot's answer to this person's latest answered tap."""
        callbacks = (self.transcript or {}).get("callbacks", [])
        answered = [q for q in callbacks if q["answered"] and q["user_id"] == self.id]
        return answered[-1]["text"] if answered else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The texts of the reply keyboard the person sees now, if any."""
        keyboard = (self.transcript or {}).get("reply_keyboard")
        if not keyboard:
            return None
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in keyboard["keyboard"]]

    # --- the machinery ---

    async def _post_message(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"user_id": self.id, "text": text, **self.profile}
        if self.chat_id != self.id:
            body.update(chat_id=self.chat_id, chat_title=self.chat_title)
        return await self.client.request("POST", "/messages", json=body)

    async def _post_tap(self, text: str, message_id: int | None) -> dict[str, Any]:
        await self.refresh()
        target = self._message_with_keyboard(message_id)
        button = target.button(text)
        if button.is_url:
            raise AssertionError(f"button {text!r} on message {target.message_id} opens {button.value}; "
                                 "it sends no callback")
        return await self.client.request("POST", "/callbacks", json={
            "user_id": self.id, "chat_id": self.chat_id, "message_id": target.message_id, "data": button.value,
        })

    def _message_with_keyboard(self, message_id: int | None) -> ChatMessage:
        for message in reversed(self.bot_messages):
            if (message_id is None and message.buttons) or message.message_id == message_id:
                return message
        wanted = f"message {message_id}" if message_id is not None else "a bot message with inline buttons"
        raise AssertionError(f"chat {self.chat_id} has no {wanted}:\n{transcript_tail(self.transcript)}")

    async def _settle(self, posted: dict[str, Any], what: str, within: float | None,
                      quiet: float | None) -> Reaction:
        """Wait for the bot's reaction to `what` was just posted; fail the test if it stays silent."""
        revision, callback_query_id = posted["revision"], posted.get("callback_query_id")
        transcript = self.transcript = await self.client.wait(
            self.chat_id, after_revision=revision, callback_query_id=callback_query_id,
            update_id=posted.get("update_id"), quiet=quiet, within=within,
        )
        reaction = Reaction.since(transcript, revision, callback_query_id)
        failure = None
        if not transcript["settled"]:
            waited = self.client.timeout if within is None else within
            verb = "did not answer" if callback_query_id else "did not react to" if what else "did nothing"
            failure = f"the bot {verb} {what} in chat {self.chat_id} within {waited} s".replace("  ", " ")
        elif transcript.get("exact") and callback_query_id and reaction.answer is None:
            failure = f"the bot handled {what} without answering the callback query"
        elif transcript.get("exact") and transcript["revision"] == revision:
            failure = f"the bot handled {what} but changed nothing in chat {self.chat_id}"
        if failure:
            raise AssertionError(f"{failure}; the chat ends:\n{transcript_tail(transcript)}")
        return reaction


@asynccontextmanager
async def running_sandbox(
    *,
    strict: bool = True,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    within: float = DEFAULT_TIMEOUT,
    quiet: float = DEFAULT_QUIET,
    follow_up: float = DEFAULT_FOLLOW_UP,
    check_contract: bool = True,
    **options: Any,
) -> AsyncIterator[SandboxClient]:
    """Start an emulator in the current event loop and yield a client for it; stop it afterwards.

    `within` is how long a send or tap waits for the bot by default, `quiet` how long the bot must
    stay idle to count as done, `follow_up` how long it may stay idle after answering a tap before
    the edit that usually follows. In strict mode (the default) the emulator checks every request and
    answer against the Bot API; with check_contract, leaving the block fails if any check failed.
    """
    running = await start(host, port, strict=strict, **options)
    client = SandboxClient(running.base_url, running=running, token=token, timeout=within, quiet=quiet,
                           follow_up=follow_up)
    try:
        yield client
    finally:
        await client.close()
        await running.stop()
    violations = running.emulator.contract_violations
    if check_contract and violations:
        listed = "\n".join(f"  {v}" for v in violations[:20])
        raise AssertionError(f"the Bot API contract was broken {len(violations)} time(s):\n{listed}")
