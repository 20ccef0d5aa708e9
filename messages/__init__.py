"""What the product says to citizens and families, in Vietnamese first and in English on request.

A `Message` is language-free: a stable code and its parameters. It travels through workflows,
histories and the store as such, and is put into words only where someone reads it, in the
language they asked for, from the message catalogue (gettext `.po` files under `locales/`, one
per domain, read with Babel). Figures in a text (amounts, numbers, dates) are written in each
language's conventions by `messages.formats`.
"""

from messages.catalogue import (
    Message,
    Text,
    catalogue_problems,
    in_language,
    in_words,
    listing,
    negotiate_language,
    render,
    sentences,
)
from messages.durations import duration
from messages.languages import DEFAULT_LANGUAGE, LANGUAGES, Language

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Language",
    "Message",
    "Text",
    "catalogue_problems",
    "duration",
    "in_language",
    "in_words",
    "listing",
    "negotiate_language",
    "render",
    "sentences",
]
