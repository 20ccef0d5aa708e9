"""Who may do what. Each role against each endpoint, allowed and refused; each agency against the
others; and every refusal changes nothing and is audited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.case_worker.agency_case import AgencyCaseWorkflow, case_workflow_id
from agency_contracts.decisions import OfficerDecision
from devstack.declaration_factory import DeclarationFactory
from devstack.issuing import issue_from_settings
from sandbox.settings import SandboxSettings
from schemas.common import Agency
from security import decision_signatures
from security.dev_credentials import dev_signing_key_id, dev_signing_seed
from security.principals import OPERATOR_ISSUER, PORTAL_ISSUER
from store.audit import audit_trail
from store.trust import held_decisions
from temporal_connection.client import connect
from tests.harness.agency_offices import agency_cases, agency_policy, open_case
from tests.harness.configuration import agency_settings_for
from tests.harness.documents import listed_documents
from tests.harness.forged_tokens import forge, random_seed
from tests.harness.portal import step, submit
from tests.harness.stack import Stack, StackFactory
from tests.harness.waiting import wait_for_status


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def call(
    stack: Stack, method: str, path: str, token: str | None, json: Any = None
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as raw:
        return await raw.request(method, path, json=json, headers=bearer(token))


@pytest.fixture
async def filed(stack: Stack, factory: DeclarationFactory) -> AsyncIterator[dict[str, Any]]:
    """A declaration waiting on a police officer, filed by the portal for a citizen."""
    async with agency_policy(stack, "police", "manual"):
        body = factory.birth(next(factory.couples()))
        accepted = await submit(stack.api, "birth", body)
        await open_case(stack, accepted["declaration_id"], "residence_registration")
        yield {"body": body, **accepted}


async def test_authorization_matrix(
    stack: Stack, factory: DeclarationFactory, filed: dict[str, Any]
) -> None:
    declarant = filed["body"]["declarant"]["personal_id"]
    own = f"/v1/declarations/{filed['declaration_id']}"
    tokens = {
        "none": None,
        # Under the operators' key id, signed by a key the API does not hold.
        "forged": forge(OPERATOR_ISSUER, "operator", seed=random_seed()),
        "unknown_kid": forge(OPERATOR_ISSUER, "operator", kid="lienthong-operators-9"),
        # Each issuer signing a role only the other may grant.
        "portal_as_operator": forge(PORTAL_ISSUER, "operator"),
        "operator_as_portal": forge(OPERATOR_ISSUER, "portal", sub="portal"),
        # A citizen token whose subject is another citizen's pseudonym.
        "impostor": forge(
            PORTAL_ISSUER,
            "citizen",
            citizen_id=declarant,
            sub=stack.settings.pseudonyms.ref("001090000009"),
        ),
        "expired": issue_from_settings(
            stack.settings, "portal", "portal", lifetime=timedelta(seconds=-5)
        ),
        "other_portal": stack.token("portal", subject="other-portal"),
        "portal": stack.token("portal", subject="portal"),
        "citizen": stack.token("citizen", citizen_id=declarant),
        "stranger": stack.token("citizen", citizen_id="001090000009"),
        "operator": stack.token("operator"),
    }
    mine = factory.birth(next(factory.couples()))
    as_citizen = factory.birth(next(factory.couples()))
    citizen_own = dict(as_citizen)
    # (token, method, path, body) -> expected status
    expectations: list[tuple[str, str, str, Any, int]] = [
        ("none", "POST", "/v1/declarations/birth", mine, 401),
        ("forged", "GET", own, None, 401),
        ("forged", "GET", f"{own}/audit", None, 401),
        ("unknown_kid", "GET", own, None, 401),
        ("portal_as_operator", "GET", own, None, 401),
        ("portal_as_operator", "GET", f"{own}/audit", None, 401),
        ("portal_as_operator", "GET", "/v1/trust/agency-keys", None, 401),
        ("operator_as_portal", "GET", own, None, 401),
        ("operator_as_portal", "POST", "/v1/declarations/birth", mine, 401),
        ("impostor", "GET", own, None, 401),
        ("impostor", "POST", f"{own}/withdraw", None, 401),
        ("expired", "GET", own, None, 401),
        ("none", "GET", own, None, 401),
        ("none", "GET", f"{own}/audit", None, 401),
        ("none", "POST", f"{own}/withdraw", None, 401),
        ("portal", "GET", own, None, 200),
        ("other_portal", "GET", own, None, 403),
        ("portal", "GET", f"{own}/audit", None, 403),
        ("portal", "POST", f"{own}/withdraw", None, 403),
        ("portal", "POST", f"{own}/supplement", {"changes": {}}, 403),
        ("stranger", "GET", own, None, 403),
        ("stranger", "POST", f"{own}/withdraw", None, 403),
        ("stranger", "POST", "/v1/declarations/birth", mine, 403),  # not the declarant
        ("citizen", "GET", own, None, 200),
        ("citizen", "GET", f"{own}/audit", None, 403),
        ("operator", "GET", own, None, 200),
        ("operator", "GET", f"{own}/audit", None, 200),
        ("operator", "POST", "/v1/declarations/birth", mine, 403),
        ("operator", "POST", f"{own}/withdraw", None, 403),
        ("portal", "POST", "/v1/declarations/birth", mine, 202),
    ]
    for token, method, path, body, expected in expectations:
        response = await call(stack, method, path, tokens[token], body)
        assert response.status_code == expected, (token, method, path, response.text)

    # A citizen files as themselves, then sees their own declaration.
    citizen_token = stack.token("citizen", citizen_id=citizen_own["declarant"]["personal_id"])
    filed_by_citizen = await call(
        stack, "POST", "/v1/declarations/birth", citizen_token, citizen_own
    )
    assert filed_by_citizen.status_code == 202
    assert (
        await call(
            stack,
            "GET",
            f"/v1/declarations/{filed_by_citizen.json()['declaration_id']}",
            citizen_token,
        )
    ).status_code == 200

    # The refusals changed nothing: the declaration still waits on the police.
    view = (await call(stack, "GET", own, tokens["portal"])).json()
    assert view["status"] == "in_progress"
    # ... and the declarant may withdraw it.
    assert (await call(stack, "POST", f"{own}/withdraw", tokens["citizen"])).status_code == 202
    assert (await wait_for_status(stack.api, filed["declaration_id"]))["status"] == "withdrawn"


async def test_the_audit_trail_records_who_did_what(stack: Stack, filed: dict[str, Any]) -> None:
    own = f"/v1/declarations/{filed['declaration_id']}"
    stranger = stack.token("citizen", citizen_id="001090000009")
    assert (await call(stack, "POST", f"{own}/withdraw", stranger)).status_code == 403
    another = stack.token("citizen", citizen_id="001090000008")
    assert (await call(stack, "POST", f"{own}/withdraw", another)).status_code == 403
    case = await open_case(stack, filed["declaration_id"], "residence_registration")
    response = await stack.officers["police"].post(
        f"/v1/officer/cases/{case['case_number']}/decision",
        json={"outcome": "approve"},
        headers={"X-Officer-Id": "cb-0042"},
    )
    assert response.status_code == 200
    await wait_for_status(stack.api, filed["declaration_id"])
    trail = audit_trail(stack.engine, filed["declaration_id"])
    seen = {(e.action, e.actor, e.outcome) for e in trail}
    assert ("submit", "portal:portal", "allowed") in seen
    assert ("read_status", "portal:portal", "allowed") in seen
    # The stranger is named by the pseudonym of their own personal ID, never by the ID.
    assert (
        "withdraw",
        f"citizen:{stack.settings.pseudonyms.ref('001090000009')}",
        "denied",
    ) in seen
    assert not any("001090000009" in actor for _, actor, _ in seen)
    denied = {
        actor for action, actor, outcome in seen if (action, outcome) == ("withdraw", "denied")
    }
    assert len(denied) == 2, "two citizens are two actors"
    assert ("agency_decision", "police:officer:cb-0042", "allowed") in seen
    assert ("agency_decision", "justice:policy:immediate", "allowed") in seen
    audit = await call(stack, "GET", f"{own}/audit", stack.token("operator"))
    assert {(e["action"], e["actor"]) for e in audit.json()} >= {
        ("submit", "portal:portal"),
        ("agency_decision", "police:officer:cb-0042"),
    }


AGENCY_PATHS = {
    "justice": "/v1/cases",
    "police": "/v1/registry/people/001090000001",
    "social_security": "/v1/cases",
}


async def test_each_agency_answers_only_its_own_parties(stack: Stack) -> None:
    keys = SandboxSettings().service_keys
    officer_keys = SandboxSettings().officer_keys
    for agency in ("justice", "police", "social_security"):
        url = stack.services.agency_urls[agency]
        async with httpx.AsyncClient(base_url=url, timeout=10) as raw:
            assert (await raw.get("/v1/cases")).status_code == 401
            assert (await raw.get("/v1/officer/cases")).status_code == 401
            for other in ("justice", "police", "social_security"):
                if other == agency:
                    continue
                adapter = bearer(keys[other].get_secret_value())
                officer = bearer(officer_keys[other].get_secret_value())
                # Another agency can neither read nor decide this agency's cases.
                assert (await raw.get("/v1/cases", headers=adapter)).status_code == 401
                assert (await raw.get("/v1/officer/cases", headers=officer)).status_code == 401
                assert (
                    await raw.post(
                        "/v1/officer/cases/JB-00000001/decision",
                        headers=officer,
                        json={"outcome": "approve"},
                    )
                ).status_code == 401
            own_adapter = bearer(keys[agency].get_secret_value())
            own_officer = bearer(officer_keys[agency].get_secret_value())
            # Its adapter is not an officer, and its officers are not its adapter.
            assert (await raw.get("/v1/officer/cases", headers=own_adapter)).status_code == 403
            assert (await raw.get("/v1/decisions", headers=own_officer)).status_code == 403
            assert (await raw.get("/v1/officer/cases", headers=own_officer)).status_code == 200
            assert (await raw.get(AGENCY_PATHS[agency], headers=own_adapter)).status_code in (
                200,
                404,
            )


async def test_a_decision_not_signed_by_its_agency_is_refused(
    stack: Stack, filed: dict[str, Any]
) -> None:
    """Even the police's own case worker, compromised, cannot make the orchestrator act on a
    decision the police's system did not sign: it is held for an operator, never acted on."""
    declaration_id = filed["declaration_id"]
    case = await open_case(stack, declaration_id, "residence_registration")
    case_number = case["case_number"]
    content = {
        "agency": "police",
        "case_number": case_number,
        "declaration_id": declaration_id,
        "procedure": "residence_registration",
        "outcome": "approved",
        "reason": None,
        "rejection_code": None,
        "record": {
            "residence_registration_number": "TT-FORGED",
            "commune_code": "00004",
            "registered_on": "2026-11-25",
        },
        "supplement": None,
        "decided_at": "2026-11-25T00:00:00+00:00",
        "decided_by": "officer:forger",
        "key_id": dev_signing_key_id("police"),
    }
    signed = decision_signatures.canonical(content)
    forged = OfficerDecision(
        decision_id="forged",
        agency=Agency("police"),
        case_number=case_number,
        outcome="approved",
        decided_at=datetime(2026, 11, 25, tzinfo=UTC),
        signed=signed,
        # Signed with another agency's key, under the police's key id.
        signature=decision_signatures.sign(dev_signing_seed("justice"), signed),
    )
    police = await connect(agency_settings_for(stack.services, stack.settings, "police"))
    case_id = case_workflow_id(f"{declaration_id}:residence_registration:1")
    await police.get_workflow_handle(case_id).signal(AgencyCaseWorkflow.record_decision, forged)
    for _ in range(100):
        held = held_decisions(stack.engine, declaration_id)
        if held:
            break
        await asyncio.sleep(0.1)
    assert [(h.procedure, h.problem) for h in held] == [("residence_registration", "bad_signature")]
    view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
    assert step(view, "residence_registration")["status"] == "submitted"
    (police_case,) = await agency_cases(stack.agencies["police"], declaration_id)
    assert police_case["status"] == "pending"
    await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
    view = await wait_for_status(stack.api, declaration_id)
    assert step(view, "residence_registration")["status"] == "cancelled"


