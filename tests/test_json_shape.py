"""The streaming JSON shape guard counts nesting as a parser would, whatever the chunking and
whatever strings (quotes, brackets, escapes) it meets."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from portal_api.json_shape import JsonShapeGuard, ShapeProblem

_TEXT = st.text(alphabet=st.sampled_from('ab"\\[]{},:é😀\n'), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(
    value=_JSON,
    max_depth=st.integers(1, 6),
    chunk=st.integers(1, 9),
    ascii_only=st.booleans(),
)
def test_depth_is_counted_across_chunks(
    value: Any, max_depth: int, chunk: int, ascii_only: bool
) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    guard = JsonShapeGuard(max_depth=max_depth)
    problems = {guard.feed(body[at : at + chunk]) for at in range(0, len(body), chunk)}
    if _depth(value) > max_depth:
        assert ShapeProblem.TOO_DEEP in problems
    else:
        assert problems <= {None}
        assert guard.depth == 0


def test_a_body_of_tokens_is_refused() -> None:
    guard = JsonShapeGuard(max_tokens=1000)
    assert guard.feed(b"[" + b"0," * 1000 + b"0]") is ShapeProblem.TOO_MANY_TOKENS


def test_base64_content_costs_no_tokens() -> None:
    guard = JsonShapeGuard(max_tokens=20)
    body = b'{"content_base64": "' + b"QUJD" * 1_000_000 + b'"}'
    assert guard.feed(body) is None
    assert guard.tokens == 7
