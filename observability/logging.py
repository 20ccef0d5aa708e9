"""One structlog processor chain for every process: JSON lines with the declaration, workflow and
activity bound as context, and personal data masked before anything is written.

Standard-library loggers (Temporal's SDK, uvicorn, workflow.logger) are rendered by the same chain.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from reference_data.family_names import FAMILY_NAMES

# Keys whose values are personal data whatever they look like.
_PERSONAL_KEYS = frozenset(
    {
        "full_name",
        "name",
        "recipient",
        "account_holder",
        "address_line",
        "phone",
        "email",
        "personal_id",
        "passport_number",
        "account_number",
        "social_insurance_number",
        "card_code",
        "child_personal_id",
    }
)
# Identifier-shaped substrings anywhere in a message: card codes, phone numbers, runs of 9-20 digits
# (personal IDs, social-insurance numbers, bank accounts).
_PATTERNS = (
    re.compile(r"\b[A-Z]{2}\d{13}\b"),
    re.compile(r"(?<!\w)\+84\d{9}\b"),
    re.compile(r"(?<![\w-])\d{9,20}(?![\w-])"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
)
MASK = "***"

# Vietnamese full names start with one of a few dozen family names (with or without diacritics),
# followed by capitalised middle and given names: found that way even inside free text.
_FAMILY_NAMES = (
    *FAMILY_NAMES,
    # Spelled without diacritics, as in bank and postal records.
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Hoang",
    "Huynh",
    "Vu",
    "Vo",
    "Dang",
    "Bui",
    "Do",
    "Ho",
    "Ngo",
    "Duong",
    "Ly",
    "Dinh",
    "Truong",
    "Lam",
    "Trinh",
    "Doan",
    "Luong",
    "Ta",
    "Dao",
    "Luu",
    "Vuong",
    "Phung",
    "Thai",
    "Tang",
    "Lai",
)
_NAME = re.compile(
    r"\b(?:" + "|".join(sorted(_FAMILY_NAMES, key=len, reverse=True)) + r")(?:\s+[^\W\d_]+){1,4}"
)


def _mask_name(match: re.Match[str]) -> str:
    words = match.group(0).split()
    capitalised = 1
    while capitalised < len(words) and words[capitalised][0].isupper():
        capitalised += 1
    if capitalised < 2:
        return match.group(0)
    rest = match.group(0).split(None, capitalised)
    return MASK + (" " + rest[capitalised] if len(rest) > capitalised else "")


def mask_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return _NAME.sub(_mask_name, text)


def _mask_value(key: str, value: Any) -> Any:
    if key in _PERSONAL_KEYS and value is not None:
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, MutableMapping):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(key, v) for v in value]
    return value


def mask_personal_data(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Runs last before rendering, after exceptions have been formatted into text."""
    return {key: _mask_value(key, value) for key, value in event_dict.items()}


def _lift_temporal_context(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Temporal's workflow and activity loggers attach their context as an `extra` dict."""
    record = event_dict.get("_record")
    if record is None:
        return event_dict
    workflow_info = getattr(record, "temporal_workflow", None)
    if isinstance(workflow_info, dict):
        event_dict.setdefault("workflow_id", workflow_info.get("workflow_id"))
        event_dict.setdefault("workflow_type", workflow_info.get("workflow_type"))
        event_dict.setdefault("run_id", workflow_info.get("run_id"))
    activity_info = getattr(record, "temporal_activity", None)
    if isinstance(activity_info, dict):
        event_dict.setdefault("workflow_id", activity_info.get("workflow_id"))
        event_dict.setdefault("activity_type", activity_info.get("activity_type"))
        event_dict.setdefault("activity_attempt", activity_info.get("attempt"))
    # The SDK appends its context dict to the message text; the fields above carry it instead.
    event = event_dict.get("event")
    if isinstance(event, str) and " ({" in event:
        event_dict["event"] = event.split(" ({", 1)[0]
    return event_dict


_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def json_formatter() -> logging.Formatter:
    """Renders any log record, from structlog or the standard library, as one masked JSON line."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, _lift_temporal_context, structlog.processors.format_exc_info],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            mask_personal_data,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


def configure_logging(service: str, level: str = "INFO", stream: Any = None) -> None:
    """Call once per process, before the first log line."""
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(json_formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # fontTools' subsetter reports every table of every document at INFO, glyph names
    # included: the letters of a family's names, and most of a case worker's log lines.
    for noisy in ("httpx", "httpcore", "uvicorn.access", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def bind_boundary_context(**values: Any) -> None:
    """Start a task or request with a clean context: clear what the last one bound, keep the
    service name."""
    service = structlog.contextvars.get_contextvars().get("service")
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service, **values)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
