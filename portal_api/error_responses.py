"""The error bodies the routes answer with, as the OpenAPI schema documents them.

Nothing here shapes a response: the bodies come from `HTTPException` (a sentence under `detail`),
the error handlers of `portal_api.errors` and the body limit (a list of problems under `detail`).
These models only describe them to the portal's developers.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Refusal(BaseModel):
    """A request refused as a whole."""

    detail: str = Field(
        description="Why, in a sentence.",
        examples=["This credential does not allow declarations:submit."],
    )


class Conflict(BaseModel):
    """A submission refused for what came before it."""

    detail: str = Field(
        description="Why, in a sentence (in the language of `Accept-Language` for a duplicate).",
        examples=["Hồ sơ này khai lại sự kiện hộ tịch đã được khai trong hồ sơ …"],
    )
    type: str | None = Field(
        default=None,
        description="`duplicate_declaration` when the birth or death is already declared; "
        "absent when the idempotency key was used for another declaration.",
        examples=["duplicate_declaration"],
    )
    declaration_id: str | None = Field(
        default=None,
        description="The declaration that already stands for the same birth or death.",
        examples=["LT-20261120-3F9A1C7B2E"],
    )


class Problem(BaseModel):
    loc: list[str | int] = Field(
        description="Where the problem is: `body`, then the path of the field within it.",
        examples=[["body", "mother", "personal_id"]],
    )
    msg: str = Field(
        description="What to correct, a sentence a citizen can act on, in the language of "
        "`Accept-Language`.",
        examples=["Số định danh cá nhân gồm đúng 12 chữ số."],
    )
    type: str = Field(
        description="The problem's stable, language-free code.", examples=["personal_id_format"]
    )


class Problems(BaseModel):
    """A request refused for what it holds: one entry per problem."""

    detail: list[Problem]


Responses = dict[int | str, dict[str, Any]]

UNAUTHENTICATED: Responses = {
    401: {
        "model": Refusal,
        "description": "No bearer token, or one that is invalid or expired; answered before "
        "the body is read, and nothing changes.",
    }
}
FORBIDDEN: Responses = {
    403: {
        "model": Refusal,
        "description": "The credential does not allow this, or not on this declaration; "
        "nothing changes.",
    }
}
TOO_LARGE: Responses = {
    413: {
        "model": Problems,
        "description": "The body is larger than this route accepts (`type` "
        "`request_too_large`); refused as it streams in.",
    }
}
UNPROCESSABLE: Responses = {
    422: {
        "model": Problems,
        "description": "The declaration breaks a rule, or the body is not one (malformed, "
        "nested too deep); each problem is listed.",
    }
}
# Every route behind a bearer token.
GUARDED: Responses = {**UNAUTHENTICATED, **FORBIDDEN}
