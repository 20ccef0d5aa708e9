"""Issue a signed token for local use (or `make token ROLE=portal|citizen|operator`):

    python -m devstack.tokens portal
    python -m devstack.tokens citizen --citizen-id 001090012345
    python -m devstack.tokens operator --audience codec-server [--party justice]

An agency's operator decodes only that agency's namespace. The portal's issuer signs portal and
citizen tokens, the operators' issuer operator tokens, each with its key in TOKEN_SIGNING_KEYS
(development keys unless configured)."""

from __future__ import annotations

import argparse
from datetime import timedelta

from devstack.issuing import issue_from_settings
from schemas.parties import AGENCY_PARTIES
from settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["portal", "citizen", "operator"])
    parser.add_argument(
        "--subject", default=None, help="a portal's or operator's name (not for citizens)"
    )
    parser.add_argument("--citizen-id", default=None)
    parser.add_argument("--audience", default="portal-api", choices=["portal-api", "codec-server"])
    parser.add_argument("--hours", type=float, default=8)
    parser.add_argument(
        "--party",
        default="orchestrator",
        choices=["orchestrator", *AGENCY_PARTIES],
    )
    args = parser.parse_args()
    if args.role == "citizen" and not args.citizen_id:
        parser.error("a citizen token needs --citizen-id (its subject is derived from it)")
    try:
        token = issue_from_settings(
            get_settings(),
            args.role,
            args.subject,
            citizen_id=args.citizen_id,
            audience=args.audience,
            lifetime=timedelta(hours=args.hours),
            party=args.party,
        )
    except (LookupError, ValueError) as error:
        parser.error(str(error))
    print(token)


if __name__ == "__main__":
    main()
