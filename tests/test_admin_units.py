"""Viet Nam's administrative units as the product holds them: every official province and commune
(from `vietnam-provinces`), and a declaration placed in any of them passes intake."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vietnam_provinces import Province as PackageProvince
from vietnam_provinces import Ward as PackageCommune
from vietnam_provinces import WardCode

from devstack.declaration_factory import DeclarationFactory
from portal_api.filings import BIRTH_FILING, DEATH_FILING
from portal_api.intake import intake_rule_context
from reference_data.admin_units import official_admin_units
from sandbox.settings import DEFAULT_DATASET_DIR
from schemas.birth import BirthDeclarationSubmission
from schemas.death import DeathDeclarationSubmission
from schemas.rules.findings import RuleContext
from settings import Settings

UNITS = official_admin_units()
OFFICIAL_COMMUNES = sorted(UNITS.communes)


def test_the_catalogue_holds_the_34_provinces_and_3321_communes_in_force() -> None:
    assert len(UNITS.provinces) == 34
    assert len(UNITS.communes) == 3321
    # All of them, as the package publishes them.
    assert len(list(PackageProvince.iter_all())) == 34
    assert len(list(PackageCommune.iter_all())) == 3321
    assert all(len(code) == 2 and code.isdigit() for code in UNITS.provinces)
    assert all(len(code) == 5 and code.isdigit() for code in UNITS.communes)
    assert {c.province_code for c in UNITS.communes.values()} == set(UNITS.provinces)


@pytest.mark.parametrize(
    ("code", "name", "province"),
    [
        ("00004", "Phường Ba Đình", "01"),
        ("00070", "Phường Hoàn Kiếm", "01"),
        ("11948", "Đặc khu Bạch Long Vĩ", "31"),
        ("20242", "Phường Hải Châu", "48"),
        ("26740", "Phường Sài Gòn", "79"),
        ("26732", "Đặc khu Côn Đảo", "79"),
        ("31078", "Đặc khu Phú Quốc", "91"),
        ("32248", "Xã Đất Mũi", "96"),
    ],
)
def test_official_communes_have_their_official_code_name_and_province(
    code: str, name: str, province: str
) -> None:
    commune = UNITS.commune(code)
    assert (commune.name, commune.province_code) == (name, province)


def test_provinces_carry_their_official_names() -> None:
    names = {code: p.name for code, p in UNITS.provinces.items()}
    assert names["01"] == "Thành phố Hà Nội"
    assert names["79"] == "Thành phố Hồ Chí Minh"
    assert names["46"] == "Thành phố Huế"
    assert names["66"] == "Đắk Lắk"
    assert names["96"] == "Cà Mau"


def test_a_place_is_written_by_its_commune_and_province() -> None:
    assert UNITS.place_name("00004") == "Phường Ba Đình, Thành phố Hà Nội"
    assert UNITS.place_name("31078") == "Đặc khu Phú Quốc, An Giang"


def test_names_are_single_spaced_though_a_few_are_published_with_a_doubled_space() -> None:
    published = PackageCommune.from_code(WardCode.W_24133).name
    assert published.split() == ["Phường", "Buôn", "Ma", "Thuột"]
    assert UNITS.commune("24133").name == "Phường Buôn Ma Thuột"
    assert not any("  " in c.name or c.name != c.name.strip() for c in UNITS.communes.values())


def test_personal_ids_open_with_the_63_former_province_codes() -> None:
    codes = UNITS.birth_province_codes
    assert len(codes) == 63
    assert {"001", "079", "096"} <= codes
    assert all(len(c) == 3 and c.isdigit() for c in codes)


# Families from the default dataset, placed anywhere in the country.
FACTORY = DeclarationFactory.from_directory(DEFAULT_DATASET_DIR, seed=11)
COUPLE = next(FACTORY.couples())
DECEASED = next(FACTORY.insured_people(lambda record: record.status == "pensioner"))


SETTINGS = Settings()


def _intake_context() -> RuleContext:
    """The context the portal checks a declaration against, as it arrives now."""
    return intake_rule_context(SETTINGS, official_admin_units(), datetime.now(UTC))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    born_in=st.sampled_from(OFFICIAL_COMMUNES),
    living_in=st.sampled_from(OFFICIAL_COMMUNES),
    posted_to=st.sampled_from(OFFICIAL_COMMUNES),
)
def test_a_birth_can_be_filed_in_any_official_commune(
    born_in: str, living_in: str, posted_to: str
) -> None:
    body = FACTORY.birth(COUPLE, delivery="post")
    body["child"]["place_of_birth"]["commune_code"] = born_in
    body["residence"]["commune_code"] = living_in
    body["delivery"]["postal_address"]["commune_code"] = posted_to
    submission = BirthDeclarationSubmission.model_validate(body)
    assert BIRTH_FILING.violations(submission, _intake_context()) == []
    # It is filed in the commune of the residence (its search attribute, its province's).
    declaration = BIRTH_FILING.declaration(submission, [])
    assert BIRTH_FILING.commune_code(declaration) == living_in


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(died_in=st.sampled_from(OFFICIAL_COMMUNES))
def test_a_death_can_be_filed_in_any_official_commune(died_in: str) -> None:
    body = FACTORY.death(DECEASED)
    body["deceased"]["place_of_death"]["commune_code"] = died_in
    submission = DeathDeclarationSubmission.model_validate(body)
    assert DEATH_FILING.violations(submission, _intake_context()) == []


@given(st.text("0123456789", min_size=5, max_size=5).filter(lambda c: c not in UNITS.communes))
def test_a_code_that_names_no_official_commune_is_refused(code: str) -> None:
    body = FACTORY.birth(COUPLE)
    body["child"]["place_of_birth"]["commune_code"] = code
    submission = BirthDeclarationSubmission.model_validate(body)
    violations = BIRTH_FILING.violations(submission, _intake_context())
    assert [(v.loc, v.type) for v in violations] == [
        (("body", "child", "place_of_birth", "commune_code"), "commune_unknown")
    ]
