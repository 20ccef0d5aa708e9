"""The portal API's metrics for Prometheus: requests by method, route and status, their
duration, and the declarations overdue now, read from the store at each scrape. Aggregates
only: no declaration or person is ever a label, and every label takes one of a fixed set of
values, so that no request, however made up, adds a series. They are served on their own
address (`API_METRICS_BIND_ADDRESS`), which only the scraper reaches, never on the public
API."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observability.logging import get_logger
from portal_api.route_match import route_template
from store.declaration_status import count_overdue

log = get_logger(__name__)

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "lienthong_api_requests",
    "Portal API requests, by method, route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "lienthong_api_request_duration_seconds",
    "Portal API request duration, by method and route.",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
OTHER_METHOD = "other"
UNMATCHED_ROUTE = "unmatched"


def method_label(method: str) -> str:
    return method if method in METHODS else OTHER_METHOD


def status_label(status: int) -> str:
    # A response never started (the client left, the app failed) counts as the 500 it would be.
    return str(status) if 100 <= status <= 599 else "500"


class RequestMetrics:
    """Counts and times every request, also those answered before they reach a route (a body
    over its limit, missing credentials), under the route they were sent to."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        finally:
            method = method_label(scope["method"])
            route = route_template(self.routes, scope) or UNMATCHED_ROUTE
            REQUESTS.labels(method, route, status_label(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


class OverdueDeclarations(Collector):
    """Counted from the store when scraped, not kept up to date by events: a declaration becomes
    overdue when its deadline passes, with nothing happening to it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        try:
            counts = count_overdue(self.engine, datetime.now(UTC))
        except SQLAlchemyError as error:
            # No sample rather than a wrong zero, and the rest of the page is still served.
            log.warning("overdue_count_failed", error=str(error))
            return
        gauge = GaugeMetricFamily(
            "lienthong_declarations_overdue",
            "Declarations open past their legal deadline now, by procedure group.",
            labels=["procedure"],
        )
        for group, count in counts.items():
            gauge.add_metric([group.value], count)
        yield gauge


def install_metrics(app: FastAPI) -> None:
    app.add_middleware(RequestMetrics, routes=app.router.routes)


def serve_metrics(bind_address: str, engine: Engine) -> None:
    """Serve the metrics page at `http://<bind_address>/metrics` from a thread of this process,
    counting the overdue declarations in `engine`'s store."""
    REGISTRY.register(OverdueDeclarations(engine))
    host, _, port = bind_address.rpartition(":")
    start_http_server(int(port), host.strip("[]") or "0.0.0.0", registry=REGISTRY)  # noqa: S104
