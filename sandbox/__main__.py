"""Run one sandbox agency: `python -m sandbox justice --port 8101`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from observability.logging import configure_logging
from sandbox import justice, police, postal, social_security
from sandbox.casebook import AgencyCredentials, DecisionPolicy
from sandbox.settings import get_sandbox_settings

AGENCIES: dict[str, Callable[[Path, Path, AgencyCredentials, DecisionPolicy], FastAPI]] = {
    "justice": justice.create_app,
    "police": police.create_app,
    "social_security": social_security.create_app,
    "postal": postal.create_app,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("agency", choices=sorted(AGENCIES))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = get_sandbox_settings()
    configure_logging(f"sandbox-{args.agency}", settings.log_level)
    policy = DecisionPolicy(
        mode=settings.decision_mode, delay_seconds=settings.decision_delay_seconds
    )
    credentials = AgencyCredentials(
        service_key=settings.service_key(args.agency),
        officer_key=settings.officer_key(args.agency),
        signing_seed=settings.signing_keys[args.agency].get_secret_value(),
        signing_key_id=settings.signing_key_ids[args.agency],
    )
    app = AGENCIES[args.agency](settings.state_dir, settings.data_dir, credentials, policy)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
