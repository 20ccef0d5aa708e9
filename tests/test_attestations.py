"""The portal API's attestations of what it files and asks, as pure rules: each way a start or
an update can fail to be the API's has its own code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from security.decision_signatures import public_key_b64
from security.dev_credentials import dev_signing_seed
from security.requesters import UPDATE_LIFETIME, attest, refusal
from security.start_attestations import START_WINDOW, attest_start, content_digest, start_problem

SEED = dev_signing_seed("attestation test")
OTHER_SEED = dev_signing_seed("someone else")
KEYS = {"api-1": public_key_b64(SEED)}
AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
CONTENT = '{"declaration_id":"LT-1","declaration":{"child":{"full_name":"Lê Văn An"}}}'


def start(seed: str = SEED, key_id: str = "api-1", workflow_id: str = "declaration-LT-1") -> str:
    attestation = attest_start(seed, key_id, workflow_id, "LT-1", CONTENT, AT)
    problem = start_problem(
        KEYS, attestation, "declaration-LT-1", "LT-1", content_digest(CONTENT), AT
    )
    return problem or "ok"


def test_a_start_verifies_only_as_the_api_signed_it() -> None:
    assert start() == "ok"
    assert start(seed=OTHER_SEED) == "start_signature_invalid"
    assert start(key_id="api-2") == "start_key_untrusted"
    assert start(workflow_id="declaration-LT-2") == "start_signature_invalid"
    attestation = attest_start(SEED, "api-1", "declaration-LT-1", "LT-1", CONTENT, AT)
    edited = CONTENT.replace("Lê Văn An", "Lê Văn Bình")
    assert (
        start_problem(KEYS, attestation, "declaration-LT-1", "LT-1", content_digest(edited), AT)
        == "start_signature_invalid"
    )
    assert (
        start_problem(KEYS, None, "declaration-LT-1", "LT-1", content_digest(CONTENT), AT)
        == "start_not_attested"
    )


def test_a_start_counts_only_near_the_time_temporal_recorded_it() -> None:
    attestation = attest_start(SEED, "api-1", "declaration-LT-1", "LT-1", CONTENT, AT)
    digest = content_digest(CONTENT)
    on_time = AT + START_WINDOW
    late = AT + START_WINDOW + timedelta(seconds=1)
    assert start_problem(KEYS, attestation, "declaration-LT-1", "LT-1", digest, on_time) is None
    assert (
        start_problem(KEYS, attestation, "declaration-LT-1", "LT-1", digest, late)
        == "start_attestation_stale"
    )


def test_an_update_is_taken_once_before_its_expiry_for_a_request_still_open() -> None:
    requester = attest(
        SEED, "api-1", "declaration-LT-1", "answer_supplement", "citizen:x", AT, "c", ["r1"]
    )

    def check(**overrides: object) -> str | None:
        arguments: dict[str, object] = {
            "now": AT,
            "nonces_seen": set(),
            "open_requests": {"r1"},
            **overrides,
        }
        return refusal(
            KEYS,
            "declaration-LT-1",
            "answer_supplement",
            requester,
            "c",
            **arguments,  # type: ignore[arg-type]
        )

    assert check() is None
    assert check(nonces_seen={requester.nonce}) == "update_replayed"
    assert check(now=AT + UPDATE_LIFETIME + timedelta(seconds=1)) == "update_expired"
    assert check(open_requests={"r2"}) == "update_answers_closed_request"
    assert refusal(
        KEYS,
        "declaration-LT-1",
        "withdraw",
        requester,
        "c",
        now=AT,
        nonces_seen=set(),
        open_requests={"r1"},
    ) == ("update_signature_invalid")
    assert (
        refusal(
            {"api-2": KEYS["api-1"]},
            "declaration-LT-1",
            "answer_supplement",
            requester,
            "c",
            now=AT,
            nonces_seen=set(),
            open_requests={"r1"},
        )
        == "update_key_untrusted"
    )


def test_every_attestation_has_a_fresh_nonce() -> None:
    nonces = {
        attest(SEED, "api-1", "declaration-LT-1", "withdraw", "citizen:x", AT, "").nonce
        for _ in range(50)
    }
    assert len(nonces) == 50
