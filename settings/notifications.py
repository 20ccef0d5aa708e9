"""How the orchestrator reaches declarants: an SMS provider's Messages API and an SMTP relay.

The defaults reach the sandbox SMS gateway and mail server of a local stack with their
development credentials, which production refuses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from security.dev_credentials import (
    DEV_SMS_ACCOUNT_SID,
    DEV_SMTP_USERNAME,
    dev_sms_auth_token,
    dev_smtp_password,
    is_dev_value,
)
from security.recipient_limits import RecipientLimits
from settings.party import PartySettings


class NotificationSettings(PartySettings):
    # The SMS provider: its API's base URL, the account and token it authenticates, and the
    # registered sender name ("brandname") messages come from.
    sms_gateway_url: str = "http://127.0.0.1:8110"
    sms_account_sid: str = DEV_SMS_ACCOUNT_SID
    sms_auth_token: SecretStr = Field(default_factory=lambda: SecretStr(dev_sms_auth_token()))
    sms_sender: str = Field(default="LIENTHONG", min_length=1, max_length=11)

    # The SMTP relay: `none` only on loopback, where nothing crosses a network.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, gt=0, lt=65536)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = DEV_SMTP_USERNAME
    smtp_password: SecretStr = Field(default_factory=lambda: SecretStr(dev_smtp_password()))
    smtp_sender: str = "Cổng Dịch vụ công liên thông <thongbao@lienthong.example.vn>"

    # How long one send may take before it is counted lost and tried again, and how long a
    # notice is tried while its channel is down before it is given up (the declaration never
    # waits for it).
    notice_send_timeout_seconds: float = Field(default=30.0, gt=0)
    notice_give_up_hours: float = Field(default=72.0, gt=0)
    # How long a step's result waits for the declaration's outcome, to go as one message with
    # it (the outcome, or a request for a supplement, goes at once with whatever is waiting).
    # Decisions an agency makes at once follow each other within seconds, even under load;
    # an officer's take days, and a step decided that long before the rest is told on its own.
    notice_settle_seconds: float = Field(default=600.0, ge=0)
    # How often the sender looks for notices other workers recorded (it is woken at once for
    # those its own worker records).
    notice_poll_seconds: float = Field(default=1.0, gt=0)

    # At most this many notices reach one phone number or e-mail address in any hour and in any
    # day, whatever declarations they are about, so that filings naming a stranger's number
    # cannot flood it. A notice over the limit is not sent (`suppressed`); the family still
    # reads every milestone on the portal. A birth tells of about seven milestones, a death of
    # up to nine, spread over days.
    notices_per_recipient_per_hour: int = Field(default=10, ge=1)
    notices_per_recipient_per_day: int = Field(default=30, ge=1)

    @property
    def notice_limits(self) -> RecipientLimits:
        return RecipientLimits(
            self.notices_per_recipient_per_hour, self.notices_per_recipient_per_day
        )

    @model_validator(mode="after")
    def _check_notice_limits(self) -> NotificationSettings:
        if self.notices_per_recipient_per_hour > self.notices_per_recipient_per_day:
            raise ValueError(
                "NOTICES_PER_RECIPIENT_PER_HOUR is more than NOTICES_PER_RECIPIENT_PER_DAY"
            )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_channels(self) -> NotificationSettings:
        if self.environment != "production":
            return self
        problems = []
        if is_dev_value(self.sms_auth_token.get_secret_value()):
            problems.append("SMS_AUTH_TOKEN is a development token")
        if is_dev_value(self.smtp_password.get_secret_value()):
            problems.append("SMTP_PASSWORD is a development password")
        if self.smtp_security == "none" and self.smtp_host not in {"127.0.0.1", "localhost"}:
            problems.append("SMTP_SECURITY must be starttls or tls off loopback")
        if not self.sms_gateway_url.startswith("https://"):
            problems.append("SMS_GATEWAY_URL must use https")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self
