"""Every request and every answer is held to the Bot API contract in api.min.json."""

import json
import struct
import zlib
from typing import Any

import aiohttp
import pytest

from sandbox import contract
from sandbox.methods import HANDLERS
from sandbox.testing import SandboxClient, running_sandbox

SPEC = contract.load_spec()
ANNA = 1001


def spec_method(name: str) -> contract.MethodSpec:
    method = SPEC.method(name)
    assert method is not None
    return method


def test_the_copied_spec_is_the_shared_one_and_names_its_version() -> None:
    assert SPEC.version.startswith("Bot API")
    assert contract.SPEC_PATH.with_name("api.min.json.LICENSE").exists()


def test_every_method_the_sandbox_serves_is_in_the_bot_api() -> None:
    assert {name for name in HANDLERS if SPEC.method(name) is None} == set()


def test_a_request_with_an_unknown_parameter_breaks_the_contract() -> None:
    problems = contract.check_request(SPEC, spec_method("sendMessage"), {"chat_id": 1, "text": "x", "colour": "red"})
    assert problems == ["sendMessage takes no parameter 'colour'"]


def test_a_request_with_a_wrongly_typed_parameter_breaks_the_contract() -> None:
    problems = contract.check_request(SPEC, spec_method("sendMessage"), {"chat_id": 1.5, "text": "x"})
    assert problems and problems[0].startswith("sendMessage.chat_id: expected")


def test_form_values_are_read_as_the_types_the_method_declares() -> None:
    params = contract.decode_params(
        spec_method("sendMessage"),
        {
            "chat_id": "42",
            "text": "007",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": []}',
            "message_thread_id": "not a number",
        },
    )
    assert params == {
        "chat_id": 42,
        "text": "007",
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": []},
        "message_thread_id": "not a number",
    }
    assert contract.check_request(SPEC, spec_method("sendMessage"), params) == [
        "sendMessage.message_thread_id: expected Integer, got str 'not a number'"
    ]


def test_a_result_is_checked_recursively_against_the_types() -> None:
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 1, "type": "private"},
        "entities": [{"type": "bold", "offset": "0", "length": 1}],
        "mood": "happy",
    }
    problems = contract.check_result(SPEC, spec_method("sendMessage"), message)
    assert "sendMessage().entities[0].offset: expected Integer, got str '0'" in problems
    assert "sendMessage(): Message has no field 'mood'" in problems
    assert contract.check_object(SPEC, {"message_id": 1, "date": 0}, "Message") == [
        "Message: Message lacks required field 'chat'"
    ]


def test_a_subtype_is_told_apart_by_its_declared_type() -> None:
    assert contract.check_object(SPEC, {"type": "all_private_chats"}, "BotCommandScope") == []
    assert contract.check_object(SPEC, {"type": "everyone"}, "BotCommandScope") != []
    assert (
        contract.check_object(
            SPEC,
            {"status": "kicked", "user": {"id": 1, "is_bot": True, "first_name": "B"}, "until_date": 0},
            "ChatMember",
        )
        == []
    )


async def test_the_strict_emulator_answers_500_naming_the_broken_contract(sandbox: SandboxClient) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sandbox.bot_api_url}{sandbox.token}/sendMessage", json={"chat_id": ANNA, "text": "x", "colour": "red"}
        ) as response,
    ):
        assert response.status == 500
        body = await response.json()
    assert body["description"] == (
        "Internal Server Error: sandbox contract violation: sendMessage takes no parameter 'colour'"
    )
    assert sandbox.emulator.contract_violations == ["sendMessage takes no parameter 'colour'"]
    sandbox.emulator.contract_violations.clear()  # expected here; any other would fail the test


async def test_the_strict_emulator_catches_its_own_broken_answers(
    sandbox: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_get_me(call: Any) -> dict[str, Any]:
        return {"id": "123456", "is_bot": True}

    monkeypatch.setitem(HANDLERS, "getme", broken_get_me)
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sandbox.bot_api_url}{sandbox.token}/getMe") as response,
    ):
        assert response.status == 500
    assert "getMe(): User lacks required field 'first_name'" in sandbox.emulator.contract_violations
    sandbox.emulator.contract_violations.clear()


