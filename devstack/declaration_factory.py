"""Well-formed declarations about people in a sandbox dataset, for the demo, the tests and the
benchmark. Each builder returns the JSON body the portal would post."""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from legal_deadlines.working_calendar import VIET_NAM_TIME
from sandbox.dataset import Dataset, InsuredEntry, PersonEntry, load_dataset

CHILD_GIVEN_NAMES = (
    "An",
    "Bảo",
    "Châu",
    "Dương",
    "Hân",
    "Khang",
    "Lâm",
    "Minh",
    "Ngọc",
    "Phúc",
    "Quỳnh",
    "Tâm",
    "Thiện",
    "Trí",
    "Uyên",
    "Vân",
)
CHILD_MIDDLE_NAMES = ("Gia", "Minh", "Bảo", "Khánh", "Thanh", "Hoài", "Ngọc", "Anh", "Tuệ")


# What a death notice says for each cause category a declaration can name.
CAUSES_OF_DEATH = {
    "illness": "Bệnh tuổi già",
    "occupational_accident": "Tai nạn lao động tại nơi làm việc",
    "occupational_disease": "Bệnh bụi phổi nghề nghiệp",
    "other_accident": "Tai nạn giao thông",
}


def today_in_viet_nam() -> date:
    """The date on a Vietnamese calendar now: the ages of the people filed are counted in it."""
    return datetime.now(VIET_NAM_TIME).date()


def attachment(
    kind: str, content: bytes | None = None, filename: str | None = None
) -> dict[str, str]:
    body = (
        content
        if content is not None
        else (
            b"%PDF-1.4\n% "
            + kind.encode()
            + b" "
            + random.randbytes(16).hex().encode()
            + b"\n%%EOF\n"
        )
    )
    return {
        "kind": kind,
        "filename": filename or f"{kind}.pdf",
        "media_type": "application/pdf",
        "sha256": hashlib.sha256(body).hexdigest(),
        "content_base64": base64.b64encode(body).decode(),
    }


@dataclass
class Couple:
    mother: PersonEntry
    father: PersonEntry


