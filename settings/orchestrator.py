"""The orchestrator's processes' settings: the portal API, the orchestrator worker, the codec
server."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, model_validator

from schemas.parties import AGENCY_PARTIES, PORTAL_PARTY
from security.decision_signatures import public_key_b64
from security.dev_credentials import (
    AGENCIES,
    PSEUDONYM_DEV_VERSION,
    dev_pseudonym_key,
    dev_signing_key_id,
    dev_signing_seed,
    dev_token_key_id,
    dev_token_seed,
    is_dev_value,
)
from security.document_certificates import (
    ISSUING_AGENCIES,
    dev_document_certificate,
    is_dev_certificate,
)
from security.key_rings import DEV_STORE_KEY_ID, check_store_keys, dev_store_key
from security.principals import AGENCY_ISSUERS, ISSUER_ROLES
from security.pseudonyms import PseudonymKeys
from security.tokens import SigningKey, public_key_problem
from settings.keys import PayloadKeys, TokenSigningKey
from settings.notifications import NotificationSettings
from settings.party import PROJECT_ROOT

REQUESTER_DEV_KEY_ID = "portal-api-dev-1"
DEV_REQUESTER_SEED = dev_signing_seed("portal api requester")


class Settings(NotificationSettings):
    """The orchestrator's processes: its worker, the portal API and the codec server (and how
    the worker reaches declarants, `NotificationSettings`)."""

    # Worker tuning. A declaration is busy for seconds, then waits days on officers: the sticky
    # cache only has to hold the declarations being worked on at once. It is also what bounds a
    # worker's memory however many declarations are open (docs/benchmarks.md measures both).
    max_cached_workflows: int = Field(default=250, ge=0)
    max_concurrent_workflow_tasks: int = Field(default=100, ge=1)

    # The orchestrator's own records.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'lienthong.db'}"

    # How long one synchronous agency call (a registry check, a follow-up) may take through Nexus
    # before Temporal retries it.
    agency_call_timeout_seconds: float = Field(default=30.0, gt=0)

    # Tests and demos only: a working day lasts this many seconds, so deadlines, reminders and the
    # 7-day wait for a supplement pass quickly. Unset, the real calendar applies.
    working_day_seconds: float | None = Field(default=None, gt=0)
    # How often a held decision (one no trusted key verifies) is checked against the trust store
    # again, so that a key an operator adds later releases it.
    decision_recheck_seconds: float = Field(default=3600.0, gt=0)
    # How often the orchestrator's worker looks for declarations whose workflow failed or was
    # terminated, to say so in their status.
    ended_runs_watch_seconds: float = Field(default=30.0, gt=0)

    # Secrets. The defaults are development credentials (see security.dev_credentials), which
    # production refuses.
    # Bearer tokens: the public keys the portal API and codec server verify with, by issuer and
    # key id (security.principals.ISSUER_ROLES names the issuers) ...
    token_verify_keys: dict[str, dict[str, str]] = Field(
        default_factory=lambda: {
            i: {dev_token_key_id(i): public_key_b64(dev_token_seed(i))} for i in ISSUER_ROLES
        }
    )
    # ... and each issuer's private key, needed only where tokens are issued (`python -m
    # security`, tests, demos): set it to `{}` for the processes that only verify. The agencies'
    # keys are theirs alone (settings.agency_worker).
    token_signing_keys: dict[str, TokenSigningKey] = Field(
        default_factory=lambda: {
            i: TokenSigningKey.development(i) for i in ISSUER_ROLES if i not in AGENCY_ISSUERS
        }
    )
    # The keys of the declarant pseudonyms (security.pseudonyms), by version, and the version
    # new declarations use. Keep a retired version while declarations filed under it are open.
    pseudonym_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {PSEUDONYM_DEV_VERSION: SecretStr(dev_pseudonym_key())}
    )
    pseudonym_active_key: str = PSEUDONYM_DEV_VERSION
    # The payload keys of each agency, which the orchestrator seals what it sends them with.
    peer_payload_keys: dict[str, PayloadKeys] = Field(
        default_factory=lambda: {str(a): PayloadKeys.development(a) for a in AGENCY_PARTIES}
    )
    # The agencies' decision-signing public keys the orchestrator's trust store starts with, by
    # agency and key id (the private halves are the agencies' own).
    # Keys are rotated and revoked in the trust store itself, while declarations are open.
    agency_verify_keys: dict[str, dict[str, str]] = Field(
        default_factory=lambda: {
            a: {dev_signing_key_id(a): public_key_b64(dev_signing_seed(a))} for a in AGENCIES
        }
    )
    # The portal API's keys for attesting each declaration it files and who asked for each
    # update (a withdrawal, a supplement), by key id: held by the API alone (set it to `{}` for
    # the other processes) ...
    requester_signing_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {REQUESTER_DEV_KEY_ID: SecretStr(DEV_REQUESTER_SEED)}
    )
    requester_signing_active_key: str = REQUESTER_DEV_KEY_ID
    # ... and their public halves, which the orchestrator's trust store starts with (as party
    # `portal`): a declaration's workflow acts only on what one of them, unrevoked, attests.
    # Operators cannot add to them through the trust store's routes; a new key comes with the
    # settings.
    requester_verify_keys: dict[str, str] = Field(
        default_factory=lambda: {REQUESTER_DEV_KEY_ID: public_key_b64(DEV_REQUESTER_SEED)}
    )

    @property
    def trust_store_seed(self) -> dict[str, dict[str, str]]:
        """The public keys the trust store starts with, by party and key id."""
        return {**self.agency_verify_keys, PORTAL_PARTY: self.requester_verify_keys}

    @model_validator(mode="after")
    def _check_requester_keys(self) -> Settings:
        if (
            self.requester_signing_keys
            and self.requester_signing_active_key not in self.requester_signing_keys
        ):
            raise ValueError("REQUESTER_SIGNING_ACTIVE_KEY names no key in REQUESTER_SIGNING_KEYS")
        if self.environment == "production" and (
            any(
                is_dev_value(k.get_secret_value()) or k.get_secret_value() == DEV_REQUESTER_SEED
                for k in self.requester_signing_keys.values()
            )
            or public_key_b64(DEV_REQUESTER_SEED) in self.requester_verify_keys.values()
        ):
            raise ValueError(
                "REQUESTER_SIGNING_KEYS or REQUESTER_VERIFY_KEYS holds a development key"
            )
        return self

    # The parties whose namespaces the codec server decodes for their own operators. In
    # development one codec server serves every party; in production each party runs its own,
    # holding only its own keys (an agency's under its prefix, e.g. JUSTICE_PAYLOAD_…).
    codec_parties: list[str] = Field(default_factory=lambda: ["orchestrator", *AGENCY_PARTIES])
    codec_allowed_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"]
    )

    # Portal intake limits. A declaration's body (a submission, a supplement) may be as large as
    # its attachments allow, base64 and all, but never over `max_request_bytes`; a withdrawal
    # carries a short reason at most, and every other route a small body or none.
    attachment_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_attachments: int = Field(default=10, ge=1)
    max_request_bytes: int = Field(default=32 * 1024 * 1024, gt=0)
    max_withdraw_request_bytes: int = Field(default=8 * 1024, gt=0)
    max_other_request_bytes: int = Field(default=16 * 1024, gt=0)
    # A signed document sent to be verified (`POST /v1/documents/verify`), or by its agency to
    # be stored on a declaration (`POST /v1/declarations/{id}/documents`).
    max_document_verify_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    # How many requests may hold a body over 1 MiB at once: each costs about three times its
    # size while it is parsed. Others wait for a slot, then get 503. Documents sent to be
    # verified never take these slots: they have their own, below.
    max_concurrent_large_requests: int = Field(default=2, ge=1)

    # Documents sent to be verified, by anyone and without a credential
    # (portal_api.verification_admission): how many may be received or checked at once, a few
    # more than there are checking processes so that some arrive while others are checked. As
    # many again wait up to 10 s for a place; the rest get 503. Declarations never wait on them.
    max_concurrent_document_verifications: int = Field(default=4, ge=1)
    # How many of those one client address may hold at once (429 past it), so that one sender
    # cannot hold them all. Behind a proxy, name it in FORWARDED_ALLOW_IPS (read by uvicorn) so
    # that the address is the sender's from X-Forwarded-For; an IPv6 sender counts by its /64.
    document_verifications_per_client: int = Field(default=2, ge=1)
    # The whole body must arrive within this many seconds once it has a place (408 otherwise): a
    # document is at most `max_document_verify_bytes`, 2 MiB by default, which takes 30 s at
    # 70 KB/s, while a sender trickling bytes would hold its place for minutes.
    document_verify_body_seconds: float = Field(default=30.0, gt=0)

    # Signed documents are checked (pyHanko) in processes of their own, never in the API's:
    # parsing a hostile PDF costs many times its size (a 0.94 MB PDF of 13,000 form fields about
    # 30 MB, checked in 0.8 s), and memory the API took for it would stay taken. This serves both
    # the public verify route and the agencies' storing of their documents.
    document_check_workers: int = Field(default=2, ge=1)
    # The address space one check may map (RLIMIT_AS), in MiB, beyond the process's own once
    # pyHanko is loaded (about 90 MiB): checking a 1.9 MB PDF of 26,000 form fields, near the
    # most the body limit lets in, takes about 95 MiB more. A document that needs more is not
    # valid.
    document_check_memory_mib: int = Field(default=160, ge=32)
    # How long one check may take before its process is stopped (and the document is not valid):
    # an agency's document is checked in a few tens of milliseconds, the largest in 3 s.
    document_check_seconds: float = Field(default=10.0, gt=0)
    # A process is replaced after this many checks, so that memory a check fragmented is returned
    # to the system, whatever was sent.
    document_checks_per_worker: int = Field(default=50, ge=1)

    # Where the portal API serves its Prometheus metrics (host:port), apart from the public API
    # so that only the scraper reaches them; unset, none are served.
    api_metrics_bind_address: str | None = None
    # How long the portal API and the codec server keep an idle connection open. Longer than
    # their clients' own idle limits (httpx and most load balancers keep one 5 to 60 s), so that
    # the client always closes first: a server closing at the moment a client reuses the
    # connection loses that request.
    api_keep_alive_seconds: int = Field(default=75, ge=1)

    # Personal data at rest in the store (attachments, statuses, results, rejection reasons) is
    # sealed under these keys: key id -> base64 of 32 bytes, and the one new rows are sealed
    # under. Keep a retired key while rows sealed under it remain.
    store_encryption_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {DEV_STORE_KEY_ID: SecretStr(dev_store_key())}
    )
    store_encryption_active_key: str = DEV_STORE_KEY_ID
    # Attachments no declaration references (its submission was refused, or its workflow never
    # started) are deleted once this old: the grace covers an upload whose declaration is still
    # being recorded, or a supplement on its way to its workflow.
    attachment_orphan_grace_seconds: float = Field(default=24 * 3600.0, gt=0)
    # How often the orchestrator's worker sweeps attachments.
    attachment_sweep_seconds: float = Field(default=3600.0, gt=0)
    # A closed declaration's attachments are deleted this long after it closed; its record,
    # status and audit trail stay. Unset, they are kept.
    attachment_retention_days: float | None = Field(default=None, gt=0)

    # The certificates agencies sign their electronic results with (PEM, by agency): what the
    # portal serves and anyone may verify is checked against these alone.
    document_certificates: dict[str, str] = Field(
        default_factory=lambda: {a: dev_document_certificate(a) for a in ISSUING_AGENCIES}
    )

    @property
    def pseudonyms(self) -> PseudonymKeys:
        return PseudonymKeys(
            {v: s.get_secret_value() for v, s in self.pseudonym_keys.items()},
            self.pseudonym_active_key,
        )

    def token_signing_key(self, issuer: str) -> SigningKey:
        key = self.token_signing_keys.get(issuer)
        if key is None:
            raise LookupError(f"TOKEN_SIGNING_KEYS holds no key of {issuer}: this process verifies")
        return SigningKey(issuer, key.key_id, key.seed.get_secret_value())

    @model_validator(mode="after")
    def _check_token_and_pseudonym_keys(self) -> Settings:
        # Building the ring refuses a malformed version or an active version with no key.
        if not self.pseudonyms.keys:
            raise ValueError("PSEUDONYM_KEYS is empty")
        for issuer in {*self.token_verify_keys, *self.token_signing_keys}:
            if issuer not in ISSUER_ROLES:
                raise ValueError(f"TOKEN_*_KEYS: unknown issuer {issuer!r}")
        for issuer, keys in self.token_verify_keys.items():
            for key_id, public in keys.items():
                if problem := public_key_problem(public):
                    raise ValueError(f"TOKEN_VERIFY_KEYS[{issuer}][{key_id}] {problem}")
        return self

    def identity_problems(self) -> list[str]:
        """What production refuses in how callers are identified and declarants pseudonymised,
        and in where the orchestrator may send personal data or accept a browser's cookie from."""
        problems = []
        for issuer, key in self.token_signing_keys.items():
            if is_dev_value(key.seed.get_secret_value()):
                problems.append(f"TOKEN_SIGNING_KEYS[{issuer}] is a development key")
        for issuer, keys in self.token_verify_keys.items():
            for key_id, public in keys.items():
                if is_dev_value(public):
                    problems.append(f"TOKEN_VERIFY_KEYS[{issuer}][{key_id}] is a development key")
        for version, secret in self.pseudonym_keys.items():
            value = secret.get_secret_value()
            if len(value) < 32 or is_dev_value(value):
                problems.append(
                    f"PSEUDONYM_KEYS[{version}] is shorter than 32 characters or a development key"
                )
        for agency, certificate in self.document_certificates.items():
            if is_dev_certificate(certificate):
                problems.append(f"DOCUMENT_CERTIFICATES[{agency}] is a development certificate")
        if any("*" in origin for origin in self.codec_allowed_origins):
            problems.append("CODEC_ALLOWED_ORIGINS must name origins, not a wildcard")
        return problems

    @model_validator(mode="after")
    def _refuse_unsafe_production_config(self) -> Settings:
        if self.environment != "production":
            return self
        problems = self.connection_problems()
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL must point at a shared database (PostgreSQL), not SQLite")
        secrets = [
            *(
                (f"PEER_PAYLOAD_KEYS[{agency}][{k}]", v)
                for agency, ring in self.peer_payload_keys.items()
                for k, v in ring.keys.items()
            ),
        ]
        for name, secret in secrets:
            value = secret.get_secret_value()
            if not value or is_dev_value(value):
                problems.append(f"{name} is empty or a development default")
        dev_public = {public_key_b64(dev_signing_seed(a)) for a in AGENCIES}
        if any(set(keys.values()) & dev_public for keys in self.agency_verify_keys.values()):
            problems.append("AGENCY_VERIFY_KEYS trusts a development signing key")
        problems.extend(self.identity_problems())
        if self.working_day_seconds is not None:
            problems.append("WORKING_DAY_SECONDS shortens legal deadlines and is for tests only")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _check_store_keys(self) -> Settings:
        """The store keys must make a ring, and production refuses the development key."""
        check_store_keys(
            {k: v.get_secret_value() for k, v in self.store_encryption_keys.items()},
            self.store_encryption_active_key,
            production=self.environment == "production",
        )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
