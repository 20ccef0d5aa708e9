"""The documents attached to a declaration: how many, and whether each upload is intact."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence

from schemas.common import AttachmentBase, AttachmentUpload
from schemas.rules.findings import Findings, Loc, RuleContext


def attachment_kinds(attachments: Iterable[AttachmentBase]) -> set[str]:
    return {a.kind for a in attachments}


def check_attachment_content(
    found: Findings, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> None:
    """At most the allowed number; each new upload valid base64, within the size limit and
    matching its checksum. Attachments already stored (by reference) were checked on upload."""
    if len(attachments) > ctx.max_attachments:
        found.report(("body", "attachments"), "too_many_attachments", max=ctx.max_attachments)
    for index, attachment in enumerate(attachments):
        if not isinstance(attachment, AttachmentUpload):
            continue
        loc: Loc = ("body", "attachments", index)
        try:
            content = base64.b64decode(attachment.content_base64, validate=True)
        except (binascii.Error, ValueError):
            found.report((*loc, "content_base64"), "content_not_base64")
            continue
        if len(content) > ctx.attachment_max_bytes:
            found.report(
                (*loc, "content_base64"),
                "attachment_too_large",
                max_mb=ctx.attachment_max_bytes // (1024 * 1024),
            )
        if hashlib.sha256(content).hexdigest() != attachment.sha256:
            found.report((*loc, "sha256"), "sha256_mismatch")
