from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from textbus.kit.files import read_upload
from textbus.kit.http import Api, create_app
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.unit

FORM = "multipart/form-data"


def file_part(header: str) -> bytes:
    return f'--b1\r\nContent-Disposition: form-data; name="file"\r\n{header}\r\n\r\nx\r\n--b1--\r\n'.encode()


def api() -> Api:
    api = Api(title="test")

    @api.post("/uploads", summary="Upload", public=True, content={"text/csv": {"type": "string"}})
    async def upload(request: web.Request) -> web.Response:
        file = await read_upload(request, media_type="text/csv", max_bytes=1000)
        return web.json_response({"content": file.content.decode(), "fields": dict(file.fields)})

    return api


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = create_app(api=api(), auth=AuthSettings(), registry=CollectorRegistry(), readiness={})
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_form_gives_its_file_and_fields(client: TestClient) -> None:
    body = (
        b'--b1\r\nContent-Disposition: form-data; name="file"; filename="n.csv"\r\n\r\na,b\n\r\n'
        b'--b1\r\nContent-Disposition: form-data; name="profile"\r\n\r\np1\r\n--b1--\r\n'
    )
    answer = await client.post("/uploads", data=body, headers={"Content-Type": f"{FORM}; boundary=b1"})
    assert answer.status == 200
    assert await answer.json() == {"content": "a,b\n", "fields": {"profile": "p1"}}


@pytest.mark.parametrize("content_type", [FORM, f"{FORM}; boundary={'x' * 71}"])
async def test_a_form_without_a_usable_boundary_is_a_415_problem(
    client: TestClient, content_type: str
) -> None:
    answer = await client.post("/uploads", data=b"file", headers={"Content-Type": content_type})
    assert answer.status == 415
    assert (await answer.json())["code"] == "unsupported-media-type"


@pytest.mark.parametrize(
    "body",
    [
        b"not a form",
        file_part("Content-Transfer-Encoding: rot13"),
        file_part("Content-Transfer-Encoding: base64"),
    ],
    ids=["no-boundary-in-the-body", "unknown-transfer-encoding", "broken-base64"],
)
async def test_a_malformed_form_is_a_422_problem(client: TestClient, body: bytes) -> None:
    answer = await client.post("/uploads", data=body, headers={"Content-Type": f"{FORM}; boundary=b1"})
    assert answer.status == 422
    assert (await answer.json())["code"] == "invalid-request"
