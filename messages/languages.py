"""The languages citizens are served in: Vietnamese first, English on request."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "vi"