async def _raw_exchange(api_url: str, head: str, body: bytes, wait: float) -> bytes:
    """Send a request head and the first bytes of its body, and whatever comes back within
    `wait` seconds (nothing, when the API is still waiting for the rest of the body)."""
    host, port = api_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        try:
            return await asyncio.wait_for(reader.read(4096), wait)
        except TimeoutError:
            return b""
    finally:
        writer.close()


async def test_credentials_are_checked_before_the_body_is_read(intake_stack: Stack) -> None:
    """A body is announced and a byte of it sent: without a valid credential the 401 comes at
    once, from the headers alone; with one, the API waits for the body it was promised. (The
    body stays within the size limit, which refuses a larger one with 413, also unread.)"""
    announced = 1024 * 1024

    def head(token: str | None) -> str:
        authorization = f"Authorization: Bearer {token}\r\n" if token else ""
        return (
            "POST /v1/declarations/birth HTTP/1.1\r\nHost: api\r\n"
            f"Content-Type: application/json\r\nContent-Length: {announced}\r\n"
            f"{authorization}\r\n"
        )

    for token in (None, "not-a-token", forge(PORTAL_ISSUER, "operator")):
        answer = await _raw_exchange(intake_stack.api_url, head(token), b"{", wait=5)
        status, _, rest = answer.partition(b"\r\n")
        assert status.startswith(b"HTTP/1.1 401"), answer[:200]
        assert b"www-authenticate: bearer" in rest.lower()
        assert b'"detail"' in rest
    # The contrast: an authenticated request is left waiting for the rest of its body.
    portal = intake_stack.token("portal", subject="portal")
    assert await _raw_exchange(intake_stack.api_url, head(portal), b"{", wait=1) == b""