class DeclarationFactory:
    def __init__(self, dataset: Dataset, seed: int | None = None) -> None:
        self.dataset = dataset
        self.rng = random.Random(seed)
        # Apart from `rng`, so that giving each declarant a phone changes nothing else drawn.
        self._contacts = random.Random(seed)
        self.people = {p.personal_id: p for p in dataset.people}
        self.insured_by_id = {i.personal_id: i for i in dataset.insured}
        self._claimed: set[str] = set()

    @classmethod
    def from_directory(cls, directory: Path, seed: int | None = None) -> DeclarationFactory:
        return cls(load_dataset(directory), seed)

    # --- people -----------------------------------------------------------------------------
    # Each person is handed out once, so one declaration's outcome (a death, a new child) never
    # changes what another declaration finds.

    def _claim(self, *people: PersonEntry) -> bool:
        ids = {p.personal_id for p in people}
        if ids & self._claimed:
            return False
        self._claimed |= ids
        return True

    def reserve(self, personal_ids: Iterable[str]) -> None:
        """Keep these people out of what the factory hands out."""
        self._claimed |= set(personal_ids)

    def couples(self) -> Iterator[Couple]:
        """Living couples young enough to have a child, in a shuffled order."""
        women = [
            p
            for p in self.dataset.people
            if p.sex == "female"
            and p.spouse_id
            and p.status == "alive"
            and 18 <= (today_in_viet_nam() - p.date_of_birth).days // 365 <= 45
        ]
        self.rng.shuffle(women)
        for woman in women:
            husband = self.people.get(woman.spouse_id or "")
            if husband is None or husband.status != "alive" or husband.sex != "male":
                continue
            if self._claim(woman, husband):
                yield Couple(mother=woman, father=husband)

    def caretakers(self) -> Iterator[PersonEntry]:
        """Living adults who may care for an abandoned child, in a shuffled order."""
        adults = [
            p
            for p in self.dataset.people
            if p.status == "alive"
            and 25 <= (today_in_viet_nam() - p.date_of_birth).days // 365 <= 65
        ]
        self.rng.shuffle(adults)
        for person in adults:
            if self._claim(person):
                yield person

    def insured_people(
        self, predicate: Callable[[InsuredEntry], bool], *, with_spouse: bool = True
    ) -> Iterator[PersonEntry]:
        """Insured people matching `predicate` (with a living spouse to declare, by default)."""
        candidates = [
            i for i in self.dataset.insured if predicate(i) and i.personal_id in self.people
        ]
        self.rng.shuffle(candidates)
        for record in candidates:
            person = self.people[record.personal_id]
            spouse = self.people.get(person.spouse_id or "")
            if with_spouse and spouse is None:
                continue
            if self._claim(person, *([spouse] if spouse else [])):
                yield person

    def phone(self) -> str:
        """A phone number of the declarant's own: the portal limits the messages one number
        receives, as it would a family's."""
        return "09" + "".join(self._contacts.choice("0123456789") for _ in range(8))

    def email(self, label: str) -> str:
        return f"{label}-{self._contacts.randrange(16**8):08x}@example.vn"

    # --- birth ------------------------------------------------------------------------------

    def child_name(self, family_name: str) -> str:
        return (
            f"{family_name} {self.rng.choice(CHILD_MIDDLE_NAMES)} "
            f"{self.rng.choice(CHILD_GIVEN_NAMES)} {self.rng.choice(CHILD_GIVEN_NAMES)}"
        )

    def birth(
        self,
        couple: Couple,
        *,
        born_days_ago: int = 3,
        delivery: str = "post",
        declarant: str = "mother",
    ) -> dict[str, Any]:
        mother, father = couple.mother, couple.father
        commune = mother.residence.commune_code
        born = today_in_viet_nam() - timedelta(days=born_days_ago)
        person = mother if declarant == "mother" else father
        body: dict[str, Any] = {
            "declarant": {
                "personal_id": person.personal_id,
                "full_name": person.full_name,
                "relationship": declarant,
                "phone": self.phone(),
                "email": self.email("family"),
            },
            "child": {
                "full_name": self.child_name(father.full_name.split()[0]),
                "sex": self.rng.choice(("male", "female")),
                "date_of_birth": born.isoformat(),
                "place_of_birth": {"commune_code": commune, "facility_name": "Bệnh viện Phụ sản"},
                "ethnicity": "Kinh",
                "nationality": "VN",
            },
            "mother": {
                "personal_id": mother.personal_id,
                "full_name": mother.full_name,
                "date_of_birth": mother.date_of_birth.isoformat(),
            },
            "father": {
                "personal_id": father.personal_id,
                "full_name": father.full_name,
                "date_of_birth": father.date_of_birth.isoformat(),
            },
            "birth_certificate_number": f"GCS-{self.rng.randrange(10**6):06d}",
            "residence": {"commune_code": commune, "address_line": mother.residence.address_line},
            "poor_household_certificate": None,
            "delivery": self.delivery(delivery, mother),
            "attachments": [attachment("birth_certificate")],
        }
        return body

    def home_birth(self, couple: Couple, **options: Any) -> dict[str, Any]:
        """A birth outside a health facility with no witness: the declarant's undertaking is
        its proof."""
        body = self.birth(couple, **options)
        body["child"]["place_of_birth"]["facility_name"] = None
        body["birth_certificate_number"] = None
        body["attachments"] = [attachment("declarant_undertaking")]
        return body

    def abandoned_child_birth(
        self, caretaker: PersonEntry, *, found_days_ago: int = 5, delivery: str = "post"
    ) -> dict[str, Any]:
        """A child found abandoned, declared by the person caring for it: parents unknown, the
        record of its discovery in place of a birth certificate, its residence the caretaker's."""
        commune = caretaker.residence.commune_code
        born = today_in_viet_nam() - timedelta(days=found_days_ago + 1)
        return {
            "declarant": {
                "personal_id": caretaker.personal_id,
                "full_name": caretaker.full_name,
                "relationship": "guardian",
                "phone": self.phone(),
                "email": self.email("caretaker"),
            },
            "child": {
                "full_name": self.child_name(caretaker.full_name.split()[0]),
                "sex": self.rng.choice(("male", "female")),
                "date_of_birth": born.isoformat(),
                "place_of_birth": {"commune_code": commune, "facility_name": None},
                "ethnicity": "Kinh",
                "nationality": "VN",
            },
            "mother": None,
            "father": None,
            "birth_certificate_number": None,
            "residence": {
                "commune_code": commune,
                "address_line": caretaker.residence.address_line,
            },
            "poor_household_certificate": None,
            "delivery": self.delivery(delivery, caretaker),
            "special_case": "abandoned_child",
            "attachments": [attachment("abandonment_record")],
        }

    def institution_birth(
        self, representative: PersonEntry, *, found_days_ago: int = 5, delivery: str = "post"
    ) -> dict[str, Any]:
        """An abandoned child cared for by a social protection centre, declared by the centre's
        representative as its guardian: the child's residence is the centre's address, in
        another commune than the representative's own."""
        body = self.abandoned_child_birth(
            representative, found_days_ago=found_days_ago, delivery=delivery
        )
        commune = self.rng.choice(
            sorted(
                c
                for c in self.dataset.commune_province
                if c != representative.residence.commune_code
            )
        )
        institution = {
            "name": "Trung tâm Bảo trợ xã hội số 1",
            "commune_code": commune,
            "address_line": f"Số {self.rng.randrange(1, 200)} đường Phú Kiều",
        }
        body["declarant"]["institution"] = institution
        body["residence"] = {"commune_code": commune, "address_line": institution["address_line"]}
        return body

    def surrogacy_birth(self, couple: Couple, **options: Any) -> dict[str, Any]:
        """A child born to a surrogate: the couple who asked for it are its parents, the proof
        of surrogacy beside the birth certificate naming the woman who gave birth."""
        body = self.birth(couple, **options)
        body["special_case"] = "surrogacy"
        body["attachments"].append(attachment("surrogacy_proof"))
        return body

    def twins(self, couple: Couple, **options: Any) -> list[dict[str, Any]]:
        """Two children of one mother born on one day: one declaration each, distinct names
        and birth orders."""
        first = self.birth(couple, **options)
        second = self.birth(couple, **options)
        second["child"]["date_of_birth"] = first["child"]["date_of_birth"]
        second["child"]["place_of_birth"] = dict(first["child"]["place_of_birth"])
        while second["child"]["full_name"] == first["child"]["full_name"]:
            second["child"]["full_name"] = self.child_name(couple.father.full_name.split()[0])
        first["child"]["birth_order"], second["child"]["birth_order"] = 1, 2
        return [first, second]

    def delivery(self, method: str, person: PersonEntry) -> dict[str, Any]:
        if method == "post":
            return {
                "method": "post",
                "pickup_agency": None,
                "postal_address": {
                    "commune_code": person.residence.commune_code,
                    "address_line": person.residence.address_line,
                    "recipient": person.full_name,
                    "phone": "0912345678",
                },
            }
        if method == "pickup":
            return {"method": "pickup", "pickup_agency": "justice", "postal_address": None}
        return {"method": "electronic", "pickup_agency": None, "postal_address": None}

    # --- death ------------------------------------------------------------------------------

    def death(
        self,
        deceased: PersonEntry,
        *,
        procedures: tuple[str, ...] = (
            "death_registration",
            "residence_removal",
            "funeral_allowance",
            "survivor_benefit",
        ),
        died_days_ago: int = 2,
        date_of_death: date | None = None,
        form: str = "lump_sum",
        delivery: str = "pickup",
        declarant: PersonEntry | None = None,
        cause_category: str = "illness",
        beneficiaries: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """`beneficiaries` replaces the default single beneficiary (the declarant)."""
        spouse = self.people.get(deceased.spouse_id or "")
        relative = (
            declarant
            or spouse
            or next(p for p in self.dataset.people if p.personal_id != deceased.personal_id)
        )
        relationship = "spouse" if spouse is not None and relative is spouse else "relative"
        died = date_of_death or today_in_viet_nam() - timedelta(days=died_days_ago)
        wants_survivor = "survivor_benefit" in procedures
        wants_benefit = wants_survivor or "funeral_allowance" in procedures
        attachments = [attachment("death_notice")]
        if relationship == "relative":
            attachments.append(attachment("authorization"))
        if cause_category in ("occupational_accident", "occupational_disease"):
            attachments.append(attachment("occupational_accident_record"))
        return {
            "declarant": {
                "personal_id": relative.personal_id,
                "full_name": relative.full_name,
                "relationship": relationship,
                "phone": self.phone(),
                "email": self.email("family"),
            },
            "deceased": {
                "personal_id": deceased.personal_id,
                "full_name": deceased.full_name,
                "sex": deceased.sex,
                "date_of_birth": deceased.date_of_birth.isoformat(),
                "date_of_death": died.isoformat(),
                "place_of_death": {
                    "commune_code": deceased.residence.commune_code,
                    "address_line": deceased.residence.address_line,
                },
                "cause_of_death": CAUSES_OF_DEATH[cause_category],
                "cause_category": cause_category,
            },
            "death_notice_number": f"GBT-{self.rng.randrange(10**6):06d}",
            "procedures": list(procedures),
            "survivor_benefit": {
                "form": form,
                "beneficiaries": beneficiaries
                or [
                    {
                        "personal_id": relative.personal_id,
                        "full_name": relative.full_name,
                        "relationship": "spouse" if relationship == "spouse" else "child",
                        "date_of_birth": relative.date_of_birth.isoformat(),
                    }
                ],
            }
            if wants_survivor
            else None,
            "payment": {
                "method": "bank",
                "bank_account": {
                    "bank_code": "VCB",
                    "account_number": f"{self.rng.randrange(10**12):012d}",
                    "account_holder": relative.full_name,
                },
            }
            if wants_benefit
            else None,
            "delivery": self.delivery(delivery, relative),
            "attachments": attachments,
        }
