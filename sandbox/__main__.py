"""Run one sandbox agency: `python -m sandbox justice --port 8101`."""

from __future__ import annotations

import argparse

from observability.http_serving import serve_http
from observability.logging import configure_logging
from sandbox.casebook.agency import SandboxAgency
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.justice.agency import JUSTICE
from sandbox.police.agency import POLICE
from sandbox.postal import POSTAL
from sandbox.settings import get_sandbox_settings
from sandbox.social_security.agency import SOCIAL_SECURITY

# The sandbox agencies, by name: the only list of them in the sandbox.
AGENCIES: dict[str, SandboxAgency] = {
    agency.name: agency
    for agency in (
        JUSTICE,
        POLICE,
        SOCIAL_SECURITY,
        POSTAL,
    )
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("agency", choices=sorted(AGENCIES))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = get_sandbox_settings()
    configure_logging(f"sandbox-{args.agency}", settings.log_level)
    credentials = AgencyCredentials(
        service_key=settings.service_key(args.agency),
        officer_key=settings.officer_key(args.agency),
        signing_seed=settings.signing_keys[args.agency].get_secret_value(),
        signing_key_id=settings.signing_key_ids[args.agency],
    )
    agency = AGENCIES[args.agency]
    app = agency.create_app(
        settings.state_dir, settings.data_dir, credentials, agency.policy(settings)
    )
    serve_http(app, args.host, args.port, settings.keep_alive_seconds)


if __name__ == "__main__":
    main()
