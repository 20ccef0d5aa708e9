"""What `monitoring/` ships fits what the stack exports: each job of the Prometheus scrape config
is an endpoint of `make run`'s stack, and every metric the Grafana dashboard's queries read is
on one of them once a declaration has gone through."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx

# PyYAML comes with schemathesis, without type stubs.
import yaml  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families

from devstack.declaration_factory import DeclarationFactory
from devstack.processes import free_port
from devstack.stack_layout import StackPorts
from settings import PROJECT_ROOT
from tests.harness.api_process import api_process
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import StackFactory
from tests.harness.waiting import wait_for_status

MONITORING = PROJECT_ROOT / "monitoring"
# PromQL's words that are not metric names: keywords and the label lists of aggregations.
PROMQL_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
PROMQL_OPERATORS = frozenset({"and", "or", "unless", "offset", "bool", "inf", "nan"})


def scrape_jobs() -> dict[str, list[str]]:
    """Each job of the scrape config, with its targets (host:port)."""
    config: dict[str, Any] = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    return {
        job["job_name"]: [
            target for static in job["static_configs"] for target in static["targets"]
        ]
        for job in config["scrape_configs"]
    }


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        # A collapsed row holds its panels.
        yield from _panels(panel.get("panels", []))


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [
        target["expr"]
        for panel in _panels(dashboard["panels"])
        for target in panel.get("targets", [])
        if target.get("expr")
    ]


def metric_names(expression: str) -> set[str]:
    """The metric names a PromQL expression reads: what is left once strings, label matchers,
    ranges, label lists and Grafana's variables are taken out, other than function calls."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\$\w+", "", bare)
    keywords = "|".join(PROMQL_KEYWORDS)
    bare = re.sub(rf"\b(?:{keywords})\s*\([^)]*\)", "", bare)
    names = re.findall(r"(?<![\w:.])([A-Za-z_:][\w:]*)\b(?!\s*\()", bare)
    return {name for name in names if name.lower() not in PROMQL_KEYWORDS | PROMQL_OPERATORS}


def test_metric_names_are_read_from_promql() -> None:
    expression = (
        'histogram_quantile(0.9, sum by (agency, le) (rate(a_seconds_bucket{x=~"4.."}[1d])))'
        " / ignoring(le) b_total offset 5m + on (job) group_left c * 1e3"
        " + sum without (route) (rate(d[$__rate_interval]))"
    )
    assert metric_names(expression) == {"a_seconds_bucket", "b_total", "c", "d"}


def test_the_scrape_config_scrapes_make_runs_metrics() -> None:
    well_known = StackPorts.fixed()
    ports = {int(t.rpartition(":")[2]) for targets in scrape_jobs().values() for t in targets}
    assert ports == {well_known.worker_metrics, well_known.api_metrics}


def exported_names(page: str) -> set[str]:
    return {
        sample.name for family in text_string_to_metric_families(page) for sample in family.samples
    }


async def test_the_dashboard_reads_only_what_the_stack_exports(
    stack_factory: StackFactory, services: SessionServices, factory: DeclarationFactory
) -> None:
    expressions = dashboard_expressions()
    assert expressions, "the dashboard has no queries"
    assert all(metric_names(e) for e in expressions), "a query reads no metric"
    wanted = set().union(*map(metric_names, expressions))

    stack = await stack_factory(with_workers=False)
    well_known = StackPorts.fixed()
    worker_metrics, api_metrics = free_port(), free_port()
    # `make run`'s well-known metrics ports, as this stack has them.
    endpoints = {well_known.worker_metrics: worker_metrics, well_known.api_metrics: api_metrics}
    env = stack.worker_env()
    env["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{worker_metrics}"
    worker = services.launcher.spawn_worker(["all"], "worker-for-monitoring", env=env)[0]
    portal = {"Authorization": f"Bearer {stack.token('portal')}"}
    pages: dict[str, str] = {}
    try:
        with api_process(stack, API_METRICS_BIND_ADDRESS=f"127.0.0.1:{api_metrics}") as api_proc:
            async with httpx.AsyncClient(base_url=api_proc.url, timeout=30, headers=portal) as api:
                accepted = await submit(api, "birth", factory.birth(next(factory.couples())))
                view = await wait_for_status(api, accepted["declaration_id"])
                assert view["status"] == "completed"
                # The worker exports every few seconds: scrape until the pages show everything.
                deadline = time.monotonic() + 30
                async with httpx.AsyncClient(timeout=5) as scraper:
                    while True:
                        for job, targets in scrape_jobs().items():
                            for target in targets:
                                port = endpoints[int(target.rpartition(":")[2])]
                                url = f"http://127.0.0.1:{port}/metrics"
                                pages[f"{job} {target}"] = (await scraper.get(url)).text
                        exported = set().union(*map(exported_names, pages.values()))
                        if wanted <= exported or time.monotonic() > deadline:
                            break
                        await asyncio.sleep(1)
    finally:
        worker.stop()
    assert sorted(wanted - exported) == []
