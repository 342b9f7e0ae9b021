from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, Field, SecretStr

from textbus.kit.auth import Role, mint
from textbus.kit.http import Api, Page, PageQuery, RequestModel, create_app, principal, streaming, tenant_of
from textbus.kit.problems import Conflict, Problem
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.unit

Client = TestClient[web.Request, web.Application]

AUTH = AuthSettings(jwt_key=SecretStr("k" * 32))


class Greeting(RequestModel):
    name: str = Field(min_length=1)
    formal: bool = False


class GreetingQuery(PageQuery):
    tone: list[str] = Field(default_factory=list, description="Any of these tones.")
    formal: bool | None = None


class GreetingPage(BaseModel):
    tenant: str
    skip: int
    tones: list[str]


KNOWN_TENANTS = {"acme", "globex"}


class AlreadyGreeted(Exception):
    """A service-layer error: it knows nothing of HTTP."""


class AlreadyGreetedTwice(AlreadyGreeted):
    pass


async def tenant_exists(tenant: str) -> bool:
    return tenant in KNOWN_TENANTS


def api() -> Api:
    api = Api(title="test", tenant_exists=tenant_exists)

    @api.post(
        "/v1/tenants/{tenant}/greetings",
        summary="Greet",
        body=Greeting,
        response=Greeting,
        status=201,
        responses={409: "Already greeted"},
    )
    async def greet(request: web.Request, body: Greeting) -> Greeting:
        principal(request).require_tenant(request.match_info["tenant"])
        if body.name == "twice":
            raise Conflict("already greeted", name=body.name)
        if body.name == "again":
            raise AlreadyGreetedTwice(body.name)
        return body

    @api.problem_for(AlreadyGreeted)
    def greeted(error: AlreadyGreeted) -> Conflict:
        return Conflict(f"{error} was greeted already", code="already-greeted")

    @api.get("/v1/tenants/{tenant}/greetings", summary="List", query=GreetingQuery, response=GreetingPage)
    async def list_greetings(request: web.Request, query: GreetingQuery) -> GreetingPage:
        return GreetingPage(tenant=tenant_of(request), skip=query.skip, tones=query.tone)

    @api.get("/v1/tenants/{tenant}/greetings/export", summary="Export", response_content_type="text/csv")
    async def export_greetings(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/csv"})
        await response.prepare(request)
        streaming(request)
        await response.write(b"name\nann\n")
        raise RuntimeError("the database went away mid-export")

    return api


async def ready() -> bool:
    return True


async def not_ready() -> bool:
    return False


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = create_app(
        api=api(), auth=AUTH, registry=CollectorRegistry(), readiness={"kafka": ready, "database": not_ready}
    )
    async with TestClient(TestServer(app)) as client:
        yield client


def bearer(tenant: str = "acme", role: Role = Role.ENTERPRISE_ADMIN) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint(AUTH, subject="a", tenant=tenant, role=role)}


async def test_a_valid_request_gets_the_declared_answer(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "ann"}, headers=bearer())
    assert answer.status == 201
    assert await answer.json() == {"name": "ann", "formal": False}


async def test_no_token_is_a_401_problem(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "ann"})
    assert answer.status == 401
    assert answer.content_type == "application/problem+json"
    assert (await answer.json())["type"].endswith("/unauthenticated")


async def test_another_tenant_is_a_403_problem(client: Client) -> None:
    answer = await client.post("/v1/tenants/globex/greetings", json={"name": "a"}, headers=bearer())
    assert answer.status == 403
    assert "acme" in (await answer.json())["detail"]


