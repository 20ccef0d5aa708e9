"""Telling the declarant of each milestone through the channels they chose, without ever holding
up the declaration: each channel has its own queue, sent in order by activities that retry while
the channel is down. The declaration's status moves on meanwhile; its run ends once the last
notice is sent or given up.

A notice's idempotency key is the workflow, the milestone and the channel: the same whatever
replays or retries, so the activity and the providers recognise a notice already sent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.notifications import (
        NOTICE_REFUSED,
        NOTICE_SUPPRESSED,
        NotificationActivities,
    )
    from schemas.common import NotificationChannel
    from schemas.notifications import Milestone, Notice
    from schemas.status import DeclarationStatusView
    from schemas.workflow_inputs import OrchestrationOptions

from workflows import step_metrics
from workflows.agency_steps import Declaration
from workflows.milestones import new_milestones

# A provider that is down is tried again, less often as the outage lasts.
NOTICE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=[NOTICE_REFUSED],
)
CHANNELS: tuple[NotificationChannel, ...] = ("sms", "email")


class DeclarantNotices:
    def __init__(self, workflow_id: str, options: OrchestrationOptions) -> None:
        self._workflow_id = workflow_id
        # Each attempt makes one request (or one SMTP session of a few exchanges): it gets
        # twice the provider's timeout before Temporal counts it lost and tries again.
        self._attempt_limit = timedelta(seconds=2 * options.notice_send_timeout_seconds)
        self._give_up_after = timedelta(hours=options.notice_give_up_hours)
        self._told: set[str] = set()
        self._queues: dict[NotificationChannel, deque[Notice]] = {c: deque() for c in CHANNELS}
        self._closing = False
        self._senders: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._senders = [asyncio.create_task(self._send_all(c)) for c in CHANNELS]

    def observe(self, view: DeclarationStatusView, declaration: Declaration) -> None:
        """Queue a notice for each milestone `view` has reached since the last look."""
        for milestone in new_milestones(view, self._told):
            self._told.add(milestone.key)
            for notice in self._notices(milestone, view.declaration_id, declaration):
                self._queues[notice.channel].append(notice)

    def _notices(
        self, milestone: Milestone, declaration_id: str, declaration: Declaration
    ) -> list[Notice]:
        contact = declaration.declarant
        channels = list(contact.channels)
        # Electronic results also go to the declarant's e-mail address, when one is given.
        attach = (
            milestone.key == "documents_ready"
            and declaration.delivery.method == "electronic"
            and contact.email is not None
        )
        if attach and "email" not in channels:
            channels.append("email")
        notices = []
        for channel in channels:
            recipient = contact.phone if channel == "sms" else contact.email
            if recipient is None:
                continue
            notices.append(
                Notice(
                    idempotency_key=f"{self._workflow_id}/{milestone.key}/{channel}",
                    declaration_id=declaration_id,
                    channel=channel,
                    recipient=recipient,
                    milestone=milestone,
                    attach_documents=attach and channel == "email",
                )
            )
        return notices

    async def _send_all(self, channel: NotificationChannel) -> None:
        queue = self._queues[channel]
        while True:
            await workflow.wait_condition(lambda: bool(queue) or self._closing)
            if not queue:
                return
            notice = queue.popleft()
            send = (
                NotificationActivities.send_sms
                if channel == "sms"
                else NotificationActivities.send_email
            )
            try:
                await workflow.execute_activity_method(
                    send,
                    notice,
                    start_to_close_timeout=self._attempt_limit,
                    schedule_to_close_timeout=self._give_up_after,
                    retry_policy=NOTICE_RETRY,
                    summary=f"tell the declarant: {notice.milestone.key} by {channel}",
                )
            except ActivityError as error:
                step_metrics.notice_settled(channel, _not_sent(error))
                # The family still reads the declaration's status on the portal.
                workflow.logger.warning(
                    "notice_not_sent",
                    extra={
                        "channel": channel,
                        "milestone": notice.milestone.key,
                        "error": type(error.cause).__name__,
                    },
                )
            else:
                step_metrics.notice_settled(channel, "sent")

    async def finish(self) -> None:
        """Send what is queued, then stop."""
        self._closing = True
        await asyncio.gather(*self._senders)


def _not_sent(error: ActivityError) -> str:
    """Why a notice was not sent: the provider refused it, the recipient had had their share of
    notices (suppressed), or its channel stayed down too long (given up)."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type == NOTICE_REFUSED:
        return "refused"
    if isinstance(cause, ApplicationError) and cause.type == NOTICE_SUPPRESSED:
        return "suppressed"
    return "given_up"
