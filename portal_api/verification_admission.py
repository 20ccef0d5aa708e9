"""Who may send a document to be verified, and when. Anyone may, without a credential, so the
verify route has places of its own, apart from the declarations' large-body slots: a document
sent slowly, or many at once, keeps other documents waiting, never a family's declaration. One
client address holds at most a few places, and a body must arrive in time once it holds one.

What is remembered is bounded: the clients with a request admitted (at most twice the places:
those holding one, and as many waiting), forgotten when their last request ends."""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

# How long a document waits for a place before it is answered 503: a check takes well under a
# second, so a place frees up within this unless the route is flooded.
WAIT_SECONDS = 10.0


class NotAdmitted(StrEnum):
    """Why a document is refused before its body is read: the `type` the client reads."""

    # This client already holds its share of places (429).
    CLIENT_BUSY = "verifications_per_client"
    # Every place is held and as many requests wait already, or none freed up in time (503).
    BUSY = "verifications_busy"


def client_key(scope_client: tuple[str, int] | list[object] | None) -> str:
    """The address requests are counted by: an IPv6 client by its /64, which one subscriber
    usually holds whole."""
    if not scope_client:
        return "unknown"
    host = str(scope_client[0])
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return host


@dataclass
class Admission:
    """One admitted request: it holds a place once `place` says so, and `leave` ends it."""

    gate: VerificationAdmission
    client: str
    holding: bool = False

    async def place(self) -> bool:
        """Whether a place freed up within the wait."""
        try:
            await asyncio.wait_for(self.gate.places.acquire(), self.gate.wait_seconds)
        except TimeoutError:
            return False
        self.holding = True
        return True

    def leave(self) -> None:
        if self.holding:
            self.gate.places.release()
            self.holding = False
        self.gate.forget(self.client)


class VerificationAdmission:
    def __init__(self, places: int, per_client: int, wait_seconds: float = WAIT_SECONDS) -> None:
        self.places = asyncio.Semaphore(places)
        self.per_client = per_client
        self.wait_seconds = wait_seconds
        # Holding a place or waiting for one.
        self.bound = 2 * places
        # A Counter's lookup of an absent client stores nothing.
        self._admitted: Counter[str] = Counter()
        self._total = 0

    @property
    def clients(self) -> int:
        """How many client addresses are remembered now."""
        return len(self._admitted)

    def admit(self, client: str) -> Admission | NotAdmitted:
        if self._admitted[client] >= self.per_client:
            refusal: NotAdmitted | None = NotAdmitted.CLIENT_BUSY
        elif self._total >= self.bound:
            refusal = NotAdmitted.BUSY
        else:
            refusal = None
        if refusal is not None:
            return refusal
        self._admitted[client] += 1
        self._total += 1
        return Admission(self, client)

    def forget(self, client: str) -> None:
        self._total -= 1
        self._admitted[client] -= 1
        if self._admitted[client] <= 0:
            del self._admitted[client]