async def test_leaving_a_strict_sandbox_fails_when_the_contract_was_broken() -> None:
    with pytest.raises(AssertionError, match="contract was broken 1 time"):
        async with running_sandbox() as sandbox, aiohttp.ClientSession() as session:
            await session.post(f"{sandbox.bot_api_url}{sandbox.token}/getMe", json={"please": True})


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


# One valid call of every method the sandbox serves, in an order where each finds what it needs.
SAMPLE_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("getMe", {}),
    ("getUpdates", {"offset": 0, "limit": 10, "timeout": 0, "allowed_updates": ["message", "callback_query"]}),
    (
        "sendMessage",
        {
            "chat_id": ANNA,
            "text": "<b>hi</b>",
            "parse_mode": "HTML",
            "reply_markup": {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]},
        },
    ),
    (
        "editMessageText",
        {
            "chat_id": ANNA,
            "message_id": 2,
            "text": "edited",
            "reply_markup": {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]},
        },
    ),
    ("answerCallbackQuery", {"callback_query_id": "{callback}", "text": "done"}),
    ("editMessageReplyMarkup", {"chat_id": ANNA, "message_id": 2}),
    ("sendPhoto", {"chat_id": ANNA, "photo": "{upload}"}),
    ("sendDocument", {"chat_id": ANNA, "document": "{upload}", "caption": "file"}),
    ("getFile", {"file_id": "{file_id}"}),
    ("editMessageCaption", {"chat_id": ANNA, "message_id": 4, "caption": "<i>new</i>", "parse_mode": "HTML"}),
    ("deleteMessage", {"chat_id": ANNA, "message_id": 2}),
    ("deleteMessages", {"chat_id": ANNA, "message_ids": [3, 99]}),
    ("getChat", {"chat_id": ANNA}),
    ("getChatMember", {"chat_id": ANNA, "user_id": ANNA}),
    ("sendChatAction", {"chat_id": ANNA, "action": "typing"}),
    (
        "setMyCommands",
        {
            "commands": [{"command": "start", "description": "Start"}],
            "scope": {"type": "chat", "chat_id": ANNA},
            "language_code": "ru",
        },
    ),
    ("getMyCommands", {"scope": {"type": "chat", "chat_id": ANNA}, "language_code": "ru"}),
    ("deleteMyCommands", {"scope": {"type": "default"}}),
    ("setChatMenuButton", {"chat_id": ANNA, "menu_button": {"type": "commands"}}),
    ("getChatMenuButton", {"chat_id": ANNA}),
    ("setMyName", {"name": "Bot"}),
    ("getMyName", {}),
    ("setMyDescription", {"description": "About"}),
    ("getMyDescription", {"language_code": "en"}),
    ("setMyShortDescription", {"short_description": "Short"}),
    ("getMyShortDescription", {}),
    ("setWebhook", {"url": "http://127.0.0.1:9/hook", "secret_token": "t0k-en_"}),
    ("getWebhookInfo", {}),
    ("deleteWebhook", {"drop_pending_updates": True}),
    ("logOut", {}),
    ("close", {}),
]


def test_the_sample_calls_cover_every_method_the_sandbox_serves() -> None:
    assert {name.lower() for name, _ in SAMPLE_CALLS} == set(HANDLERS)


async def test_every_method_answers_within_the_contract(sandbox: SandboxClient) -> None:
    await sandbox.user(ANNA).send_nowait("/start")
    found: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        for name, params in SAMPLE_CALLS:
            if name == "answerCallbackQuery":
                tap = await sandbox.request("POST", "/callbacks", json={"user_id": ANNA, "message_id": 2, "data": "ok"})
                found["callback"] = tap["callback_query_id"]
            data = aiohttp.FormData()
            for key, value in params.items():
                if value == "{upload}":
                    data.add_field(key, tiny_png(), filename="one.png", content_type="image/png")
                elif isinstance(value, str) and value.startswith("{"):
                    data.add_field(key, found[value.strip("{}")])
                else:
                    data.add_field(key, value if isinstance(value, str) else json.dumps(value))
            async with session.post(f"{sandbox.bot_api_url}{sandbox.token}/{name}", data=data) as response:
                body = await response.json()
            assert (name, response.status, body.get("description")) == (name, 200, body.get("description"))
            if name == "sendDocument":
                found["file_id"] = body["result"]["document"]["file_id"]
    assert sandbox.emulator.contract_violations == []
