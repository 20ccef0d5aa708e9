"""Issuing and reading tokens, without servers: each issuer grants only its own roles, keys are
found by `kid`, a citizen is known by the pseudonym of their own personal ID, and rotating the
pseudonym key keeps every citizen's earlier declarations theirs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlmodel import SQLModel

from devstack.issuing import issue_from_settings
from security.decision_signatures import public_key_b64
from security.principals import OPERATOR_ISSUER, PORTAL_ISSUER, Principal, Scope
from security.pseudonyms import PseudonymKeys, person_ref
from security.tokens import InvalidToken, SigningKey, issue_token, read_token
from settings import Settings
from store.models import DeclarationRecord
from tests.harness.forged_tokens import forge, random_seed

SETTINGS = Settings(environment="test")
VERIFY = SETTINGS.token_verify_keys
PSEUDONYMS = SETTINGS.pseudonyms


def read(token: str, audience: str = "portal-api") -> Principal:
    return read_token(VERIFY, token, audience, pseudonyms=PSEUDONYMS)


def test_each_role_round_trips_through_its_own_issuer() -> None:
    portal = read_token(VERIFY, issue_from_settings(SETTINGS, "portal", "portal"))
    assert (portal.role, portal.actor, portal.scopes) == (
        "portal",
        "portal:portal",
        frozenset({Scope.SUBMIT, Scope.READ}),
    )
    operator = read_token(
        VERIFY,
        issue_from_settings(
            SETTINGS, "operator", "ops-1", audience="codec-server", party="justice"
        ),
        "codec-server",
    )
    assert (operator.role, operator.party, operator.actor) == (
        "operator",
        "justice",
        "operator:ops-1",
    )
    header = jwt.get_unverified_header(issue_from_settings(SETTINGS, "operator"))
    assert header["alg"] == "EdDSA"
    assert header["kid"] == SETTINGS.token_signing_keys[OPERATOR_ISSUER].key_id


def test_an_issuer_never_signs_a_role_it_may_not_grant() -> None:
    with pytest.raises(ValueError, match="may not grant"):
        issue_token(SETTINGS.token_signing_key(PORTAL_ISSUER), "operator", "x")
    with pytest.raises(ValueError, match="may not grant"):
        issue_token(SETTINGS.token_signing_key(OPERATOR_ISSUER), "portal", "x")


@pytest.mark.parametrize(
    ("issuer", "role"), [(PORTAL_ISSUER, "operator"), (OPERATOR_ISSUER, "portal")]
)
def test_a_role_claimed_from_the_wrong_issuer_is_refused(issuer: str, role: str) -> None:
    with pytest.raises(InvalidToken, match="not granted"):
        read(forge(issuer, role))


def test_unknown_keys_and_issuers_are_refused() -> None:
    with pytest.raises(InvalidToken, match="unknown key id"):
        read(forge(OPERATOR_ISSUER, "operator", kid="lienthong-operators-2099"))
    with pytest.raises(InvalidToken):
        # The right key id, a key not in the verify set.
        read(forge(OPERATOR_ISSUER, "operator", seed=random_seed()))
    with pytest.raises(InvalidToken, match="unknown issuer"):
        read(forge("lienthong", "operator"))
    with pytest.raises(InvalidToken):
        read(
            jwt.encode(
                {"iss": PORTAL_ISSUER, "role": "portal"},
                "a-shared-secret-long-enough-for-hs256!",
                "HS256",
            )
        )
    with pytest.raises(InvalidToken):
        read("not a token")


def test_a_process_that_only_verifies_cannot_issue() -> None:
    verifier = Settings(environment="test", token_signing_keys={})
    with pytest.raises(LookupError):
        issue_from_settings(verifier, "portal")
    # ... and still verifies what the issuers sign.
    assert read_token(verifier.token_verify_keys, issue_from_settings(SETTINGS, "portal")).role == (
        "portal"
    )


def test_a_rotated_token_key_verifies_by_kid() -> None:
    new_seed = random_seed()
    verify = {
        **VERIFY,
        PORTAL_ISSUER: {**VERIFY[PORTAL_ISSUER], "portal-2": public_key_b64(new_seed)},
    }
    old = issue_from_settings(SETTINGS, "portal")
    new = issue_token(SigningKey(PORTAL_ISSUER, "portal-2", new_seed), "portal")
    assert read_token(verify, old).role == read_token(verify, new).role == "portal"
    retired = {**verify, PORTAL_ISSUER: {"portal-2": public_key_b64(new_seed)}}
    with pytest.raises(InvalidToken):
        read_token(retired, old)


def test_expired_and_misaddressed_tokens_are_refused() -> None:
    with pytest.raises(InvalidToken, match="Expired"):
        read(issue_from_settings(SETTINGS, "portal", lifetime=timedelta(seconds=-5)))
    with pytest.raises(InvalidToken, match="Audience"):
        read(issue_from_settings(SETTINGS, "operator"), "codec-server")


def test_a_citizen_is_their_own_pseudonymous_actor() -> None:
    first = read(issue_from_settings(SETTINGS, "citizen", citizen_id="001090000001"))
    second = read(issue_from_settings(SETTINGS, "citizen", citizen_id="001090000002"))
    assert first.actor != second.actor
    assert first.actor == f"citizen:{PSEUDONYMS.ref('001090000001')}"
    # The audit trail never holds the personal ID.
    assert "001090000001" not in first.actor
    with pytest.raises(ValueError, match="personal ID"):
        issue_from_settings(SETTINGS, "citizen")


def test_a_citizen_token_naming_another_citizen_as_subject_is_refused() -> None:
    impostor = forge(
        PORTAL_ISSUER,
        "citizen",
        sub=PSEUDONYMS.ref("001090000002"),
        citizen_id="001090000001",
    )
    with pytest.raises(InvalidToken, match="pseudonym"):
        read(impostor)
    with pytest.raises(InvalidToken, match="without the citizen"):
        read(forge(PORTAL_ISSUER, "citizen", sub=PSEUDONYMS.ref("001090000002")))
    with pytest.raises(ValueError, match="subject is the pseudonym"):
        issue_token(
            SETTINGS.token_signing_key(PORTAL_ISSUER),
            "citizen",
            "test-citizen",
            citizen_id="001090000001",
            pseudonyms=PSEUDONYMS,
        )


def test_pseudonym_rotation_keeps_earlier_declarations_the_citizens_own() -> None:
    before = PseudonymKeys({"2025": "an older secret of at least 32 chars"}, "2025")
    after = PseudonymKeys({**before.keys, "2026": "a newer secret of at least 32 chars."}, "2026")
    filed = before.ref("001090000001")
    assert filed.startswith("2025:")
    column = SQLModel.metadata.tables[DeclarationRecord.__tablename__].c.declarant_ref
    assert len(filed) <= getattr(column.type, "length", 0)
    assert after.ref("001090000001").startswith("2026:")
    assert filed in after.refs("001090000001")
    assert filed not in after.refs("001090000002")
    # A reference from before references were versioned, once its secret is a version.
    legacy = person_ref("the old shared secret", "001090000001")
    assert legacy in PseudonymKeys({"0": "the old shared secret"}, "0").refs("001090000001")
    # A token issued under the retired version still names the same citizen.
    token = issue_token(
        SETTINGS.token_signing_key(PORTAL_ISSUER),
        "citizen",
        citizen_id="001090000001",
        pseudonyms=before,
    )
    assert read_token(VERIFY, token, pseudonyms=after).citizen_id == "001090000001"


def test_pseudonym_versions_are_checked() -> None:
    with pytest.raises(ValueError, match="use 1-32"):
        PseudonymKeys({"a:b": "secret"}, "a:b")
    with pytest.raises(ValueError, match="names no configured key"):
        PseudonymKeys({"1": "secret"}, "2")


def test_a_token_lives_no_longer_than_its_role_allows() -> None:
    now = datetime.now(UTC)
    ten_years = now + timedelta(days=3650)
    with pytest.raises(InvalidToken):
        read(forge(OPERATOR_ISSUER, "operator", iat=now, exp=ten_years))
    with pytest.raises(InvalidToken):
        read(forge(PORTAL_ISSUER, "portal", sub="portal", iat=now, exp=ten_years))
    with pytest.raises(ValueError, match="at most"):
        issue_from_settings(SETTINGS, "operator", lifetime=timedelta(hours=13))
    within = issue_from_settings(SETTINGS, "operator", lifetime=timedelta(hours=12))
    assert read(within).role == "operator"


def test_an_agency_operator_holds_no_audit_or_trust_scope() -> None:
    justice = read(issue_from_settings(SETTINGS, "operator", party="justice"))
    assert justice.scopes == {Scope.READ}
    assert justice.agency_operator == "justice"
    ours = read(issue_from_settings(SETTINGS, "operator"))
    assert {Scope.AUDIT, Scope.TRUST} <= ours.scopes
    assert ours.agency_operator is None
    # A token that claims the scopes anyway gets none it may not hold.
    claimed = read(forge(OPERATOR_ISSUER, "operator", party="justice"))
    assert claimed.scopes == {Scope.READ}