async def test_public_routes_need_no_credential(intake_stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=intake_stack.api_url, timeout=30) as raw:
        assert (await raw.get("/openapi.json")).status_code == 200
        assert (await raw.get("/docs")).status_code == 200
        assert (await raw.get("/healthz")).status_code in (200, 503)
        assert (await raw.get("/v1/trust/agency-keys")).status_code == 401


async def test_a_declaration_filed_before_the_pseudonym_key_rotated_stays_the_citizens(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    before = await stack_factory(with_workers=False)
    body = factory.birth(next(factory.couples()))
    declarant = body["declarant"]["personal_id"]
    accepted = await submit(before.api, "birth", body)
    path = f"/v1/declarations/{accepted['declaration_id']}"
    old_keys = before.settings.pseudonym_keys
    after = await stack_factory(
        with_workers=False,
        pseudonym_keys={**old_keys, "2026-2": "a rotated pseudonym key, 32 characters or more"},
        pseudonym_active_key="2026-2",
    )
    citizen = after.token("citizen", citizen_id=declarant)
    assert (await call(after, "GET", path, citizen)).status_code == 200
    stranger = after.token("citizen", citizen_id="001090000009")
    assert (await call(after, "GET", path, stranger)).status_code == 403
    # Once the old key is dropped, the old declaration is no longer recognised as theirs.
    dropped = await stack_factory(
        with_workers=False,
        pseudonym_keys={"2026-2": "a rotated pseudonym key, 32 characters or more"},
        pseudonym_active_key="2026-2",
    )
    citizen = dropped.token("citizen", citizen_id=declarant)
    assert (await call(dropped, "GET", path, citizen)).status_code == 403


async def test_an_agency_operator_reads_only_its_own_part(
    stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    accepted = await submit(stack.api, "death", factory.death(deceased, form="lump_sum"))
    declaration_id = accepted["declaration_id"]
    view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    await listed_documents(stack.api, declaration_id, [s["procedure"] for s in view["steps"]])
    path = f"/v1/declarations/{declaration_id}"

    def operator(party: str) -> str:
        return stack.token("operator", subject=f"{party}-operator", party=party)

    justice = operator("justice")
    seen = await call(stack, "GET", path, justice)
    assert seen.status_code == 200
    assert [s["agency"] for s in seen.json()["steps"]] == ["justice"]
    assert seen.json()["summary"] is None
    documents = (await call(stack, "GET", f"{path}/documents", justice)).json()
    assert documents and {d["issuer"] for d in documents} == {"justice"}
    everyone = (await call(stack, "GET", f"{path}/documents", operator("orchestrator"))).json()
    foreign = next(d for d in everyone if d["issuer"] != "justice")
    assert (await call(stack, "GET", foreign["url"], justice)).status_code == 404
    # The audit trail and the trust store are the orchestrator's operators' alone.
    assert (await call(stack, "GET", f"{path}/audit", justice)).status_code == 403
    assert (await call(stack, "GET", "/v1/trust/agency-keys", justice)).status_code == 403
    new_key = {"public_key": decision_signatures.public_key_b64(dev_signing_seed("rogue"))}
    added = await call(
        stack, "PUT", "/v1/trust/agency-keys/social_security/rogue-1", justice, new_key
    )
    assert added.status_code == 403
    revoked = await call(
        stack,
        "POST",
        f"/v1/trust/agency-keys/social_security/{dev_signing_key_id('social_security')}/revoke",
        justice,
    )
    assert revoked.status_code == 403
    # The post has no step on a declaration: its operators read none.
    assert (await call(stack, "GET", path, operator("postal"))).status_code == 403
    # The orchestrator's operators read all of it.
    whole = (await call(stack, "GET", path, operator("orchestrator"))).json()
    assert {s["agency"] for s in whole["steps"]} == {"justice", "police", "social_security"}
    assert (await call(stack, "GET", f"{path}/audit", operator("orchestrator"))).status_code == 200
