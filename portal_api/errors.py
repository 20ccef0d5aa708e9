"""Errors as the contract shapes them: `{"detail": [{"loc", "msg", "type"}]}`, each message a
sentence a citizen can act on, and never a 500 for bad input."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from schemas.rules.findings import RuleViolation

# Plain sentences for pydantic's own error types; our custom types carry their own message.
_MESSAGES: dict[str, str] = {
    "missing": "This field is required.",
    "extra_forbidden": (
        "This field is not part of the declaration; remove it or check its spelling."
    ),
    "json_invalid": "The request body is not valid JSON.",
    "json_type": "The request body must be a JSON object.",
    "model_type": "This must be an object with the documented fields.",
    "model_attributes_type": "This must be an object with the documented fields.",
    "dict_type": "This must be an object with the documented fields.",
    "list_type": "This must be a list.",
    "string_type": "This must be text.",
    "bool_type": "This must be true or false.",
    "int_type": "This must be a whole number.",
    "int_parsing": "This must be a whole number.",
    "date_type": "Enter a date as YYYY-MM-DD.",
    "date_parsing": "Enter a date as YYYY-MM-DD.",
    "date_from_datetime_parsing": "Enter a date as YYYY-MM-DD.",
    "date_from_datetime_inexact": "Enter a date as YYYY-MM-DD, without a time.",
    "string_too_short": "This field cannot be empty.",
    "string_too_long": "This text is too long.",
    "too_short": "This list needs more entries.",
    "too_long": "This list has too many entries.",
    "value_error.email": "Enter a valid email address.",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "literal_error":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"Choose one of: {expected}."
    if kind == "enum":
        expected = (error.get("ctx") or {}).get("expected", "")
        return f"Choose one of: {expected}."
    if kind == "string_pattern_mismatch":
        return "This value is not in the expected format."
    if kind == "value_error":
        message = str(error.get("msg", ""))
        if "email" in message:
            return "Enter a valid email address."
        return message.removeprefix("Value error, ")
    return _MESSAGES.get(kind, str(error.get("msg", "This value is not valid.")))


def contract_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"loc": list(error.get("loc", ())), "msg": _message(error), "type": error.get("type", "")}
        for error in errors
    ]


def violations_response(violations: Sequence[RuleViolation]) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={
            "detail": [{"loc": list(v.loc), "msg": v.msg, "type": v.type} for v in violations]
        },
    )


class DeclarationBreaksRules(Exception):
    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__(f"{len(violations)} rule violations")
        self.violations = violations


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        # The submitted values are not echoed back: they are personal data.
        return JSONResponse(status_code=422, content={"detail": contract_errors(error.errors())})

    @app.exception_handler(DeclarationBreaksRules)
    async def _breaks_rules(_: Request, error: DeclarationBreaksRules) -> JSONResponse:
        return violations_response(error.violations)
