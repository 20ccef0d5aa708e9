"""Errors as the contract shapes them: `{"detail": [{"loc", "msg", "type"}]}`, each message a
sentence a citizen can act on, in the language they asked for, and never a 500 for bad input.

Pydantic's own errors keep their `loc` and `type`; only their words come from the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from messages import DEFAULT_LANGUAGE, Language, Message, negotiate_language
from messages.catalogue import known_codes
from schemas.rules.findings import Loc, RuleViolation

# The words for pydantic's own error types; types our validators raise name their own entry.
_INPUT_MESSAGES: dict[str, Message] = {
    "extra_forbidden": Message.of("input.extra_forbidden"),
    "json_invalid": Message.of("input.json_invalid"),
    "json_type": Message.of("input.json_type"),
    "model_type": Message.of("input.object_expected"),
    "model_attributes_type": Message.of("input.object_expected"),
    "dict_type": Message.of("input.object_expected"),
    "list_type": Message.of("input.list_expected"),
    "string_type": Message.of("input.text_expected"),
    "bool_type": Message.of("input.bool_expected"),
    "bool_parsing": Message.of("input.bool_expected"),
    "int_type": Message.of("input.integer_expected"),
    "int_parsing": Message.of("input.integer_expected"),
    "int_from_float": Message.of("input.integer_expected"),
    "float_type": Message.of("input.number_expected"),
    "float_parsing": Message.of("input.number_expected"),
    "date_type": Message.of("input.date_expected"),
    "date_parsing": Message.of("input.date_expected"),
    "date_from_datetime_parsing": Message.of("input.date_expected"),
    "date_from_datetime_inexact": Message.of("input.date_without_time"),
    "string_pattern_mismatch": Message.of("input.pattern_mismatch"),
}
# Custom errors raised as `value_error` name their message in their context.
MESSAGE_CODE = "message_code"


def _field(loc: Loc) -> str:
    """A field as the citizen's form names it: its path without the `body` it came in."""
    parts = loc[1:] if loc[:1] == ("body",) else loc
    return ".".join(str(part) for part in parts) or "body"


def input_message(error: Mapping[str, Any]) -> Message:
    """The words for one of pydantic's errors, by its `type` and context."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return Message.of("field_required", field=_field(tuple(error.get("loc", ()))))
    if kind in ("literal_error", "enum"):
        # Pydantic lists the choices with an English "or": the choices themselves are codes.
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return Message.of("input.choose_one_of", expected=expected)
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        bound = "min_length" if kind.endswith("short") else "max_length"
        return Message(code=f"input.{kind}", params={bound: int(ctx.get(bound, 0))})
    if kind in ("greater_than_equal", "greater_than"):
        return Message.of("input.number_too_small", limit=str(ctx.get("ge", ctx.get("gt", ""))))
    if kind in ("less_than_equal", "less_than"):
        return Message.of("input.number_too_large", limit=str(ctx.get("le", ctx.get("lt", ""))))
    if kind == "value_error":
        code = ctx.get(MESSAGE_CODE)
        if isinstance(code, str) and code in known_codes():
            return Message(code=code)
        if "email" in str(error.get("msg", "")):
            return Message.of("input.email_invalid")
        return Message.of("input.invalid")
    if kind in _INPUT_MESSAGES:
        return _INPUT_MESSAGES[kind]
    if kind in known_codes():
        return _own_message(kind, ctx)
    return Message.of("input.invalid")


def _own_message(kind: str, ctx: Mapping[str, Any]) -> Message:
    """A type our own validators raise (`personal_id_format`, …) is its own message code, unless
    its context names a more precise one (`name_invalid_character.digit`); the context's numbers
    and words (a character's position, never the value typed) fill the message's placeholders."""
    code = ctx.get(MESSAGE_CODE)
    params: dict[str, str | int | float | Message] = {
        name: value
        for name, value in ctx.items()
        if name != MESSAGE_CODE
        and isinstance(value, str | int | float)
        and not isinstance(value, bool)
    }
    return Message(
        code=code if isinstance(code, str) and code in known_codes() else kind, params=params
    )


def input_violations(errors: Iterable[Mapping[str, Any]]) -> list[RuleViolation]:
    return [
        RuleViolation(
            loc=tuple(error.get("loc", ())),
            type=str(error.get("type", "")),
            message=input_message(error),
        )
        for error in errors
    ]


def contract_errors(
    errors: Iterable[Mapping[str, Any]], language: Language = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    return problems(input_violations(errors), language)


def problems(violations: Sequence[RuleViolation], language: Language) -> list[dict[str, Any]]:
    return [{"loc": list(v.loc), "msg": v.text(language), "type": v.type} for v in violations]


def violations_response(
    violations: Sequence[RuleViolation], language: Language = DEFAULT_LANGUAGE
) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={"detail": problems(violations, language)},
        headers={"Content-Language": language},
    )


class DeclarationBreaksRules(Exception):
    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(f"{len(violations)} rule violations")
        self.violations = violations


def request_language(request: Request) -> Language:
    return negotiate_language(request.headers.get("accept-language"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # The submitted values are not echoed back: they are personal data.
        return violations_response(input_violations(error.errors()), request_language(request))

    @app.exception_handler(DeclarationBreaksRules)
    async def _breaks_rules(request: Request, error: DeclarationBreaksRules) -> JSONResponse:
        return violations_response(error.violations, request_language(request))
