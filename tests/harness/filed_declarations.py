"""Declaration bodies as the portal turns them into what workflows carry, without a server: the
submission validated and its uploads replaced by references (as if stored)."""

from __future__ import annotations

import copy
from typing import Any

from portal_api.filings import BIRTH_FILING, DEATH_FILING
from schemas.birth import BirthDeclaration, BirthDeclarationSubmission
from schemas.common import AttachmentRef
from schemas.death import DeathDeclaration, DeathDeclarationSubmission

Body = dict[str, Any]


def _refs(body: Body) -> list[AttachmentRef]:
    return [
        AttachmentRef(
            kind=a["kind"],
            filename=a["filename"],
            media_type=a["media_type"],
            sha256=a["sha256"],
            size_bytes=1,
        )
        for a in body["attachments"]
    ]


def birth(body: Body) -> BirthDeclaration:
    submission = BirthDeclarationSubmission.model_validate(body)
    return BIRTH_FILING.declaration(submission, _refs(body))


def death(body: Body) -> DeathDeclaration:
    submission = DeathDeclarationSubmission.model_validate(body)
    return DEATH_FILING.declaration(submission, _refs(body))


def with_child(body: Body, **child: Any) -> Body:
    """The same body, the child's fields changed."""
    changed = copy.deepcopy(body)
    changed["child"].update(child)
    return changed
