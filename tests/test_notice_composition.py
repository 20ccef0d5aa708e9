"""A notice in words: the SMS text and the e-mail, composed in Vietnamese. Pure."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default

from activities.notice_composition import email_message, message_id, sms_text
from messages import Message
from schemas.identifiers import e164_phone
from schemas.notifications import Milestone, Notice

SENDER = "Cổng Dịch vụ công liên thông <thongbao@lienthong.example.vn>"


def _notice(channel: str, recipient: str) -> Notice:
    return Notice.model_validate(
        {
            "idempotency_key": f"birth-LT-1/received/{channel}",
            "declaration_id": "LT-20261126-0000000001",
            "channel": channel,
            "recipient": recipient,
            "milestone": Milestone(
                key="received",
                title=Message.of("notice.title.received"),
                text=Message.of(
                    "notice.received", group=Message.of("group.birth"), deadline="01/12/2026"
                ),
            ),
        }
    )


def test_an_sms_names_the_declaration_and_the_milestone() -> None:
    assert sms_text(_notice("sms", "0912345678")) == (
        "Hồ sơ LT-20261126-0000000001: Đã tiếp nhận hồ sơ khai sinh. Hạn giải quyết: 01/12/2026."
    )
    assert e164_phone("0912345678") == e164_phone("+84912345678") == "+84912345678"


def test_an_email_has_a_subject_a_body_and_a_message_id_that_never_changes() -> None:
    notice = _notice("email", "lan@example.vn")
    email = email_message(notice, SENDER, [("birth_extract.pdf", b"%PDF-1.7 signed")])
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
    # Every attempt at this notice carries the same Message-ID, on the sender's domain.
    assert email["Message-ID"] == message_id(notice.idempotency_key, SENDER)
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
