"""Every message the product can say has its words in both languages, and every code the code
uses is in the catalogue."""

from __future__ import annotations

import re

from messages import Message, catalogue_problems, negotiate_language, render
from messages.catalogue import known_codes
from settings import PROJECT_ROOT

# Only the product's folders are walked: var/ holds the files of test runs going on beside this
# one, made and removed while it reads.
PRODUCT_AND_SANDBOX = [
    path
    for top in PROJECT_ROOT.iterdir()
    if top.name not in {".venv", "var", "tests", "devstack"} and not top.name.startswith(".")
    for path in ([top] if top.is_file() else top.rglob("*.py"))
    if path.suffix == ".py"
]
# `Message.of("code", …)`, `Message(code="code", …)` and `message("code", …)` name their code
# as the first literal.
CODE_USE = re.compile(r"""(?:Message\.of\(|Message\(code=|\bmessage\()\s*["']([a-z0-9_.]+)["']""")
# `found.report(loc, "code", …)`: a broken rule's code is its message's.
REPORT_USE = re.compile(r"""\.report\(\s*(?:\([^()]*\)|[\w.]+)\s*,\s*["']([a-z0-9_.]+)["']""")


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    assert catalogue_problems() == []


def test_every_code_the_code_names_is_in_the_catalogue() -> None:
    known = known_codes()
    used = {
        (str(path.relative_to(PROJECT_ROOT)), code)
        for path in PRODUCT_AND_SANDBOX
        for pattern in (CODE_USE, REPORT_USE)
        for code in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "no message codes found in the code"
    assert sorted((path, code) for path, code in used if code not in known) == []


def test_vietnamese_first_english_on_request() -> None:
    message = Message.of("field_required", field="mother.full_name")
    assert render(message) == render(message, "vi") == "Trường mother.full_name là bắt buộc."
    assert render(message, "en") == "The field mother.full_name is required."
    assert negotiate_language(None) == "vi"
    assert negotiate_language("en") == "en"
    assert negotiate_language("en-GB,en;q=0.9") == "en"
    assert negotiate_language("fr-FR, vi;q=0.5, en;q=0.4") == "vi"
    assert negotiate_language("de") == "vi"
