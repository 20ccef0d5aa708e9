"""The sandbox SMS gateway answers as the provider it stands in for: Twilio's Messages resource,
HTTP Basic per account, an `Idempotency-Key` that the database holds unique, segments counted
as a phone sends them, and an outbox to read back. Against the session's gateway, except where a
test needs a slow one of its own."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.launcher import LocalStack
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from sandbox.sms_gateway.outbox import Outbox, OutboxMessage, Submission
from sandbox.sms_gateway.segments import count_segments
from security.dev_credentials import DEV_SMS_ACCOUNT_SID, dev_sms_auth_token
from tests.harness.session_services import SessionServices

pytestmark = pytest.mark.store_free

AUTH = (DEV_SMS_ACCOUNT_SID, dev_sms_auth_token())
MESSAGES = f"/2010-04-01/Accounts/{DEV_SMS_ACCOUNT_SID}/Messages.json"
VIETNAMESE = "Giấy khai sinh của con ông/bà đã được cấp. Mã hồ sơ: "


def phone() -> str:
    """A number no other test sends to: the session's outbox is shared."""
    return f"+849{secrets.randbelow(10**8):08d}"


def form(
    to: str, body: str = "Ho so da duoc tiep nhan.", sender: str = "LIENTHONG"
) -> dict[str, str]:
    return {"To": to, "From": sender, "Body": body}


@pytest.fixture
def gateway(services: SessionServices) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=services.sms_gateway_url, auth=AUTH, timeout=10) as client:
        yield client


def outbox(client: httpx.Client, to: str) -> list[dict[str, Any]]:
    listed = client.get(MESSAGES, params={"To": to})
    assert listed.status_code == 200
    messages: list[dict[str, Any]] = listed.json()["messages"]
    return messages


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        pytest.param("a" * 160, 1, id="gsm7-single"),
        pytest.param("a" * 161, 2, id="gsm7-two-parts"),
        pytest.param("a" * 306, 2, id="gsm7-two-full-parts"),
        pytest.param("a" * 307, 3, id="gsm7-three-parts"),
        pytest.param("è é ù ì ò à" * 10, 1, id="gsm7-has-some-accents"),
        pytest.param("€" * 80, 1, id="gsm7-extension-takes-two-septets"),
        pytest.param("€" * 81, 2, id="gsm7-extension-over-single"),
        # The escape pair is never split: 152 + € does not fit a part of 153.
        pytest.param("a" * 152 + "€" + "a" * 152, 3, id="gsm7-escape-not-split"),
        pytest.param("đ" * 70, 1, id="ucs2-single"),
        pytest.param("đ" * 71, 2, id="ucs2-two-parts"),
        pytest.param("đ" * 134, 2, id="ucs2-two-full-parts"),
        pytest.param("đ" * 135, 3, id="ucs2-three-parts"),
        pytest.param("a" * 159 + "ư", 3, id="one-diacritic-makes-it-ucs2"),
        pytest.param("😀" * 35, 1, id="ucs2-surrogate-pairs-single"),
        pytest.param("😀" * 36, 2, id="ucs2-surrogate-pairs-not-split"),
    ],
)
def test_segments_are_counted_as_a_phone_sends_them(text: str, segments: int) -> None:
    assert count_segments(text) == segments


