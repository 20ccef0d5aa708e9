"""What the agency refuses to do with a case, in its own words."""

from __future__ import annotations


class CaseError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NoSuchCase(CaseError):
    def __init__(self) -> None:
        super().__init__("No such case.")


class NoSuchDecision(CaseError):
    def __init__(self) -> None:
        super().__init__("No such decision.")


class IdempotencyKeyReused(CaseError):
    """The key already opened a case for a different request."""

    def __init__(self) -> None:
        super().__init__("This idempotency key was already used for a different request.")


class CaseNotPending(CaseError):
    def __init__(self, status: str) -> None:
        super().__init__(f"The case is {status}, not pending.")


class CannotApprove(CaseError):
    """The officer would approve, but the agency's rules do not allow it."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Cannot approve: {reason}")
