"""The store key ring of this process, from its settings.

The store's readers include functions given only a record (the portal's status read), so the
ring is the process's own, as configured in its environment, rather than something each caller
passes along.
"""

from __future__ import annotations

from functools import lru_cache

from security.key_rings import KeyRing, ring_from_config
from settings import Settings, get_settings
from store.at_rest import StoreCipher

# The columns that hold sealed values; each is part of what a sealed value is bound to.
STATUS = "declarations.status"
STEP_RESULT = "step_results.result"
STEP_REASON = "step_events.reason"
ATTACHMENT = "attachments.content"
NOTICE = "notice_outbox.content"


def store_key_ring(settings: Settings) -> KeyRing:
    return ring_from_config(
        {k: v.get_secret_value() for k, v in settings.store_encryption_keys.items()},
        settings.store_encryption_active_key,
    )


@lru_cache(maxsize=1)
def store_cipher() -> StoreCipher:
    return StoreCipher(store_key_ring(get_settings()))
