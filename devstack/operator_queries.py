"""The Temporal UI filters an operator reaches for first, as links `make run` prints.

Each is a visibility query on the project's search attributes (and the server's own `CloseTime`:
a declaration's workflow closes as soon as its outcome is settled, so its close time is when it
was rejected).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from temporal_connection import search_attributes

# The province a demo operator looks at: Hà Nội.
DEMO_PROVINCE_CODE = "01"


def operator_queries(today: date, province_code: str = DEMO_PROVINCE_CODE) -> dict[str, str]:
    """Each query by what it finds. `today` is a UTC date: the server compares times in UTC,
    and reads them only in full RFC 3339."""
    status = search_attributes.STATUS.name
    return {
        "overdue": f"{search_attributes.OVERDUE.name} = true",
        "awaiting supplement": f'{status} = "awaiting_supplement"',
        "rejected today": f'{status} = "rejected" AND CloseTime >= "{today.isoformat()}T00:00:00Z"',
        f"in province {province_code}": (
            f'{search_attributes.PROVINCE_CODE.name} = "{province_code}"'
        ),
    }


def query_link(workflows_url: str, query: str) -> str:
    """The UI's workflow list, filtered by `query`."""
    return f"{workflows_url}?query={quote(query)}"
