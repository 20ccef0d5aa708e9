"""The body of a `/decode` request: Temporal's `{"payloads": [...]}`, each payload in protobuf's
JSON form. Anything else is the caller's mistake, answered with a reason (400), never a crash."""

from __future__ import annotations

import json
import re

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

_SHAPE = 'Send {"payloads": [...]}, each payload as {"metadata": {...}, "data": "<base64>"}.'
# A parser's complaint can quote the input back at length; the reason keeps its start.
_REASON_CHARS = 200
# Protobuf's JSON form writes bytes in base64, standard or URL-safe; protobuf's own parser skips
# any other character silently, which would decode something other than what was sent.
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")


class MalformedBody(ValueError):
    """The request body is not a list of payloads."""


def payloads_in(body: bytes) -> list[Payload]:
    try:
        document = json.loads(body)
    except ValueError:
        raise MalformedBody(f"The body is not JSON. {_SHAPE}") from None
    except RecursionError:
        raise MalformedBody(f"The body is nested too deeply. {_SHAPE}") from None
    if not isinstance(document, dict) or set(document) - {"payloads"}:
        raise MalformedBody(_SHAPE)
    items = document.get("payloads", [])
    if not isinstance(items, list):
        raise MalformedBody(_SHAPE)
    return [_payload(index, item) for index, item in enumerate(items)]


def _payload(index: int, item: object) -> Payload:
    if not isinstance(item, dict):
        raise MalformedBody(f"payloads[{index}] is not an object. {_SHAPE}")
    metadata = item.get("metadata")
    texts = [("data", item.get("data"))]
    if isinstance(metadata, dict):
        texts += [(f"metadata[{name!r}]", value) for name, value in metadata.items()]
    for where, text in texts:
        if isinstance(text, str) and not _BASE64.fullmatch(text):
            raise MalformedBody(f"payloads[{index}].{where[:_REASON_CHARS]} is not base64.")
    try:
        return json_format.ParseDict(item, Payload())
    except (json_format.ParseError, RecursionError) as error:
        reason = str(error)[:_REASON_CHARS] or type(error).__name__
        raise MalformedBody(f"payloads[{index}] is not a Temporal payload: {reason}") from None
