"""Run one sandbox agency: `python -m sandbox_agencies justice --port 8101`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from observability.logging import configure_logging
from sandbox_agencies import justice, police, postal, social_security
from sandbox_agencies.casebook import AgencyCredentials, DecisionPolicy
from settings import get_settings

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
    settings = get_settings()
    configure_logging(f"sandbox-{args.agency}", settings.log_level)
    policy = DecisionPolicy(
        mode=settings.sandbox_decision_mode, delay_seconds=settings.sandbox_decision_delay_seconds
    )
    credentials = AgencyCredentials(
        service_key=settings.agency_service_keys[args.agency].get_secret_value(),
        officer_key=settings.agency_officer_keys[args.agency].get_secret_value(),
        signing_seed=settings.agency_signing_keys[args.agency].get_secret_value(),
        signing_key_id=settings.agency_signing_key_ids[args.agency],
    )
    app = AGENCIES[args.agency](
        settings.sandbox_state_dir, settings.sandbox_data_dir, credentials, policy
    )
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
