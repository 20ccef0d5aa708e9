"""Hand-made people added to whichever sandbox dataset the tests run against, so the benefit
tests can check amounts computed by hand from known records.

Each scenario person has a living spouse to act as declarant and beneficiary.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from devstack.declaration_factory import DeclarationFactory


@dataclass(frozen=True)
class ScenarioPerson:
    personal_id: str
    full_name: str
    sex: str
    date_of_birth: date
    spouse_id: str
    spouse_name: str
    spouse_date_of_birth: date
    insured: dict[str, Any] | None


def _insured(
    si: str,
    status: str,
    years: float,
    before_2014: float,
    salary: int,
    pension: int | None = None,
    pension_start: str | None = None,
    **occupational: Any,
) -> dict[str, Any]:
    return {
        "social_insurance_number": si,
        "status": status,
        "contribution_years": years,
        "contribution_years_before_2014": before_2014,
        "average_monthly_salary_vnd": salary,
        "monthly_pension_vnd": pension,
        "pension_start_date": pension_start,
        **occupational,
    }


def _couple(
    person: tuple[str, str, str, date],
    spouse: tuple[str, str, date],
    insured: dict[str, Any] | None,
) -> ScenarioPerson:
    """A scenario person (ID, name, sex, date of birth), the spouse (ID, name, date of birth) and
    the person's social-security record, if any."""
    return ScenarioPerson(*person, *spouse, insured)


SCENARIOS: dict[str, ScenarioPerson] = {
    "pensioner": _couple(
        ("001050900001", "Trần Văn Lộc", "male", date(1950, 3, 10)),
        ("001152900101", "Lê Thị Hồng", date(1952, 7, 1)),
        _insured("0190000001", "pensioner", 30, 25, 8_000_000, 6_000_000, "2020-01-01"),
    ),
    "contributor_across_2014": _couple(
        ("001175900002", "Phạm Thị Thu", "female", date(1975, 6, 15)),
        ("001073900102", "Ngô Văn Tùng", date(1973, 9, 9)),
        _insured("0190000002", "contributing", 20, 8, 10_000_000),
    ),
    "suspended_9_months": _couple(
        ("001090900003", "Đỗ Văn Hải", "male", date(1990, 1, 1)),
        ("001192900103", "Vũ Thị Lan", date(1992, 2, 2)),
        _insured("0190000003", "suspended", 0.75, 0, 6_000_000),
    ),
    "suspended_2_years": _couple(
        ("001185900004", "Bùi Thị Mai", "female", date(1985, 2, 2)),
        ("001083900104", "Hồ Văn Nam", date(1983, 3, 3)),
        _insured("0190000004", "suspended", 2, 0, 7_000_000),
    ),
    "uninsured": _couple(
        ("001060900005", "Dương Văn Phong", "male", date(1960, 4, 4)),
        ("001162900105", "Lý Thị Yến", date(1962, 5, 5)),
        None,
    ),
    "died_2024_06_30": _couple(
        ("001040900006", "Hoàng Văn Sơn", "male", date(1940, 5, 5)),
        ("001143900106", "Phan Thị Nga", date(1943, 6, 6)),
        _insured("0190000006", "pensioner", 35, 35, 5_000_000, 4_000_000, "2000-06-01"),
    ),
    "died_2024_07_01": _couple(
        ("001142900007", "Võ Thị Hoa", "female", date(1942, 6, 6)),
        ("001040900107", "Đặng Văn Quân", date(1940, 8, 8)),
        _insured("0190000007", "pensioner", 30, 30, 5_000_000, 4_000_000, "1997-06-01"),
    ),
    "contributor_10_years": _couple(
        ("001080900008", "Nguyễn Văn Khoa", "male", date(1980, 10, 10)),
        ("001182900108", "Trần Thị Ngân", date(1982, 11, 11)),
        _insured("0190000008", "contributing", 10, 0, 9_000_000),
    ),
    # Three years of contributions only, but a fatal occupational accident on VSS's record.
    "occupational_accident": _couple(
        ("001088900009", "Lê Văn Thành", "male", date(1988, 8, 8)),
        ("001190900109", "Mai Thị Thảo", date(1990, 9, 9)),
        _insured(
            "0190000009",
            "contributing",
            3,
            0,
            8_000_000,
            occupational_incident_kind="occupational_accident",
            occupational_incident_on="2026-11-20",
        ),
    ),
    # A pensioner leaving a spouse and five children: more relatives than the four paid.
    "many_relatives": _couple(
        ("001070900010", "Trịnh Văn Đức", "male", date(1970, 10, 10)),
        ("001172900110", "Cao Thị Hạnh", date(1972, 12, 12)),
        _insured("0190000010", "pensioner", 32, 20, 9_000_000, 7_000_000, "2025-01-01"),
    ),
    # A pensioner leaving four grown children able to work and one child under 18.
    "adult_children_and_a_minor": _couple(
        ("001058900011", "Đinh Văn Hùng", "male", date(1958, 2, 2)),
        ("001160900111", "Tạ Thị Liên", date(1960, 3, 3)),
        _insured("0190000011", "pensioner", 34, 24, 9_000_000, 6_500_000, "2018-03-01"),
    ),
    # Nine months of contributions, then suspended; VSS pays a monthly occupational benefit.
    "occupational_benefit_9_months": _couple(
        ("001087900012", "Kiều Văn Tâm", "male", date(1987, 7, 7)),
        ("001189900112", "La Thị Hà", date(1989, 8, 8)),
        _insured("0190000012", "suspended", 0.75, 0, 6_000_000, occupational_incapacity_percent=45),
    ),
    # A pensioner whose pension record lacks the date the pension started.
    "pensioner_without_start_date": _couple(
        ("001048900013", "Lò Văn Khánh", "male", date(1948, 4, 4)),
        ("001150900113", "Mạc Thị Nhung", date(1950, 5, 5)),
        _insured("0190000013", "pensioner", 30, 30, 5_000_000, 4_500_000),
    ),
}


