"""The SMTP relay e-mail leaves through, as its operator configures it: plain on loopback, or
STARTTLS or implicit TLS, always with a login."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal


class MailRelayUnavailable(Exception):
    """The relay could not be reached, failed for now, or refused our login: tried again later."""


class MailRefused(Exception):
    """The relay refused this message for good (its recipient, its content)."""


@dataclass(frozen=True)
class MailRelay:
    host: str
    port: int
    username: str
    password: str
    security: Literal["none", "starttls", "tls"]
    timeout: float

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise MailRefused(f"recipient refused ({codes})") from error
            raise MailRelayUnavailable(f"recipient deferred ({codes})") from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            if error.smtp_code >= 500:
                raise MailRefused(f"refused ({error.smtp_code})") from error
            raise MailRelayUnavailable(f"deferred ({error.smtp_code})") from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailRelayUnavailable(f"relay failed: {type(error).__name__}") from error
