"""The one aiohttp app factory: routes with OpenAPI, problem+json errors, bearer auth and probes.

A service declares its routes on an ``Api``; each route names its request and
answer models, which gives both validation and the OpenAPI document.
"""

from __future__ import annotations

import json
import logging
import time
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel, ValidationError

from textbus.kit.auth import Principal, verify
from textbus.kit.problems import (
    InternalError,
    InvalidRequest,
    Problem,
    Unauthenticated,
    UnsupportedMediaType,
)
from textbus.kit.settings import AuthSettings

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)
AUTH_SETTINGS = web.AppKey("auth_settings", AuthSettings)

Handler = Callable[..., Awaitable[web.StreamResponse | BaseModel]]
ReadinessCheck = Callable[[], Awaitable[bool]]


@dataclass
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    public: bool
    tags: tuple[str, ...]
    responses: Mapping[int, str]


@dataclass
class Api:
    """A service's REST routes and the OpenAPI document derived from them."""

    title: str
    version: str = "1.0.0"
    routes: list[Route] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        public: bool = False,
        tags: tuple[str, ...] = (),
        responses: Mapping[int, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(
                Route(method, path, handler, summary, body, response, status, public, tags, responses or {})
            )
            return handler

        return register

    def get(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kwargs)

    def openapi(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        schemas: dict[str, Any] = {}

        def ref(model: type[BaseModel]) -> dict[str, str]:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
            return {"$ref": f"#/components/schemas/{model.__name__}"}

        problem = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for r in self.routes:
            operation: dict[str, Any] = {"summary": r.summary, "tags": list(r.tags), "responses": {}}
            if r.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": ref(r.body)}},
                }
            answer: dict[str, Any] = {"description": "OK"}
            if r.response is not None:
                answer["content"] = {"application/json": {"schema": ref(r.response)}}
            operation["responses"][str(r.status)] = answer
            for status, description in r.responses.items():
                operation["responses"][str(status)] = {"description": description, **problem}
            if not r.public:
                operation["security"] = [{"bearer": []}]
                operation["responses"].setdefault("401", {"description": "No valid token", **problem})
                operation["responses"].setdefault("403", {"description": "Not allowed", **problem})
            if r.body is not None:
                operation["responses"].setdefault("422", {"description": "Invalid request", **problem})
            paths.setdefault(r.path, {})[r.method.lower()] = operation
        schemas["Problem"] = {
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": "string"},
            },
        }
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version},
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            },
        }


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


async def read_json(request: web.Request, model: type[BaseModel]) -> BaseModel:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    try:
        return model.model_validate_json(await request.read())
    except ValidationError as error:
        raise InvalidRequest("the body is not valid", errors=_errors(error)) from error


def query_model(request: web.Request, model: type[BaseModel]) -> Any:
    """Validate the query string against ``model``; a list field takes a key repeated or given once."""
    values: dict[str, Any] = {}
    for key in request.query:
        items = request.query.getall(key)
        field = model.model_fields.get(key)
        is_list = field is not None and typing.get_origin(field.annotation) is list
        values[key] = items if is_list else items[-1]
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise InvalidRequest("the query is not valid", errors=_errors(error)) from error


def json_response(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        body=model.model_dump_json(by_alias=True), status=status, content_type="application/json"
    )


def problem_response(problem: Problem, instance: str | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(problem.to_json(instance), default=str),
        status=problem.status,
        content_type=PROBLEM_JSON,
    )


def _errors(error: ValidationError) -> list[dict[str, Any]]:
    return [
        {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _wrap(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        if route.body is not None:
            result = await route.handler(request, await read_json(request, route.body))
        else:
            result = await route.handler(request)
        if isinstance(result, BaseModel):
            return json_response(result, route.status)
        return result

    return handle


class _HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "textbus_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "textbus_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )


def _middlewares(metrics: _HttpMetrics, public_paths: set[str]) -> list[Any]:
    @web.middleware
    async def observe(request: web.Request, handler: Any) -> web.StreamResponse:
        route = request.match_info.route.resource
        name = route.canonical if route is not None else "unmatched"
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        finally:
            metrics.requests.labels(request.method, name, str(status)).inc()
            metrics.latency.labels(request.method, name).observe(time.perf_counter() - started)

    @web.middleware
    async def problems(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            return await handler(request)
        except Problem as problem:
            return problem_response(problem, request.path)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            detail = f"{request.method} {request.path}: {error.reason}"
            return problem_response(Problem.for_status(error.status, error.reason, detail), request.path)
        except Exception:
            log.exception("unhandled error", extra={"path": request.path, "method": request.method})
            failure = InternalError("an unexpected error happened; it has been logged")
            return problem_response(failure, request.path)

    @web.middleware
    async def authenticate(request: web.Request, handler: Any) -> web.StreamResponse:
        route = request.match_info.route.resource
        if route is None or route.canonical in public_paths:
            return await handler(request)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("send a bearer token in the Authorization header")
        request[PRINCIPAL] = verify(token, request.app[AUTH_SETTINGS])
        return await handler(request)

    return [observe, problems, authenticate]


def create_app(
    *,
    api: Api,
    auth: AuthSettings,
    registry: CollectorRegistry,
    readiness: Mapping[str, ReadinessCheck],
    max_request_bytes: int = 1024 * 1024,
) -> web.Application:
    """The service's aiohttp app: its API plus /healthz, /readyz, /metrics and /openapi.json."""
    metrics = _HttpMetrics(registry)
    document = api.openapi()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        results = {}
        for name, check in readiness.items():
            try:
                results[name] = await check()
            except Exception:
                log.warning("readiness check failed", extra={"check": name}, exc_info=True)
                results[name] = False
        ready = all(results.values())
        return web.json_response(
            {"status": "ready" if ready else "not ready", "checks": results}, status=200 if ready else 503
        )

    async def metrics_endpoint(_: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def openapi(_: web.Request) -> web.Response:
        return web.json_response(document)

    public_paths = {"/healthz", "/readyz", "/metrics", "/openapi.json"}
    public_paths |= {r.path for r in api.routes if r.public}
    app = web.Application(middlewares=_middlewares(metrics, public_paths), client_max_size=max_request_bytes)
    app[AUTH_SETTINGS] = auth
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/openapi.json", openapi)
    for route in api.routes:
        app.router.add_route(route.method, route.path, _wrap(route))
    return app