def _person(
    pid: str, name: str, sex: str, born: date, spouse: str, residence: dict[str, str]
) -> dict[str, Any]:
    return {
        "personal_id": pid,
        "full_name": name,
        "sex": sex,
        "date_of_birth": born.isoformat(),
        "residence": residence,
        "status": "alive",
        "spouse_id": spouse,
    }


def write_test_dataset(source: Path, target: Path) -> Path:
    """Copy `source` to `target` and add the scenario people to it."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    admin = json.loads((target / "admin_units.json").read_text(encoding="utf-8"))
    people = json.loads((target / "population.json").read_text(encoding="utf-8"))
    insured = json.loads((target / "insured.json").read_text(encoding="utf-8"))
    hanoi_commune = next(c["code"] for c in admin["communes"] if c["province_code"] == "01")
    residence = {"commune_code": hanoi_commune, "address_line": "Số 1 Phố Thử Nghiệm"}
    known = {p["personal_id"] for p in people}
    for s in SCENARIOS.values():
        assert s.personal_id not in known and s.spouse_id not in known, "scenario ID collides"
        other_sex = "female" if s.sex == "male" else "male"
        people.append(
            _person(s.personal_id, s.full_name, s.sex, s.date_of_birth, s.spouse_id, residence)
        )
        people.append(
            _person(
                s.spouse_id,
                s.spouse_name,
                other_sex,
                s.spouse_date_of_birth,
                s.personal_id,
                residence,
            )
        )
        if s.insured is not None:
            insured.append({**s.insured, "personal_id": s.personal_id})
    (target / "population.json").write_text(json.dumps(people, ensure_ascii=False))
    (target / "insured.json").write_text(json.dumps(insured, ensure_ascii=False))
    return target


def factory_sparing_scenario_people(dataset_dir: Path, seed: int) -> DeclarationFactory:
    """Declarations of the dataset's people, never of a scenario person: those belong to the
    benefit tests alone."""
    factory = DeclarationFactory.from_directory(dataset_dir, seed=seed)
    factory.reserve(p for s in SCENARIOS.values() for p in (s.personal_id, s.spouse_id))
    return factory
