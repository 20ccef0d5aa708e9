"""The orchestrator's record keeping: each workflow reports its progress to the store."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from temporalio import activity

from activities.agency_errors import bind_activity_context
from schemas.progress import ProgressReport
from store.declarations import save_progress


class RecordActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @activity.defn(name="records.save_progress")
    def save_progress(self, report: ProgressReport) -> None:
        bind_activity_context(report.view.declaration_id)
        save_progress(self.engine, report)
