from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry
from pydantic import Field, SecretStr

from textbus.kit.auth import Role, mint
from textbus.kit.http import Api, RequestModel, create_app, principal
from textbus.kit.problems import Conflict
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.unit

AUTH = AuthSettings(jwt_key=SecretStr("k" * 32))


class Greeting(RequestModel):
    name: str = Field(min_length=1)


def api() -> Api:
    api = Api(title="test")

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
        return body

    return api


async def ready() -> bool:
    return True


async def not_ready() -> bool:
    return False


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = create_app(
        api=api(), auth=AUTH, registry=CollectorRegistry(), readiness={"kafka": ready, "database": not_ready}
    )
    async with TestClient(TestServer(app)) as client:
        yield client


def bearer(tenant: str = "acme") -> dict[str, str]:
    return {"Authorization": "Bearer " + mint(AUTH, subject="a", tenant=tenant, role=Role.ENTERPRISE_ADMIN)}


async def test_a_valid_request_gets_the_declared_answer(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "ann"}, headers=bearer())
    assert answer.status == 201
    assert await answer.json() == {"name": "ann"}


async def test_no_token_is_a_401_problem(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "ann"})
    assert answer.status == 401
    assert answer.content_type == "application/problem+json"
    assert (await answer.json())["type"].endswith("/unauthenticated")


async def test_another_tenant_is_a_403_problem(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/globex/greetings", json={"name": "a"}, headers=bearer())
    assert answer.status == 403
    assert "acme" in (await answer.json())["detail"]


async def test_an_invalid_body_is_a_422_problem_naming_the_field(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": ""}, headers=bearer())
    body = await answer.json()
    assert answer.status == 422
    assert body["errors"][0]["location"] == "name"


async def test_a_body_that_is_not_json_is_a_415_problem(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", data="name=ann", headers=bearer())
    assert answer.status == 415
    assert answer.content_type == "application/problem+json"


async def test_a_domain_conflict_is_a_409_problem_with_its_extensions(client: TestClient) -> None:
    answer = await client.post("/v1/tenants/acme/greetings", json={"name": "twice"}, headers=bearer())
    assert answer.status == 409
    assert (await answer.json())["name"] == "twice"


async def test_an_unknown_path_is_a_404_problem(client: TestClient) -> None:
    answer = await client.get("/nowhere")
    assert answer.status == 404
    assert answer.content_type == "application/problem+json"


async def test_readyz_reports_each_check_and_fails_when_one_fails(client: TestClient) -> None:
    answer = await client.get("/readyz")
    assert answer.status == 503
    assert (await answer.json())["checks"] == {"kafka": True, "database": False}


async def test_healthz_metrics_and_openapi_need_no_token(client: TestClient) -> None:
    assert (await client.get("/healthz")).status == 200
    metrics = await client.get("/metrics")
    assert "textbus_http_requests_total" in await metrics.text()
    document = await (await client.get("/openapi.json")).json()
    operation = document["paths"]["/v1/tenants/{tenant}/greetings"]["post"]
    assert set(operation["responses"]) >= {"201", "401", "403", "409", "422"}
    assert document["components"]["schemas"]["Greeting"]["required"] == ["name"]
