"""A JSON body's shape, checked as it streams in: how deep it nests and how many tokens it holds.

Parsing is where a small body turns into a large, deep structure: `[[[[…` recurses once per
level, and `[{},{},…]` costs some sixty bytes of Python objects for every two bytes sent. A
declaration nests a few levels and holds a few thousand tokens at most, so far tighter bounds
than any parser's let the body be refused before it is parsed, for the price of a scan that
skips over the content of strings (base64 attachments) at the regex engine's speed."""

from __future__ import annotations

import re
from enum import Enum

# A declaration nests five levels deep (a supplement's `changes` one more); a birth with ten
# attachments holds about two thousand tokens.
MAX_DEPTH = 32
MAX_TOKENS = 100_000

_STRUCTURE = re.compile(rb'[][{}",:]')
_IN_STRING = re.compile(rb'["\\]')
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")


class ShapeProblem(Enum):
    TOO_DEEP = "json_too_deep"
    TOO_MANY_TOKENS = "json_too_complex"


class JsonShapeGuard:
    """Fed the body chunk by chunk; reports the first problem. It does not validate JSON (the
    parser does, on a body this guard has bounded), it only counts."""

    def __init__(self, max_depth: int = MAX_DEPTH, max_tokens: int = MAX_TOKENS) -> None:
        self.max_depth = max_depth
        self.max_tokens = max_tokens
        self.depth = 0
        self.tokens = 0
        self._in_string = False
        # A backslash ended the previous chunk: the next byte is escaped.
        self._escaped = False

    def feed(self, chunk: bytes) -> ShapeProblem | None:
        pos = 0
        if self._escaped and chunk:
            self._escaped = False
            pos = 1
        while True:
            found = (_IN_STRING if self._in_string else _STRUCTURE).search(chunk, pos)
            if found is None:
                return None
            at = found.start()
            char = chunk[at]
            pos = at + 1
            # Escapes count too: a string of nothing but escapes is as slow to scan as tokens.
            self.tokens += 1
            if self.tokens > self.max_tokens:
                return ShapeProblem.TOO_MANY_TOKENS
            if self._in_string:
                if char == _BACKSLASH:
                    if pos < len(chunk):
                        pos += 1
                    else:
                        self._escaped = True
                else:
                    self._in_string = False
            elif char == _QUOTE:
                self._in_string = True
            elif char in _OPEN:
                self.depth += 1
                if self.depth > self.max_depth:
                    return ShapeProblem.TOO_DEEP
            elif char in _CLOSE:
                self.depth = max(self.depth - 1, 0)
