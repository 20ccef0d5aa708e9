"""Process settings, read from the environment (and an optional `.env` file).

Each party reads its own: the orchestrator's processes (portal API, orchestrator worker, codec
server) read `Settings`; an agency's case worker reads `AgencyWorkerSettings` under its own
prefix (`JUSTICE_`, `POLICE_`, `SOCIAL_SECURITY_`, `POSTAL_`), so it is deployed with nothing
but its own namespace, credentials and keys. The sandbox agencies, which stand in for the
agencies' own systems, read settings of their own (`sandbox.settings`).
"""

from settings.agency_worker import AgencyWorkerSettings
from settings.keys import PayloadKeys, TokenSigningKey
from settings.orchestrator import Settings, get_settings
from settings.party import PROJECT_ROOT, PartySettings

__all__ = [
    "PROJECT_ROOT",
    "AgencyWorkerSettings",
    "PartySettings",
    "PayloadKeys",
    "Settings",
    "TokenSigningKey",
    "get_settings",
]
