"""The one aiohttp app factory: routes with OpenAPI, problem+json errors, bearer auth and probes.

A service declares its routes on an ``Api``; each route names its path
parameters, query model, body and answers, and those same declarations give
request validation and the OpenAPI document. Request models refuse unknown
fields (a misspelled filter key must never widen a bulk delete) and JSON
bodies are validated strictly (``0`` is not ``false``); the kit refuses to
register a route whose models would accept unknown fields.
"""

from __future__ import annotations

import json
import logging
import re
import time
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import UnionType
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from textbus.kit.auth import Principal, verify
from textbus.kit.problems import (
    EnterpriseNotFound,
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
STREAMING: web.RequestKey[bool] = web.RequestKey("streaming", bool)
AUTH_SETTINGS = web.AppKey("auth_settings", AuthSettings)

# The enterprise id tokens carry; a path tenant outside it cannot exist.
TENANT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_TENANT = re.compile(TENANT_PATTERN)
# Deep enough for any real page, small enough for every database's 64-bit skip.
MAX_SKIP = 1_000_000_000
MAX_LIMIT = 500

Handler = Callable[..., Awaitable[web.StreamResponse | BaseModel]]
ReadinessCheck = Callable[[], Awaitable[bool]]
TenantCheck = Callable[[str], Awaitable[bool]]
E = typing.TypeVar("E", bound=Exception)
T = typing.TypeVar("T")
ProblemFor = Callable[[Any], Problem]


class RequestModel(BaseModel):
    """The base of every request body and query: an unknown or misspelled field is refused."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(RequestModel):
    """A page of a list: skip this many, then at most ``limit``."""

    skip: int = Field(default=0, ge=0, le=MAX_SKIP, description="How many items to skip.")
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="At most this many items.")


class Page(BaseModel, typing.Generic[T]):
    """The answer of every list: one page of the items, the query's skip and limit, and the total."""

    items: list[T] = Field(description="The items of this page, at most limit of them.")
    total: int = Field(description="How many items the query selects in all, on every page.")
    skip: int = Field(description="How many items come before this page.")
    limit: int = Field(description="The most items a page holds.")

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # A component name OpenAPI accepts and a reader knows: Page[NumberView] is NumberPage.
        (item,) = params
        return f"{item.__name__.removesuffix('View')}Page"


@dataclass(frozen=True)
class Answer:
    """One documented answer of a route besides its success: a problem, or another body."""

    description: str
    model: type[BaseModel] | None = None
    content_type: str = PROBLEM_JSON
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PathParameter:
    description: str
    schema: Mapping[str, Any]


@dataclass
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    public: bool
    tags: tuple[str, ...]
    responses: Mapping[int, str | Answer]
    # Raw request bodies the handler reads itself (CSV, multipart): media type -> schema.
    content: Mapping[str, Mapping[str, Any]]
    # The success answer's media type when it is not a JSON model (CSV), and its headers.
    response_content_type: str | None
    response_headers: Mapping[str, str]

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def has_tenant(self) -> bool:
        return "tenant" in self.path_parameters


@dataclass
class Api:
    """A service's REST routes and the OpenAPI document derived from them."""

    title: str
    version: str = "1.0.0"
    routes: list[Route] = field(default_factory=list)
    parameters: dict[str, PathParameter] = field(
        default_factory=lambda: {
            "tenant": PathParameter(
                "The enterprise (tenant) id.", {"type": "string", "pattern": TENANT_PATTERN}
            )
        }
    )
    # Whether an enterprise exists; a route under /tenants/{tenant} of one that does not is a 404.
    tenant_exists: TenantCheck | None = None
    # How the service layer's errors are answered: the only place they meet HTTP.
    problems: dict[type[Exception], ProblemFor] = field(default_factory=dict)

    def problem_for(self, error: type[E]) -> Callable[[Callable[[E], Problem]], Callable[[E], Problem]]:
        """Declare the problem that answers a service-layer error (and its subclasses)."""

        def register(mapping: Callable[[E], Problem]) -> Callable[[E], Problem]:
            self.problems[error] = mapping
            return mapping

        return register

    def path_parameter(self, name: str, description: str, **schema: Any) -> None:
        """Describe a path parameter once for every route that has it."""
        self.parameters[name] = PathParameter(description, {"type": "string", **schema})

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        public: bool = False,
        tags: tuple[str, ...] = (),
        responses: Mapping[int, str | Answer] | None = None,
        content: Mapping[str, Mapping[str, Any]] | None = None,
        response_content_type: str | None = None,
        response_headers: Mapping[str, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        for model in (body, query):
            if model is not None:
                _require_closed(model)

        def register(handler: Handler) -> Handler:
            self.routes.append(
                Route(
                    method,
                    path,
                    handler,
                    summary,
                    body,
                    query,
                    response,
                    status,
                    public,
                    tags,
                    responses or {},
                    content or {},
                    response_content_type,
                    response_headers or {},
                )
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
        return _OpenApi(self).document()


class _OpenApi:
    """The OpenAPI 3.1 document of an ``Api``: every parameter, body and answer it declares."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}

    def document(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for route in self.api.routes:
            paths.setdefault(route.path, {})[route.method.lower()] = self.operation(route)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.api.title, "version": self.api.version},
            "paths": paths,
            "components": {
                "schemas": self.schemas,
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            },
        }

    def ref(self, model: type[BaseModel], mode: typing.Literal["validation", "serialization"]) -> Any:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        self.schemas.update(schema.pop("$defs", {}))
        name = model.__name__
        self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def operation(self, route: Route) -> dict[str, Any]:
        operation: dict[str, Any] = {
            "operationId": route.handler.__name__,
            "summary": route.summary,
            "tags": list(route.tags),
            "parameters": self.parameters(route),
            "responses": {},
        }
        request_content: dict[str, Any] = {
            media: {"schema": dict(schema)} for media, schema in route.content.items()
        }
        if route.body is not None:
            request_content["application/json"] = {"schema": self.ref(route.body, "validation")}
        if request_content:
            operation["requestBody"] = {"required": True, "content": request_content}
        responses = operation["responses"]
        responses[str(route.status)] = self.success(route)
        for status, declared in route.responses.items():
            responses[str(status)] = self.answer(declared)
        problem = self.answer
        if not route.public:
            operation["security"] = [{"bearer": []}]
            responses.setdefault("401", problem("No valid bearer token"))
            responses.setdefault("403", problem("The token may not do this (role, or another tenant)"))
        if route.has_tenant:
            responses.setdefault("404", problem("No such enterprise"))
        if route.body is not None or route.query is not None or len(route.path_parameters) > 1:
            responses.setdefault("422", problem("The request is not valid (the problem names the fields)"))
        if request_content:
            responses.setdefault("413", problem("The body is over the size limit"))
            responses.setdefault("415", problem("The body's media type is not one of those described"))
        return operation

    def success(self, route: Route) -> dict[str, Any]:
        answer: dict[str, Any] = {"description": "OK"}
        if route.response is not None:
            answer["content"] = {"application/json": {"schema": self.ref(route.response, "serialization")}}
        elif route.response_content_type is not None:
            answer["content"] = {route.response_content_type: {"schema": {"type": "string"}}}
        if route.response_headers:
            answer["headers"] = _headers(route.response_headers)
        return answer

    def answer(self, declared: str | Answer) -> dict[str, Any]:
        if isinstance(declared, str):
            declared = Answer(declared)
        answer: dict[str, Any] = {"description": declared.description}
        if declared.model is not None:
            answer["content"] = {declared.content_type: {"schema": self.ref(declared.model, "serialization")}}
        elif declared.content_type == PROBLEM_JSON:
            answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        else:
            answer["content"] = {declared.content_type: {"schema": {"type": "string"}}}
        if declared.headers:
            answer["headers"] = _headers(declared.headers)
        return answer

    def parameters(self, route: Route) -> list[dict[str, Any]]:
        parameters = []
        for name in route.path_parameters:
            known = self.api.parameters.get(name)
            parameters.append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "description": known.description if known else name,
                    "schema": dict(known.schema) if known else {"type": "string", "maxLength": 200},
                }
            )
        if route.query is not None:
            schema = route.query.model_json_schema(ref_template="#/components/schemas/{model}")
            self.schemas.update(schema.pop("$defs", {}))
            required = set(schema.get("required", []))
            for name, property_schema in schema.get("properties", {}).items():
                parameter: dict[str, Any] = {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "schema": {k: v for k, v in property_schema.items() if k not in ("title", "description")},
                }
                if "description" in property_schema:
                    parameter["description"] = property_schema["description"]
                if property_schema.get("type") == "array":
                    parameter |= {"style": "form", "explode": True}
                parameters.append(parameter)
        return parameters


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; extensions (numbers, errors...) name what to fix.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "https://textbus.dev/problems/<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong and how to fix it."},
        "code": {"type": "string", "description": "Stable, machine-readable; the end of type."},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "For an invalid request: each field that is wrong, and why.",
            "items": {
                "type": "object",
                "required": ["location", "message"],
                "properties": {"location": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def _headers(headers: Mapping[str, str]) -> dict[str, Any]:
    return {name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()}


def _require_closed(model: type[BaseModel]) -> None:
    """Refuse a request model, or a model inside it, that would silently drop unknown fields."""
    schema = model.model_json_schema()
    for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        if "properties" in definition and definition.get("additionalProperties") is not False:
            raise TypeError(f"request model {name} must refuse unknown fields (extend RequestModel)")


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def tenant_of(request: web.Request) -> str:
    """The path's tenant; the kit has checked that it exists and that the caller may act on it."""
    return request.match_info["tenant"]


async def read_json(request: web.Request, model: type[BaseModel]) -> BaseModel:
    if request.content_type != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    raw = await request.read()
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise InvalidRequest("the body is not valid", errors=_errors(error)) from error


def read_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    """Validate the query string against ``model``; a list field takes a key repeated or given once,
    and a boolean is ``true`` or ``false`` (not 1, 0, yes or on, which pydantic would take)."""
    values: dict[str, Any] = {}
    wrong: list[dict[str, str]] = []
    for key in request.query:
        items = request.query.getall(key)
        declared = model.model_fields.get(key)
        is_list = declared is not None and typing.get_origin(declared.annotation) is list
        values[key] = items if is_list else items[-1]
        if declared is not None and _is_boolean(declared.annotation):
            if values[key] not in ("true", "false"):
                wrong.append({"location": key, "message": "Input should be true or false"})
            values[key] = values[key] == "true"
    if wrong:
        raise InvalidRequest("the query is not valid", errors=wrong)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise InvalidRequest("the query is not valid", errors=_errors(error)) from error


def _is_boolean(annotation: Any) -> bool:
    return annotation is bool or (
        typing.get_origin(annotation) in (typing.Union, UnionType) and bool in typing.get_args(annotation)
    )


def json_response(
    model: BaseModel, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=model.model_dump_json(by_alias=True),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def problem_response(problem: Problem, instance: str | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(problem.to_json(instance), default=str),
        status=problem.status,
        content_type=PROBLEM_JSON,
    )


def streaming(request: web.Request) -> None:
    """Mark that the answer's headers are sent: an error now can only close the connection."""
    request[STREAMING] = True


def _errors(error: ValidationError) -> list[dict[str, Any]]:
    return [
        {"location": ".".join(str(p) for p in e["loc"]) or "(body)", "message": e["msg"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _wrap(route: Route, api: Api) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        if route.has_tenant:
            await _check_tenant(request, route, api)
        inputs: list[BaseModel] = []
        if route.query is not None:
            query = read_query(request, route.query)
        if route.body is not None:
            inputs.append(await read_json(request, route.body))
        if route.query is not None:
            inputs.append(query)
        result = await route.handler(request, *inputs)
        if isinstance(result, BaseModel):
            return json_response(result, route.status)
        return result

    return handle


async def _check_tenant(request: web.Request, route: Route, api: Api) -> None:
    tenant = request.match_info["tenant"]
    if not route.public:
        # Another tenant's admin learns nothing, not even whether that tenant exists.
        principal(request).require_tenant(tenant)
    if not _TENANT.match(tenant) or (api.tenant_exists is not None and not await api.tenant_exists(tenant)):
        raise EnterpriseNotFound(tenant)


class _HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "textbus_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "textbus_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )


_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _middlewares(
    metrics: _HttpMetrics, public_paths: set[str], mapped: Mapping[type[Exception], ProblemFor]
) -> list[Any]:
    @web.middleware
    async def observe(request: web.Request, handler: _Handler) -> web.StreamResponse:
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
    async def problems(request: web.Request, handler: _Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except Exception as error:
            if request.get(STREAMING):
                # Headers (and part of the body) are out: aiohttp closes the connection.
                log.exception("error while streaming an answer", extra={"path": request.path})
                raise
            return _problem_answer(request, error, mapped)

    @web.middleware
    async def authenticate(request: web.Request, handler: _Handler) -> web.StreamResponse:
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


def _problem_answer(
    request: web.Request, error: Exception, mapped: Mapping[type[Exception], ProblemFor]
) -> web.Response:
    for kind in type(error).__mro__:
        if kind in mapped:
            return problem_response(mapped[kind](error), request.path)
    if isinstance(error, Problem):
        return problem_response(error, request.path)
    if isinstance(error, web.HTTPException) and error.status >= 400:
        detail = f"{request.method} {request.path}: {error.reason}"
        answer = problem_response(Problem.for_status(error.status, error.reason, detail), request.path)
        if "Allow" in error.headers:
            answer.headers["Allow"] = error.headers["Allow"]
        return answer
    if isinstance(error, web.HTTPException):
        raise error
    log.exception("unhandled error", extra={"path": request.path, "method": request.method})
    return problem_response(InternalError("an unexpected error happened; it has been logged"), request.path)


def create_app(
    *,
    api: Api,
    auth: AuthSettings,
    registry: CollectorRegistry,
    readiness: Mapping[str, ReadinessCheck],
    asyncapi: Mapping[str, Any] | None = None,
    max_request_bytes: int = 1024 * 1024,
) -> web.Application:
    """The service's aiohttp app: its API plus /healthz, /readyz, /metrics, /openapi.json and
    /asyncapi.json (its topics)."""
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

    async def asyncapi_document(_: web.Request) -> web.Response:
        return web.json_response(asyncapi or {})

    public_paths = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/asyncapi.json"}
    public_paths |= {r.path for r in api.routes if r.public}
    app = web.Application(
        middlewares=_middlewares(metrics, public_paths, api.problems), client_max_size=max_request_bytes
    )
    app[AUTH_SETTINGS] = auth
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    app.router.add_get("/openapi.json", openapi)
    if asyncapi is not None:
        app.router.add_get("/asyncapi.json", asyncapi_document)
    for route in api.routes:
        app.router.add_route(route.method, route.path, _wrap(route, api))
    return app


__all__ = [
    "MAX_LIMIT",
    "MAX_SKIP",
    "TENANT_PATTERN",
    "Answer",
    "Api",
    "PageQuery",
    "RequestModel",
    "json_response",
    "principal",
    "read_json",
    "read_query",
    "streaming",
    "tenant_of",
]
