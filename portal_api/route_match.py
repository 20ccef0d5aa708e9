"""Which declared route a request is for, known before the router runs: the body limits and the
metrics both need it for requests that are answered before they reach a route."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match
from starlette.types import Scope


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str | None:
    """The template (`/v1/declarations/{declaration_id}`) of the route the router would pick,
    also when only the path matches (the router then answers 405); None when nothing matches."""
    partial: str | None = None
    # Included routers are walked route by route, in the order the router tries them.
    for route in iter_route_contexts(routes):
        path = route.path_format
        if path is None:
            continue
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return path
        if match == Match.PARTIAL and partial is None:
            partial = path
    return partial
