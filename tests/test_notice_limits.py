"""No SMS bombing: ten births filed with one phone number, each a declaration of its own, reach
that phone with no more messages than its limit allows; the rest are suppressed, counted as
such, and every declaration completes all the same."""

from __future__ import annotations

import asyncio
import time

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from devstack.declaration_factory import DeclarationFactory
from devstack.processes import free_port
from store.models import NoticeAdmission, NoticeOutboxRecord
from store.notice_outbox import SETTLED
from tests.harness.notices import sms_outbox, unique_phone
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import StackFactory
from tests.harness.waiting import wait_for_status
from tests.test_metrics import scrape

BIRTHS = 10
PER_HOUR, PER_DAY = 4, 12


def all_settled(engine: Engine, ids: list[str]) -> bool:
    """Whether every notice of these declarations was sent or not sent, for good."""
    with Session(engine) as session:
        states = session.exec(
            select(NoticeOutboxRecord.state).where(col(NoticeOutboxRecord.declaration_id).in_(ids))
        ).all()
    return bool(states) and all(state in SETTLED for state in states)


async def notice_counts(
    url: str, engine: Engine, ids: list[str], timeout: float = 90
) -> dict[str, float]:
    """The worker's SMS messages by outcome, once every one of the births' is settled."""
    deadline = time.monotonic() + timeout
    while not all_settled(engine, ids):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    page = await scrape(url, "lienthong_notices_total")
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == "lienthong_notices_total" and sample.labels["channel"] == "sms"
    }


async def test_ten_births_with_one_phone_send_it_no_more_than_its_limit(
    stack_factory: StackFactory,
    services: SessionServices,
    factory: DeclarationFactory,
    own_store_url: str,
    own_store: Engine,
) -> None:
    # A store of the test's own: the worker's sender sends whatever its store holds, and the
    # notices other tests left pending in the session's store would be counted with these.
    stack = await stack_factory(
        with_workers=False,
        database_url=own_store_url,
        notices_per_recipient_per_hour=PER_HOUR,
        notices_per_recipient_per_day=PER_DAY,
    )
    metrics_port = free_port()
    env = stack.worker_env()
    env["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{metrics_port}"
    process = services.launcher.spawn_worker(["all"], "worker-notice-limits", env=env)[0]
    try:
        # One phone number, a stranger's, on ten declarations of ten different births.
        phone = unique_phone()
        bodies = [factory.birth(next(factory.couples()), delivery="electronic") for _ in range(10)]
        for body in bodies:
            body["declarant"].update(phone=phone, email=None, notify=["sms"])
        accepted = await asyncio.gather(*(submit(stack.api, "birth", b) for b in bodies))
        ids = [a["declaration_id"] for a in accepted]
        views = await asyncio.gather(*(wait_for_status(stack.api, i, timeout=120) for i in ids))
        assert [v["status"] for v in views] == ["completed"] * BIRTHS
        counts = await notice_counts(f"http://127.0.0.1:{metrics_port}/metrics", own_store, ids)
    finally:
        process.stop()

    # At least two messages a birth (received, then its outcome), all but the limit suppressed.
    messages = counts.get("sent", 0) + counts.get("suppressed", 0)
    assert messages >= 2 * BIRTHS
    assert counts == {"sent": PER_HOUR, "suppressed": messages - PER_HOUR}
    outbox = await sms_outbox(stack.settings.sms_gateway_url, phone)
    assert len(outbox) == PER_HOUR
    with Session(own_store) as session:
        decided = session.exec(
            select(NoticeAdmission).where(col(NoticeAdmission.declaration_id).in_(ids))
        ).all()
    assert sorted(d.outcome for d in decided) == ["admitted"] * PER_HOUR + ["suppressed"] * int(
        messages - PER_HOUR
    )
