"""How many SMS a text is billed and sent as (3GPP TS 23.038). A text of the GSM 7-bit alphabet
takes 160 characters in one message, or 153 in each part of a concatenated one (the rest holds
the header that joins them); one character outside it, any Vietnamese letter with a diacritic
outside the few Western European ones GSM has, sends the whole text in UCS-2: 70 characters in
one message, or 67 in each part."""

from __future__ import annotations

from collections.abc import Sequence

# The GSM 7-bit default alphabet (its escape character left out: it only introduces the
# extension table), and the extension table, whose characters take two septets each.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def count_segments(text: str) -> int:
    """The number of messages `text` is sent as."""
    if is_gsm7(text):
        septets = [2 if c in GSM7_EXTENSION else 1 for c in text]
        return _parts(septets, GSM7_SINGLE, GSM7_PART)
    # UTF-16 code units: a character beyond the Basic Multilingual Plane (an emoji) takes two.
    units = [len(c.encode("utf-16-le")) // 2 for c in text]
    return _parts(units, UCS2_SINGLE, UCS2_PART)


def _parts(sizes: Sequence[int], single: int, per_part: int) -> int:
    if sum(sizes) <= single:
        return 1
    # Filled in order, as a phone joins them: an escaped character or a surrogate pair is never
    # split across two parts, so a part may end a unit short.
    parts, used = 1, 0
    for size in sizes:
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts
