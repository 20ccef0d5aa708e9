"""The store's cipher, from a process's settings, and the columns it seals.

A process builds its cipher once, where it builds its engine (its composition root: the
worker, the portal API, the tests' harness), and passes it to whatever reads or writes a sealed
value beside the engine.
"""

from __future__ import annotations

from security.key_rings import KeyRing, ring_from_config
from settings import Settings
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


def store_cipher(settings: Settings) -> StoreCipher:
    return StoreCipher(store_key_ring(settings))