@pytest.mark.parametrize(
    ("auth", "account", "status"),
    [
        pytest.param(None, DEV_SMS_ACCOUNT_SID, 401, id="no-credentials"),
        pytest.param((DEV_SMS_ACCOUNT_SID, "wrong"), DEV_SMS_ACCOUNT_SID, 401, id="wrong-token"),
        pytest.param(("AC" + "0" * 32, AUTH[1]), DEV_SMS_ACCOUNT_SID, 401, id="unknown-account"),
        pytest.param(AUTH, "AC" + "0" * 32, 403, id="another-account"),
    ],
)
def test_a_caller_is_refused_without_its_own_credentials(
    services: SessionServices, auth: tuple[str, str] | None, account: str, status: int
) -> None:
    to = phone()
    path = f"/2010-04-01/Accounts/{account}/Messages.json"
    with httpx.Client(base_url=services.sms_gateway_url, auth=auth, timeout=10) as client:
        refused = client.post(path, data=form(to))
        assert refused.status_code == status
        assert refused.json()["code"] == (20003 if status == 401 else 20403)
        assert client.get(path).status_code == status
    with httpx.Client(base_url=services.sms_gateway_url, auth=AUTH, timeout=10) as client:
        assert outbox(client, to) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        pytest.param({"To": "0912345678"}, 21211, id="to-not-e164"),
        pytest.param({"To": "+8491234567"}, 21211, id="to-too-short"),
        pytest.param({"To": "+14155550100"}, 21211, id="to-not-vietnamese"),
        pytest.param({"To": "+84٩12345678"}, 21211, id="to-other-script-digit"),
        pytest.param({"From": ""}, 21212, id="from-missing"),
        pytest.param({"From": "LIENTHONGVN1"}, 21212, id="from-over-11"),
        pytest.param({"Body": ""}, 21602, id="body-missing"),
        pytest.param({"Body": "x" * 1601}, 21617, id="body-over-1600"),
    ],
)
def test_a_malformed_send_is_refused_as_twilio_refuses_it(
    gateway: httpx.Client, fields: dict[str, str], code: int
) -> None:
    refused = gateway.post(MESSAGES, data={**form(phone()), **fields})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": code,
        "message": refused.json()["message"],
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }


