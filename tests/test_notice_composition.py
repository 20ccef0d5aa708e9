"""A message in words, from the notices it carries: the SMS text and the e-mail, composed in
Vietnamese. Pure."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default

from messages import Message
from notice_sending.composition import email_message, message_id, milestones_of, sms_text
from schemas.identifiers import e164_phone
from schemas.notifications import Milestone, Notice

SENDER = "Cổng Dịch vụ công liên thông <thongbao@lienthong.example.vn>"
DECLARATION = "LT-20261126-0000000001"
RECEIVED = Milestone(
    key="received",
    title=Message.of("notice.title.received"),
    text=Message.of("notice.received", group=Message.of("group.birth"), deadline="01/12/2026"),
)


def _step(procedure: str, outcome: str) -> Milestone:
    named = Message.of(f"procedure.{procedure}")
    return Milestone(
        key=f"step:{procedure}:1:{outcome}",
        title=Message.of(f"notice.title.step_{outcome}", procedure=named),
        text=Message.of(f"notice.step_{outcome}", procedure=named),
    )


COMPLETED = Milestone(
    key="closed:completed",
    title=Message.of("notice.title.completed"),
    text=Message.of("status.completed", count=3),
)


def _notice(sequence: int, milestones: list[Milestone], channel: str = "sms") -> Notice:
    return Notice(
        idempotency_key=f"declaration-{DECLARATION}/{sequence}/{channel}",
        declaration_id=DECLARATION,
        channel=channel,
        recipient="0912345678" if channel == "sms" else "lan@example.vn",
        sequence=sequence,
        milestones=milestones,
    )


def test_an_sms_names_the_declaration_and_the_milestone() -> None:
    assert sms_text(DECLARATION, milestones_of([_notice(1, [RECEIVED])])) == (
        "Hồ sơ LT-20261126-0000000001: Đã tiếp nhận hồ sơ khai sinh. Hạn giải quyết: 01/12/2026."
    )
    assert e164_phone("0912345678") == e164_phone("+84912345678") == "+84912345678"


def test_steps_that_settle_with_the_outcome_make_one_short_sms() -> None:
    notices = [
        _notice(2, [_step("birth_registration", "approved")]),
        _notice(3, [_step("residence_registration", "approved")]),
        _notice(4, [_step("health_insurance_card", "rejected"), COMPLETED]),
    ]
    milestones = milestones_of(notices)
    assert [m.key for m in milestones] == [
        "step:birth_registration:1:approved",
        "step:residence_registration:1:approved",
        "step:health_insurance_card:1:rejected",
        "closed:completed",
    ]
    text = sms_text(DECLARATION, milestones)
    # The outcome names what was approved; only the step refused is spelled out beside it.
    assert Message.of("procedure.birth_registration").text() not in text
    assert Message.of("procedure.health_insurance_card").text() in text
    assert COMPLETED.text.text() in text  # type: ignore[union-attr]
    # Without the outcome each step's result is its own news.
    alone = sms_text(DECLARATION, milestones_of(notices[:1]))
    assert Message.of("procedure.birth_registration").text() in alone


def test_an_email_has_a_subject_a_body_and_a_message_id_that_never_changes() -> None:
    key = f"{DECLARATION}/batch-1"
    email = email_message(
        DECLARATION,
        [RECEIVED],
        "lan@example.vn",
        key,
        SENDER,
        [("birth_extract.pdf", b"%PDF-1.7 signed")],
    )
    assert email["Subject"] == "[Hồ sơ LT-20261126-0000000001] Đã tiếp nhận hồ sơ"
    # A long Vietnamese subject keeps every space once sent and read back.
    email.replace_header(
        "Subject", "[Hồ sơ LT-20261126-FC03D972D4] Đã có kết quả đăng ký khai sinh"
    )
    raw = email.as_bytes()
    sent = BytesParser(policy=default).parsebytes(raw)
    # The body's lines stay within MIME's 76 characters.
    body_lines = raw.split(b"\r\n\r\n", 1)[1].splitlines()
    assert max(len(line) for line in body_lines) <= 76
    assert sent["Subject"] == "[Hồ sơ LT-20261126-FC03D972D4] Đã có kết quả đăng ký khai sinh"
    assert email["To"] == "lan@example.vn"
    # Every attempt at this message carries the same Message-ID, on the sender's domain.
    assert email["Message-ID"] == message_id(key, SENDER)
    assert email["Message-ID"].endswith("@lienthong.example.vn>")
    assert message_id("another/notice/email", SENDER) != email["Message-ID"]
    body = email.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Đã tiếp nhận hồ sơ khai sinh." in text
    assert "Bản điện tử có chữ ký số được gửi kèm thư này." in text
    (attachment,) = email.iter_attachments()
    assert attachment.get_filename() == "birth_extract.pdf"
    assert attachment.get_content() == b"%PDF-1.7 signed"
