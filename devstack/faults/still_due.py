"""What closed declarations still have coming, waited for before anything is called stuck.

A declaration's status closes with its decisions, but the rest follows it: posted results are
delivered when the post reports them (the declaration's workflow and the shipment's wait for
that report), each approved record's signed document is issued by a workflow of its own after
the decision, and the declarant's notices leave once what they announce is there. Only when
none of that is still due may a workflow still running be called stuck."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
from sqlalchemy.engine import Engine
from temporalio.client import Client

from devstack.faults.after_decisions import (
    documents_not_stored,
    notices_unsettled,
    posted_not_delivered,
)
from devstack.faults.portal_records import notices, stored_documents
from devstack.faults.sweeps import running_workflows
from devstack.faults.timeline import Timeline
from devstack.faults.verification import View, read_views

POLL_SECONDS = 3.0
# Once nothing is due, how long a workflow may take to end (a declaration's workflow ends a
# moment after the post's report reaches it) before it is called stuck.
RUNNING_GRACE_SECONDS = 60.0


@dataclass
class StillDue:
    # Declarations whose posted results the post has not reported delivered.
    posts: list[str] = field(default_factory=list)
    # By declaration, the kinds of signed document not yet stored at the portal.
    documents: dict[str, list[str]] = field(default_factory=dict)
    # By declaration, the notices not yet settled.
    notices: dict[str, int] = field(default_factory=dict)
    running: list[str] = field(default_factory=list)

    @property
    def coming(self) -> bool:
        """Whether anything the declarations have coming is yet to come."""
        return bool(self.posts or self.documents or self.notices)

    @property
    def nothing(self) -> bool:
        return not (self.coming or self.running)

    def describe(self) -> str:
        parts = [
            f"{len(self.posts)} post(s) to be delivered",
            f"{sum(map(len, self.documents.values()))} document(s) to be issued",
            f"{sum(self.notices.values())} notice(s) to be sent",
            f"{len(self.running)} workflow(s) running",
        ]
        return ", ".join(parts)


async def read_still_due(
    views: dict[str, View | None], store: Engine, temporal: Client
) -> StillDue:
    documents = await asyncio.to_thread(stored_documents, store)
    notice_rows = await asyncio.to_thread(notices, store)
    known = set(views)
    return StillDue(
        posts=posted_not_delivered(views),
        documents=documents_not_stored(views, documents),
        notices={d: n for d, n in notices_unsettled(notice_rows).items() if d in known},
        running=await running_workflows(temporal),
    )


async def wait_until_settled(
    api: httpx.AsyncClient,
    store: Engine,
    temporal: Client,
    views: dict[str, View | None],
    deadline: float,
    timeline: Timeline,
) -> StillDue:
    """Wait until the post has delivered, the documents are stored, the notices are settled and
    no workflow runs, or until the deadline (a `time.monotonic()` reading); once nothing else is
    due, workflows get `RUNNING_GRACE_SECONDS` to end. `views` is updated in place as the posted
    declarations change; returns what is still due at the end."""
    last_said = 0.0
    all_in_since: float | None = None
    while True:
        due = await read_still_due(views, store, temporal)
        now = time.monotonic()
        if due.coming:
            all_in_since = None
        elif all_in_since is None:
            all_in_since = now
        stuck = all_in_since is not None and now - all_in_since > RUNNING_GRACE_SECONDS
        if due.nothing or stuck or now > deadline:
            break
        if time.monotonic() - last_said > 30:
            timeline.say(f"waiting for what is still due: {due.describe()}")
            last_said = time.monotonic()
        await asyncio.sleep(POLL_SECONDS)
        views.update(await read_views(api, due.posts))
    if due.nothing:
        timeline.record(
            "everything due arrived",
            "posts delivered, documents stored, notices settled, no workflow running",
        )
    else:
        timeline.record("STILL DUE at the deadline", due.describe())
    return due
