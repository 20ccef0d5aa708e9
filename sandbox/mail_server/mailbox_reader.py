"""Reading what the mail server delivered: the messages in its Maildir and its transactions."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any


def read_mailbox(maildir: Path) -> list[EmailMessage]:
    """Every message in the Maildir, oldest delivery first (none if nothing was delivered)."""
    if not maildir.exists():
        return []
    box = mailbox.Maildir(maildir, factory=None, create=False)
    # A Maildir message's date is its file's: when it was delivered.
    keys = sorted(box.iterkeys(), key=lambda key: (box.get_message(key).get_date(), key))
    parser = BytesParser(_class=EmailMessage, policy=default)
    return [parser.parsebytes(box.get_bytes(key)) for key in keys]


def read_transactions(path: Path) -> list[dict[str, Any]]:
    """The mail server's transactions, one dict per message it accepted, oldest first."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
