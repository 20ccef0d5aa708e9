"""The portal API's metrics for Prometheus: requests by method, route and status, and their
latency. Aggregates only: no declaration or person is ever a label, and every label takes one of
a fixed set of values, so that no request, however made up, adds a series. They are served on
their own address (`API_METRICS_BIND_ADDRESS`), which only the scraper reaches, never on the
public API."""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal_api.route_match import route_template

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "lienthong_api_requests",
    "Portal API requests, by method, route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "lienthong_api_request_seconds",
    "Portal API request latency, by method and route.",
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


def install_metrics(app: FastAPI) -> None:
    app.add_middleware(RequestMetrics, routes=app.router.routes)


def serve_metrics(bind_address: str) -> None:
    """Serve the metrics page at `http://<bind_address>/metrics` from a thread of this process."""
    host, _, port = bind_address.rpartition(":")
    start_http_server(int(port), host.strip("[]") or "0.0.0.0", registry=REGISTRY)  # noqa: S104
