"""One name, several spellings: "Thuỷ" and "Thủy", "Hoà" and "Hòa" (new- and old-style tone
placement), either Unicode form, any case or spacing, are one name wherever names are compared;
the name kept is the one the citizen wrote."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from adapters.police.registry import RegistryPerson, registry_mismatches
from agency_contracts.decisions import IdentityClaim
from sandbox.casebook.database import open_agency_database
from sandbox.casebook.decisions import Approved, CaseAtHand, Rejected
from sandbox.dataset import Dataset, load_dataset
from sandbox.justice.births import decide_birth
from sandbox.justice.requests import AttachmentIn, BirthRegistrationIn, ParentIn
from sandbox.justice.tables import JUSTICE_TABLES
from sandbox.settings import DEFAULT_DATASET_DIR
from schemas.names import TONE_MARKS, name_key, new_style_tones, same_name


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- the canonical tone placement -----------------------------------------------------------

# A syllable ending in oa, oe or uy with nothing after it: the old style puts its tone on the
# first vowel, the new style on the second.
ONSETS = ["", "h", "kh", "th", "t", "l", "x", "ng", "s", "q", "Th", "H", "KH"]
NUCLEI = [("o", "a"), ("o", "e"), ("u", "y"), ("O", "A"), ("O", "e"), ("U", "Y")]
tones = st.sampled_from(TONE_MARKS)


@st.composite
def old_and_new(draw: st.DrawFn) -> tuple[str, str]:
    """A syllable in the old style and the same syllable in the new, decomposed."""
    onset, tone = draw(st.sampled_from(ONSETS)), draw(tones)
    first, second = draw(st.sampled_from(NUCLEI))
    return onset + first + tone + second, onset + first + second + tone


# Syllables whose tone sits where both styles put it.
OTHER_SYLLABLES = [
    "Nguyễn", "Thị", "Hoàng", "Toán", "Quỳnh", "Khuyến", "Xoáy", "Hoài", "Khuya", "Khuỷu",
    "Thuỷ", "Hoà", "Hoa", "Thuy", "Tuấn", "Ƀlŭl", "Ơ̆t", "H'Hen", "Niê",
]  # fmt: skip
names_made_of_syllables = st.lists(
    st.one_of(old_and_new().map(lambda pair: pair[0]), st.sampled_from(OTHER_SYLLABLES)),
    min_size=1,
    max_size=5,
).map(" ".join)


@given(old_and_new())
def test_each_old_style_spelling_maps_to_the_new_one(pair: tuple[str, str]) -> None:
    old, new = pair
    assert old != new
    assert new_style_tones(old) == nfc(new)
    assert new_style_tones(new) == nfc(new)


@given(st.lists(old_and_new(), min_size=1, max_size=4), st.sampled_from([" ", "-"]))
def test_every_syllable_of_a_name_is_placed(pairs: list[tuple[str, str]], separator: str) -> None:
    old = separator.join(o for o, _ in pairs)
    new = separator.join(n for _, n in pairs)
    assert new_style_tones(old) == nfc(new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Thủy", "Thuỷ"),
        ("Hòa", "Hoà"),
        ("khỏe", "khoẻ"),
        ("THỦY", "THUỶ"),
        ("Lê Thị Hòa", "Lê Thị Hoà"),
    ],
)
def test_the_domains_examples(old: str, new: str) -> None:
    assert new_style_tones(old) == new


@pytest.mark.parametrize("syllable", OTHER_SYLLABLES)
def test_other_syllables_are_left_as_written(syllable: str) -> None:
    assert new_style_tones(syllable) == nfc(syllable)
    assert new_style_tones(nfd(syllable)) == nfc(syllable)


@given(st.text())
def test_placing_the_tones_twice_changes_nothing(text: str) -> None:
    once = new_style_tones(text)
    assert new_style_tones(once) == once


@given(names_made_of_syllables)
def test_placing_the_tones_of_a_name_twice_changes_nothing(name: str) -> None:
    once = new_style_tones(name)
    assert new_style_tones(once) == once


@given(st.one_of(st.text(), names_made_of_syllables))
def test_the_unicode_form_does_not_matter(text: str) -> None:
    assert new_style_tones(nfd(text)) == new_style_tones(nfc(text)) == new_style_tones(text)
    assert name_key(nfd(text)) == name_key(nfc(text))


@given(names_made_of_syllables)
def test_only_tones_move(name: str) -> None:
    # The same letters, the same marks, the same length: a tone is moved, never added or lost.
    placed = nfd(new_style_tones(name))
    assert sorted(placed) == sorted(nfd(name))


# --- comparing names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Trần Thị Thủy", "Trần Thị Thuỷ"),
        ("Lê Hòa", "Lê Hoà"),
        ("NGUYỄN THỊ THỦY", "Nguyễn  Thị Thuỷ"),
        ("Nguyễn Thị Ánh Tuyết", nfd("Nguyễn Thị Ánh Tuyết")),
        ("H'Hen Niê", "H\u2019Hen Niê"),
    ],
)
def test_spellings_of_one_name_are_the_same_name(a: str, b: str) -> None:
    assert same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Trần Thị Thủy", "Trần Thị Thùy"),  # another tone is another name
        ("Lê Hòa", "Lê Hoa"),
        ("Lê Hòa", "Lê Hoàng"),
        ("Nguyễn Văn An", "Nguyễn Vаn An"),  # a Cyrillic а
    ],
)
def test_other_names_stay_other(a: str, b: str) -> None:
    assert not same_name(a, b)


def test_the_registry_recognises_a_name_in_the_other_style() -> None:
    registry_entry = RegistryPerson(
        personal_id="001190012345", full_name="Trần Thị Thủy", date_of_birth=date(1990, 3, 15)
    )
    declared = IdentityClaim(
        field="mother",
        personal_id="001190012345",
        full_name="Trần Thị Thuỷ",
        date_of_birth=date(1990, 3, 15),
    )
    assert registry_mismatches(declared, registry_entry) == []
    other = declared.model_copy(update={"full_name": "Trần Thị Thùy"})
    assert registry_mismatches(other, registry_entry) == ["full_name"]


# --- the justice office's repeat registration -----------------------------------------------


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_DATASET_DIR)


def _birth(dataset: Dataset, child_name: str, declaration_id: str) -> BirthRegistrationIn:
    mother = next(p for p in dataset.people if p.sex == "female" and p.date_of_birth.year > 1985)
    return BirthRegistrationIn(
        declaration_id=declaration_id,
        child_full_name=child_name,
        child_sex="female",
        child_date_of_birth=date(2026, 11, 18),
        birth_commune_code=mother.residence.commune_code,
        birth_facility_name="Bệnh viện Phụ sản",
        ethnicity="Kinh",
        nationality="VN",
        mother=ParentIn(
            personal_id=mother.personal_id,
            full_name=mother.full_name,
            date_of_birth=mother.date_of_birth,
        ),
        declarant_personal_id=mother.personal_id,
        declarant_relationship="mother",
        birth_certificate_number="GCS-2026-000001",
        attachments=[AttachmentIn(kind="birth_certificate", sha256="0" * 64)],
    )


def test_one_child_in_the_other_tone_style_is_registered_once(
    tmp_path: Path, dataset: Dataset
) -> None:
    engine = open_agency_database("justice", tmp_path, JUSTICE_TABLES)

    def decide(child_name: str, case_number: str) -> Approved | Rejected:
        with Session(engine) as session:
            decision = decide_birth(
                CaseAtHand(session, case_number, dataset, True),
                _birth(dataset, child_name, case_number),
            )
            session.commit()
        assert isinstance(decision, Approved | Rejected), decision
        return decision

    first = decide("Lê Thị Thủy", "KS-1")
    assert isinstance(first, Approved)
    for spelling in ("Lê Thị Thuỷ", nfd("Lê Thị Thuỷ"), "LÊ THỊ THỦY"):
        again = decide(spelling, f"KS-{spelling}")
        assert isinstance(again, Rejected), spelling
        assert again.code == "birth_already_registered"
        assert first.record["civil_status_record_number"] in again.reason
    # Another name for her child born that day is still the same child: its name is no part of
    # what tells a child apart, and a twin is told apart by its birth order.
    assert isinstance(decide("Lê Thị Thùy", "KS-2"), Rejected)
