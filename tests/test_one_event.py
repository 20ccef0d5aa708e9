"""One event, one declaration, through the portal API: a birth or a death already declared is
refused with a 409 naming the first declaration, whoever files it and however the child's name
is spelt; twins are two births; a retry under the same idempotency key is still the same
declaration; forty identical submissions at once make one declaration."""

from __future__ import annotations

import asyncio
import copy
import secrets
from typing import Any

from sqlmodel import Session, select

from devstack.declaration_factory import DeclarationFactory
from portal_api.filings import BIRTH_FILING
from store.declared_events import EventKeys
from store.models import DeclarationRecord, DeclaredEvent
from tests.harness.filed_declarations import birth, with_child
from tests.harness.portal import submit
from tests.harness.stack import Stack

ENGLISH = {"Accept-Language": "en"}


def refused_as_duplicate(answer: Any, first: str) -> dict[str, Any]:
    assert answer.status_code == 409, answer.text
    body: dict[str, Any] = answer.json()
    assert body["type"] == "duplicate_declaration"
    assert body["declaration_id"] == first
    return body


async def test_a_birth_declared_again_is_refused_naming_the_first(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    api = intake_stack.api
    couple = next(factory.couples())
    body = factory.birth(couple, declarant="mother")
    key = f"portal-{secrets.token_hex(8)}"
    first = (await submit(api, "birth", body, key=key))["declaration_id"]

    # The father files the same child under another spelling of its name.
    by_father = factory.birth(couple, declarant="father")
    by_father["child"] = dict(body["child"], full_name="Tran Minh Khang")
    vietnamese = refused_as_duplicate(
        await api.post("/v1/declarations/birth", json=by_father), first
    )
    assert vietnamese["detail"] == (
        f"Sự kiện khai sinh hoặc khai tử này đã được khai trong hồ sơ {first}, hồ sơ đó đang "
        f"được giải quyết hoặc đã giải quyết xong. Vui lòng theo dõi hồ sơ {first} thay vì "
        "nộp hồ sơ mới."
    )
    english = await api.post("/v1/declarations/birth", json=by_father, headers=ENGLISH)
    assert refused_as_duplicate(english, first)["detail"].startswith(
        f"This birth or death has already been declared in declaration {first}"
    )
    assert english.headers["content-language"] == "en"

    # The first filing's own retry is still answered with the first declaration.
    retried = await api.post("/v1/declarations/birth", json=body, headers={"Idempotency-Key": key})
    assert retried.status_code == 202 and retried.json()["declaration_id"] == first

    # Twins differ by their birth order: the second twin is another birth.
    twin = with_child(body, birth_order=2, full_name=f"{body['child']['full_name']} Hai")
    assert (await submit(api, "birth", twin))["declaration_id"] != first
    # Filed without a birth order the child is the first twin, already declared.
    first_twin = with_child(body, birth_order=1)
    refused_as_duplicate(await api.post("/v1/declarations/birth", json=first_twin), first)

    # Whoever files it, the refusal is in the first declaration's audit trail.
    operator = {"Authorization": f"Bearer {intake_stack.token('operator')}"}
    trail = (await api.get(f"/v1/declarations/{first}/audit", headers=operator)).json()
    refusals = [e for e in trail if e["action"] == "submit" and e["outcome"] == "denied"]
    assert len(refusals) == 3


async def test_a_death_declared_again_is_refused_naming_the_first(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    first = await submit(intake_stack.api, "death", factory.death(deceased))
    # Filed again with another date of death and fewer procedures.
    again = factory.death(
        deceased, died_days_ago=5, procedures=("death_registration", "residence_removal")
    )
    answer = await intake_stack.api.post("/v1/declarations/death", json=again)
    refused_as_duplicate(answer, first["declaration_id"])


async def test_forty_identical_submissions_at_once_make_one_declaration(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    answers = await asyncio.gather(
        *(
            intake_stack.api.post("/v1/declarations/birth", json=copy.deepcopy(body))
            for _ in range(40)
        )
    )
    accepted = [a.json()["declaration_id"] for a in answers if a.status_code == 202]
    assert len(accepted) == 1, [a.status_code for a in answers]
    for answer in answers:
        if answer.status_code != 202:
            refused_as_duplicate(answer, accepted[0])

    settings = intake_stack.settings
    declarant = settings.pseudonyms.ref(body["declarant"]["personal_id"])
    identity = BIRTH_FILING.event(birth(body))
    assert identity is not None
    event = EventKeys.of(settings.pseudonyms, identity)
    with Session(intake_stack.engine) as session:
        records = session.exec(
            select(DeclarationRecord).where(DeclarationRecord.declarant_ref == declarant)
        ).all()
        held = session.get(DeclaredEvent, event.key)
    assert [r.declaration_id for r in records] == accepted
    assert held is not None and held.declaration_id == accepted[0]
