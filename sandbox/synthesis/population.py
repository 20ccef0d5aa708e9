"""Synthetic households: couples young and old, their children, people living alone, and the
social-security records of those who contributed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reference_data.admin_units import official_admin_units
from reference_data.birth_provinces import BIRTH_PROVINCES
from sandbox.synthesis.admin_units import birth_provinces, build_communes, provinces
from sandbox.synthesis.vocabulary import (
    COMMON_FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    STREETS,
)
from schemas.identifiers import personal_id_prefix

# Ages and pension starts are counted back from this day.
REFERENCE_DAY = date(2026, 11, 1)


@dataclass
class Generator:
    rng: random.Random
    communes: list[dict[str, str]]

    def __post_init__(self) -> None:
        self.used_ids: set[str] = set()
        self.used_si: set[str] = set()

    def personal_id(self, sex: str, born: date) -> str:
        province = self.rng.choice(BIRTH_PROVINCES)[0]
        while True:
            pid = personal_id_prefix(province, sex, born.year) + f"{self.rng.randrange(10**6):06d}"  # type: ignore[arg-type]
            if pid not in self.used_ids:
                self.used_ids.add(pid)
                return pid

    def name(self, sex: str, family: str | None = None) -> str:
        middle = self.rng.choice(MALE_MIDDLE if sex == "male" else FEMALE_MIDDLE)
        given = self.rng.choice(MALE_GIVEN if sex == "male" else FEMALE_GIVEN)
        return f"{family or self.rng.choice(COMMON_FAMILY_NAMES)} {middle} {given}"

    def birth_date(self, youngest: int, oldest: int) -> date:
        days = self.rng.randrange(youngest * 365, oldest * 365)
        return REFERENCE_DAY - timedelta(days=days)

    def residence(self) -> dict[str, str]:
        commune = self.rng.choice(self.communes)
        return {
            "commune_code": commune["code"],
            "address_line": f"Số {self.rng.randrange(1, 400)} {self.rng.choice(STREETS)}",
        }

    def person(
        self, sex: str, born: date, residence: dict[str, str], family: str | None = None
    ) -> dict[str, Any]:
        return {
            "personal_id": self.personal_id(sex, born),
            "full_name": self.name(sex, family),
            "sex": sex,
            "date_of_birth": born.isoformat(),
            "residence": residence,
            "status": "alive",
        }

    def si_number(self, province_code: str) -> str:
        while True:
            number = f"{province_code}{self.rng.randrange(10**8):08d}"
            if number not in self.used_si:
                self.used_si.add(number)
                return number

    def insured(self, person: dict[str, Any]) -> dict[str, Any] | None:
        born = date.fromisoformat(person["date_of_birth"])
        age = (REFERENCE_DAY - born).days // 365
        salary = self.rng.randrange(40, 300) * 100_000
        province = next(
            c["province_code"]
            for c in self.communes
            if c["code"] == person["residence"]["commune_code"]
        )
        base = {
            "social_insurance_number": self.si_number(province),
            "personal_id": person["personal_id"],
            "average_monthly_salary_vnd": salary,
            "monthly_pension_vnd": None,
            "pension_start_date": None,
        }
        years: float
        if age >= 60 and self.rng.random() < 0.8:
            years = self.rng.randrange(20, min(40, age - 18))
            start = REFERENCE_DAY - timedelta(days=self.rng.randrange(30, 12 * 365))
            pension = int(salary * self.rng.randrange(45, 76) / 100) // 10_000 * 10_000
            worked_until = start.year
            before_2014 = max(0, min(years, years - max(0, worked_until - 2014)))
            return {
                **base,
                "status": "pensioner",
                "contribution_years": years,
                "contribution_years_before_2014": before_2014,
                "monthly_pension_vnd": pension,
                "pension_start_date": start.isoformat(),
            }
        if 18 <= age < 60:
            roll = self.rng.random()
            if roll < 0.15:
                years = self.rng.choice((0.5, 0.75, 1, 2, 3, 5, 8))
                status = "suspended"
            elif roll < 0.75:
                years = self.rng.randrange(1, max(2, min(35, age - 17)))
                status = "contributing"
            else:
                return None
            since_2014 = REFERENCE_DAY.year - 2014
            before_2014_part: float = max(0.0, years - since_2014) if years >= 1 else 0
            return {
                **base,
                "status": status,
                "contribution_years": years,
                "contribution_years_before_2014": before_2014_part,
            }
        return None


OCCUPATIONAL_KINDS = ("occupational_accident", "occupational_disease")
# The months since 1 January 2014 up to the reference day: no one contributed longer since then.
MONTHS_SINCE_2014 = (REFERENCE_DAY.year - 2014) * 12 + REFERENCE_DAY.month - 1


def add_record_details(insured: list[dict[str, Any]], seed: int) -> None:
    """Odd months of contributions, and the occupational accidents, diseases and monthly
    occupational benefits VSS has on record, for some of the contributors.

    These come from a random stream of their own, so a seed still gives the same people and the
    same records as before the details existed."""
    rng = random.Random(f"{seed}:record-details")
    for record in insured:
        if record["status"] != "contributing":
            continue
        if rng.random() < 0.3:
            odd = rng.randrange(1, 12)
            months = round(record["contribution_years"] * 12) + odd
            before = round(record["contribution_years_before_2014"] * 12)
            if before:
                before += max(rng.randrange(0, odd + 1), months - before - MONTHS_SINCE_2014)
            # Two decimals keep the whole months: years × 12 rounds back to them.
            record["contribution_years"] = round(months / 12, 2)
            record["contribution_years_before_2014"] = round(before / 12, 2)
        roll = rng.random()
        if roll < 0.04:
            record["occupational_incident_kind"] = rng.choice(OCCUPATIONAL_KINDS)
            record["occupational_incident_on"] = (
                REFERENCE_DAY - timedelta(days=rng.randrange(30, 700))
            ).isoformat()
        elif roll < 0.08:
            record["occupational_incapacity_percent"] = rng.randrange(31, 96)


def generate(seed: int, households: int) -> dict[str, Any]:
    rng = random.Random(seed)
    units = official_admin_units()
    communes = build_communes(units, seed)
    gen = Generator(rng, communes)
    people: list[dict[str, Any]] = []
    for _ in range(households):
        home = gen.residence()
        kind = rng.random()
        if kind < 0.55:  # a young couple, sometimes with a child already
            husband = gen.person("male", gen.birth_date(22, 40), home)
            wife = gen.person("female", gen.birth_date(20, 38), home)
            husband["spouse_id"], wife["spouse_id"] = wife["personal_id"], husband["personal_id"]
            people += [wife, husband]
            if rng.random() < 0.4:
                child = gen.person(
                    rng.choice(("male", "female")),
                    gen.birth_date(1, 12),
                    home,
                    family=husband["full_name"].split()[0],
                )
                child["mother_id"] = wife["personal_id"]
                people.append(child)
        elif kind < 0.8:  # an elderly couple
            husband = gen.person("male", gen.birth_date(62, 90), home)
            wife = gen.person("female", gen.birth_date(60, 88), home)
            husband["spouse_id"], wife["spouse_id"] = wife["personal_id"], husband["personal_id"]
            people += [wife, husband]
        else:  # someone living alone
            people.append(gen.person(rng.choice(("male", "female")), gen.birth_date(18, 85), home))
    insured = [record for person in people if (record := gen.insured(person)) is not None]
    add_record_details(insured, seed)
    return {
        "admin_units.json": {
            "provinces": provinces(units),
            "birth_province_codes": birth_provinces(),
            "communes": communes,
        },
        "population.json": people,
        "insured.json": insured,
    }
