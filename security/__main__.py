"""Issue a signed token for local use: `python -m security portal`, `python -m security citizen
--citizen-id 001090012345`, `python -m security operator --audience codec-server [--party
justice]` (an agency's operator decodes only that agency's namespace)."""

from __future__ import annotations

import argparse
from datetime import timedelta

from security.tokens import issue_token
from settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["portal", "citizen", "operator"])
    parser.add_argument("--subject", default=None)
    parser.add_argument("--citizen-id", default=None)
    parser.add_argument("--audience", default="portal-api", choices=["portal-api", "codec-server"])
    parser.add_argument("--hours", type=float, default=8)
    parser.add_argument(
        "--party",
        default="orchestrator",
        choices=["orchestrator", "justice", "police", "social_security", "postal"],
    )
    args = parser.parse_args()
    settings = get_settings()
    print(
        issue_token(
            settings.auth_token_secret.get_secret_value(),
            args.subject or args.role,
            args.role,
            citizen_id=args.citizen_id,
            audience=args.audience,
            lifetime=timedelta(hours=args.hours),
            party=args.party,
        )
    )


if __name__ == "__main__":
    main()