def test_a_resend_under_the_same_key_returns_the_first_message(gateway: httpx.Client) -> None:
    to, key = phone(), secrets.token_hex(8)
    first = gateway.post(MESSAGES, data=form(to), headers={"Idempotency-Key": key})
    again = gateway.post(MESSAGES, data=form(to), headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["sid"].startswith("SM") and len(first.json()["sid"]) == 34
    assert [m["sid"] for m in outbox(gateway, to)] == [first.json()["sid"]]
    # Without a key, each send is a message of its own.
    gateway.post(MESSAGES, data=form(to))
    assert len(outbox(gateway, to)) == 2


def test_a_key_reused_for_another_message_is_refused(gateway: httpx.Client) -> None:
    to, key = phone(), secrets.token_hex(8)
    assert (
        gateway.post(MESSAGES, data=form(to), headers={"Idempotency-Key": key}).status_code == 201
    )
    for changed in ({"Body": "Another text"}, {"To": phone()}, {"From": "BOTUPHAP"}):
        refused = gateway.post(
            MESSAGES, data={**form(to), **changed}, headers={"Idempotency-Key": key}
        )
        assert refused.status_code == 422
        assert refused.json() == {
            "code": 422,
            "message": "Idempotency-Key reused with different parameters",
            "status": 422,
        }
    assert len(outbox(gateway, to)) == 1


async def test_concurrent_sends_under_one_key_store_one_message(services: SessionServices) -> None:
    to, key = phone(), secrets.token_hex(8)
    async with httpx.AsyncClient(
        base_url=services.sms_gateway_url, auth=AUTH, timeout=30
    ) as client:
        sends = [
            client.post(MESSAGES, data=form(to), headers={"Idempotency-Key": key}) for _ in range(8)
        ]
        answers = await asyncio.gather(*sends)
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({a.json()["sid"] for a in answers}) == 1
    with httpx.Client(base_url=services.sms_gateway_url, auth=AUTH, timeout=10) as client:
        assert len(outbox(client, to)) == 1


def test_the_database_holds_a_key_unique_when_two_sends_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race made certain: the second send finds no message under the key, as if the first
    had not committed yet, and its insert is refused by the constraint."""
    first, second = Outbox(tmp_path / "outbox.db"), Outbox(tmp_path / "outbox.db")
    sent = Submission(DEV_SMS_ACCOUNT_SID, phone(), "LIENTHONG", "Xin chào", "key-1")
    stored, created = first.accept(sent)
    look_up, lookups = second._under_key, []

    def not_committed_yet(submission: Submission) -> OutboxMessage | None:
        lookups.append(submission)
        return None if len(lookups) == 1 else look_up(submission)

    monkeypatch.setattr(second, "_under_key", not_committed_yet)
    raced, raced_created = second.accept(sent)
    assert len(lookups) == 2, "the insert was not refused"
    assert (created, raced_created) == (True, False)
    assert raced.sid == stored.sid
    assert [m.sid for m in first.messages(DEV_SMS_ACCOUNT_SID)] == [stored.sid]


def test_a_vietnamese_text_comes_back_as_sent(gateway: httpx.Client) -> None:
    to = phone()
    short, long = VIETNAMESE + "HS-1", VIETNAMESE * 3
    answers = [gateway.post(MESSAGES, data=form(to, body)).json() for body in (short, long)]
    assert [a["body"] for a in answers] == [short, long]
    # UCS-2: 70 characters in one message, 67 in each part of a longer one.
    assert [a["num_segments"] for a in answers] == ["1", str(count_segments(long))]
    assert count_segments(long) == -(-len(long) // 67)
    read_back = gateway.get(answers[0]["uri"])
    assert read_back.status_code == 200
    assert read_back.json() == answers[0]
    assert answers[0]["status"] == "sent" and answers[0]["date_created"].endswith("+0000")


def test_the_outbox_lists_one_numbers_messages_oldest_first(gateway: httpx.Client) -> None:
    one, other = phone(), phone()
    for to, body in ((one, "first"), (other, "elsewhere"), (one, "second")):
        assert gateway.post(MESSAGES, data=form(to, body)).status_code == 201
    assert [m["body"] for m in outbox(gateway, one)] == ["first", "second"]
    assert [m["body"] for m in outbox(gateway, other)] == ["elsewhere"]
    everything = gateway.get(MESSAGES).json()
    assert everything["uri"] == MESSAGES
    assert {"first", "second", "elsewhere"} <= {m["body"] for m in everything["messages"]}


def test_no_number_or_text_reaches_the_gateways_log(
    gateway: httpx.Client, services: SessionServices
) -> None:
    to, marker = phone(), secrets.token_hex(6)
    sid = gateway.post(MESSAGES, data=form(to, f"{VIETNAMESE}{marker}")).json()["sid"]
    log = (services.log_dir / "sandbox-sms-gateway.log").read_text()
    assert sid in log
    assert to not in log and to[3:] not in log
    assert marker not in log and "khai sinh" not in log


@pytest.mark.slow
def test_a_slow_answer_comes_after_the_message_is_stored(tmp_path: Path) -> None:
    """The sender gives up before the answer; the message is in the outbox all the same, and
    the resend under its key finds it, across a restart of the gateway too."""
    options = StackOptions(sms_response_delay_seconds=2.0)
    with LocalStack(StackLayout(tmp_path), StackPorts.pick(), options) as stack:
        stack.start_sms_gateway()
        to, key = phone(), secrets.token_hex(8)
        with httpx.Client(base_url=stack.ports.sms_gateway_url, auth=AUTH) as client:
            with pytest.raises(httpx.ReadTimeout):
                client.post(MESSAGES, data=form(to), headers={"Idempotency-Key": key}, timeout=0.5)
            stored = outbox(client, to)
            assert len(stored) == 1
            stack.stop_sms_gateway()
            stack.start_sms_gateway()
            resent = client.post(
                MESSAGES, data=form(to), headers={"Idempotency-Key": key}, timeout=10
            )
            assert resent.status_code == 200
            assert resent.json()["sid"] == stored[0]["sid"]
            assert outbox(client, to) == stored
        assert stack.layout.sms_outbox_db.exists()
