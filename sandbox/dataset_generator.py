"""Generate a synthetic sandbox dataset (every name and number made up, but well formed).

    python -m sandbox.dataset_generator --out sandbox/data/default --seed 2026

The same seed always gives the same files, so the shipped default dataset can be regenerated and
compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reference_data.family_names import FAMILY_NAMES
from schemas.identifiers import personal_id_prefix

# The 34 provinces in force since 1 July 2025.
PROVINCES = (
    ("01", "Hà Nội"),
    ("04", "Cao Bằng"),
    ("08", "Tuyên Quang"),
    ("11", "Điện Biên"),
    ("12", "Lai Châu"),
    ("14", "Sơn La"),
    ("15", "Lào Cai"),
    ("19", "Thái Nguyên"),
    ("20", "Lạng Sơn"),
    ("22", "Quảng Ninh"),
    ("24", "Bắc Ninh"),
    ("25", "Phú Thọ"),
    ("31", "Hải Phòng"),
    ("33", "Hưng Yên"),
    ("37", "Ninh Bình"),
    ("38", "Thanh Hóa"),
    ("40", "Nghệ An"),
    ("42", "Hà Tĩnh"),
    ("44", "Quảng Trị"),
    ("46", "Huế"),
    ("48", "Đà Nẵng"),
    ("51", "Quảng Ngãi"),
    ("52", "Gia Lai"),
    ("56", "Khánh Hòa"),
    ("66", "Đắk Lắk"),
    ("68", "Lâm Đồng"),
    ("75", "Đồng Nai"),
    ("79", "Hồ Chí Minh"),
    ("80", "Tây Ninh"),
    ("82", "Đồng Tháp"),
    ("86", "Vĩnh Long"),
    ("91", "An Giang"),
    ("92", "Cần Thơ"),
    ("96", "Cà Mau"),
)
# The 63 former provinces whose codes open the personal IDs of people born there.
BIRTH_PROVINCES = (
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
)
COMMUNE_WORDS = (
    "Hòa Bình",
    "Tân Tiến",
    "Đông Hưng",
    "Phú Lợi",
    "An Khánh",
    "Thạnh Mỹ",
    "Bình An",
    "Quang Trung",
    "Hưng Phú",
    "Minh Khai",
    "Tây Hồ",
    "Long Biên",
    "Nam Sơn",
    "Thượng Đình",
)
# The sixteen most common, which most of the population holds.
COMMON_FAMILY_NAMES = FAMILY_NAMES[:16]
MALE_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương")
MALE_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
FEMALE_GIVEN = (
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Vy",
    "Yến",
)
STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Hùng Vương",
    "Phan Đình Phùng",
    "Điện Biên Phủ",
)

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


def build_communes(rng: random.Random) -> list[dict[str, str]]:
    communes, code = [], 4
    for province_code, _ in PROVINCES:
        count = 8 if province_code in ("01", "79") else 3
        for word in rng.sample(COMMUNE_WORDS, count):
            kind = rng.choice(("Phường", "Xã"))
            communes.append(
                {"code": f"{code:05d}", "name": f"{kind} {word}", "province_code": province_code}
            )
            code += rng.randrange(3, 40)
    return communes


def generate(seed: int, households: int) -> dict[str, Any]:
    rng = random.Random(seed)
    communes = build_communes(rng)
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
    return {
        "admin_units.json": {
            "provinces": [{"code": c, "name": n} for c, n in PROVINCES],
            "birth_province_codes": [{"code": c, "name": n} for c, n in BIRTH_PROVINCES],
            "communes": communes,
        },
        "population.json": people,
        "insured.json": insured,
    }


def write_dataset(out: Path, seed: int, households: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, content in generate(seed, households).items():
        (out / name).write_text(
            json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--households", type=int, default=900)
    args = parser.parse_args()
    write_dataset(args.out, args.seed, args.households)


if __name__ == "__main__":
    main()
