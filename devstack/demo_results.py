"""Where the demo's results reached the families: a signed document saved from the portal and
checked by its verify route, the SMS gateway's outbox and the mail server's mailbox. A service
that does not answer raises `httpx.HTTPError`, which the demo reports as a failed step."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from devstack.stack_layout import StackLayout, StackPorts
from sandbox.mail_server.mailbox_reader import read_mailbox
from security.dev_credentials import DEV_SMS_ACCOUNT_SID, dev_sms_auth_token


def save_signed_document(api: httpx.Client, declaration_id: str, into: Path) -> Path | None:
    """The declaration's first signed document, saved to `into`, once the portal verified it."""
    listed = api.get(f"/v1/declarations/{declaration_id}/documents")
    if listed.status_code != 200 or not listed.json():
        return None
    document = listed.json()[0]
    pdf = api.get(document["url"]).raise_for_status().content
    verdict = (
        api.post("/v1/documents/verify", content=pdf, headers={"Content-Type": "application/pdf"})
        .raise_for_status()
        .json()
    )
    into.mkdir(parents=True, exist_ok=True)
    path = into / f"{declaration_id}-{document['kind']}.pdf"
    path.write_bytes(pdf)
    print(
        f"  Signed document:   {path}\n"
        f"      issued by {verdict['issuer']}, valid: {verdict['valid']}; anyone can check it:\n"
        f"      curl -s -X POST -H 'Content-Type: application/pdf' --data-binary @{path} "
        f"{api.base_url.join('/v1/documents/verify')}"
    )
    return path


def _outbox_url(ports: StackPorts) -> str:
    return f"{ports.sms_gateway_url}/2010-04-01/Accounts/{DEV_SMS_ACCOUNT_SID}/Messages.json"


def sms_outbox_count(ports: StackPorts) -> int:
    with httpx.Client(auth=(DEV_SMS_ACCOUNT_SID, dev_sms_auth_token()), timeout=5) as http:
        return len(http.get(_outbox_url(ports)).raise_for_status().json()["messages"])


def print_notices(ports: StackPorts, layout: StackLayout, settle_seconds: float = 5.0) -> None:
    """The SMS outbox and the mailbox, once the last notices had a moment to arrive."""
    time.sleep(settle_seconds)
    url = _outbox_url(ports)
    print(f"  SMS outbox:        {sms_outbox_count(ports)} messages so far")
    print(f"      curl -s -u {DEV_SMS_ACCOUNT_SID}:{dev_sms_auth_token()} {url}")
    mail = len(read_mailbox(layout.mailbox_dir))
    print(f"  Mailbox (Maildir): {layout.mailbox_dir}/new, {mail} e-mails so far")
    print(f"      e.g. mutt -f {layout.mailbox_dir}, or open a file in new/ in any mail reader")