async def test_an_invalid_body_is_a_422_problem_naming_the_field(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": ""}, headers=bearer())
    body = await answer.json()
    assert answer.status == 422
    assert body["errors"][0]["location"] == "name"


async def test_a_body_that_is_not_json_is_a_415_problem(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", data="name=ann", headers=bearer())
    assert answer.status == 415
    assert answer.content_type == "application/problem+json"


async def test_a_domain_conflict_is_a_409_problem_with_its_extensions(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "twice"}, headers=bearer())
    assert answer.status == 409
    assert (await answer.json())["name"] == "twice"


async def test_an_unknown_path_is_a_404_problem(client: Client) -> None:
    answer = await client.get("/nowhere")
    assert answer.status == 404
    assert answer.content_type == "application/problem+json"


async def test_readyz_reports_each_check_and_fails_when_one_fails(client: Client) -> None:
    answer = await client.get("/readyz")
    assert answer.status == 503
    assert (await answer.json())["checks"] == {"kafka": True, "database": False}


async def test_healthz_metrics_and_openapi_need_no_token(client: Client) -> None:
    assert (await client.get("/healthz")).status == 200
    metrics = await client.get("/metrics")
    assert "textbus_http_requests_total" in await metrics.text()
    document = await (await client.get("/openapi.json")).json()
    operation = document["paths"]["/v1/tenants/{tenant}/greetings"]["post"]
    assert set(operation["responses"]) >= {"201", "401", "403", "409", "422"}
    assert document["components"]["schemas"]["Greeting"]["required"] == ["name"]


async def test_an_unknown_body_field_is_a_422_naming_it(client: Client) -> None:
    answer = await client.post(
        "/v1/tenants/acme/greetings", json={"name": "ann", "nmae": "x"}, headers=bearer()
    )
    body = await answer.json()
    assert answer.status == 422
    assert [e["location"] for e in body["errors"]] == ["nmae"]


async def test_a_number_is_not_a_boolean(client: Client) -> None:
    answer = await client.post(
        "/v1/tenants/acme/greetings", json={"name": "ann", "formal": 0}, headers=bearer()
    )
    assert answer.status == 422
    assert (await answer.json())["errors"][0]["location"] == "formal"


async def test_an_unknown_query_parameter_is_a_422_naming_it(client: Client) -> None:
    answer = await client.get("/v1/tenants/acme/greetings?search=ann", headers=bearer())
    assert answer.status == 422
    assert (await answer.json())["errors"][0]["location"] == "search"


async def test_the_declared_query_reaches_the_handler(client: Client) -> None:
    answer = await client.get("/v1/tenants/acme/greetings?skip=5&tone=warm&tone=dry", headers=bearer())
    assert answer.status == 200
    assert await answer.json() == {"tenant": "acme", "skip": 5, "tones": ["warm", "dry"]}


async def test_a_skip_beyond_any_page_is_a_422_not_a_server_error(client: Client) -> None:
    answer = await client.get(f"/v1/tenants/acme/greetings?skip={2**63}", headers=bearer())
    assert answer.status == 422


async def test_an_enterprise_that_does_not_exist_is_a_404_for_the_provider(client: Client) -> None:
    answer = await client.get("/v1/tenants/initech/greetings", headers=bearer("p", Role.PROVIDER))
    assert answer.status == 404
    assert (await answer.json())["code"] == "enterprise-not-found"


async def test_an_admins_own_missing_enterprise_is_a_404(client: Client) -> None:
    answer = await client.get("/v1/tenants/initech/greetings", headers=bearer("initech"))
    assert answer.status == 404


async def test_another_tenants_admin_learns_nothing_of_whether_it_exists(client: Client) -> None:
    missing = await client.get("/v1/tenants/initech/greetings", headers=bearer())
    existing = await client.get("/v1/tenants/globex/greetings", headers=bearer())
    assert missing.status == existing.status == 403


async def test_a_tenant_with_a_control_character_is_a_404(client: Client) -> None:
    answer = await client.get("/v1/tenants/ac%01me/greetings", headers=bearer("p", Role.PROVIDER))
    assert answer.status == 404
    assert answer.content_type == "application/problem+json"


async def test_a_405_names_the_allowed_methods(client: Client) -> None:
    answer = await client.delete("/v1/tenants/acme/greetings", headers=bearer())
    assert answer.status == 405
    assert set(answer.headers["Allow"].split(",")) == {"GET", "POST"}


async def test_an_error_after_the_headers_were_sent_closes_the_connection(client: Client) -> None:
    answer = await client.get("/v1/tenants/acme/greetings/export", headers=bearer())
    assert answer.status == 200
    with pytest.raises(aiohttp.ClientPayloadError):
        await answer.read()


def test_no_extension_can_overwrite_a_problem_member() -> None:
    with pytest.raises(TypeError, match="status"):
        Conflict("already done", status="completed")


def test_a_problems_code_names_its_type() -> None:
    body = Conflict("assigned", code="number-assigned", numbers=["+14155550100"]).to_json("/x")
    assert body["type"] == "https://textbus.dev/problems/number-assigned"
    assert (body["code"], body["status"], body["numbers"]) == ("number-assigned", 409, ["+14155550100"])
    assert Problem.for_status(405, "Method Not Allowed", "no").to_json()["code"] == "method-not-allowed"


def test_a_route_whose_body_would_drop_unknown_fields_cannot_be_registered() -> None:
    class Loose(BaseModel):
        name: str

    class Wrapper(RequestModel):
        inner: Loose

    for model in (Loose, Wrapper):
        with pytest.raises(TypeError, match="unknown fields"):
            Api(title="t").post("/x", summary="x", body=model)


def test_openapi_describes_path_and_query_parameters_with_their_bounds() -> None:
    document = api().openapi()
    operation = document["paths"]["/v1/tenants/{tenant}/greetings"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["tenant"]["in"] == "path" and parameters["tenant"]["required"]
    assert "pattern" in parameters["tenant"]["schema"]
    assert parameters["skip"]["schema"]["maximum"] == 1_000_000_000
    assert parameters["tone"].items() >= {"in": "query", "style": "form", "explode": True}.items()
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "422"}
    problem = operation["responses"]["404"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    export = document["paths"]["/v1/tenants/{tenant}/greetings/export"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]


async def test_a_service_error_is_answered_with_the_problem_declared_for_it(client: Client) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "again"}, headers=bearer())
    body = await answer.json()
    assert answer.status == 409
    assert (body["code"], body["detail"]) == ("already-greeted", "again was greeted already")


@pytest.mark.parametrize("value", ["1", "0", "yes", "on", "True", ""])
async def test_a_query_boolean_is_true_or_false_and_nothing_else(client: Client, value: str) -> None:
    answer = await client.get(f"/v1/tenants/acme/greetings?formal={value}", headers=bearer())
    assert answer.status == 422
    assert (await answer.json())["errors"] == [
        {"location": "formal", "message": "Input should be true or false"}
    ]


async def test_a_query_boolean_true_is_taken(client: Client) -> None:
    answer = await client.get("/v1/tenants/acme/greetings?formal=true", headers=bearer())
    assert answer.status == 200


def test_a_page_is_a_component_named_after_its_items() -> None:
    class GreetingView(BaseModel):
        text: str

    served = Api(title="t")

    @served.get("/greetings", summary="Greetings", response=Page[GreetingView])
    async def greetings(_: web.Request) -> Page[GreetingView]:
        return Page[GreetingView](items=[], total=0, skip=0, limit=50)

    page = served.openapi()["components"]["schemas"]["GreetingPage"]
    assert page["required"] == ["items", "total", "skip", "limit"]
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/GreetingView"}
