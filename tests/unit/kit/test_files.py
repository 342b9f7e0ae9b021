from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry

from textbus.kit.files import attachment, csv_bytes, read_upload, safe_cell
from textbus.kit.http import Api, create_app, problem_response
from textbus.kit.problems import Problem
from textbus.kit.settings import AuthSettings

pytestmark = pytest.mark.unit

Client = TestClient[web.Request, web.Application]


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["+14155550100", "Ann Lee", "", "4155550100", "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_csv_rows_are_neutralised_and_quoted_as_csv() -> None:
    assert csv_bytes([["+14155550100", '=HYPERLINK("x")']]) == b'+14155550100,"\'=HYPERLINK(""x"")"\n'


def test_a_filename_cannot_inject_a_parameter_or_a_control_character() -> None:
    header = attachment('numbers-a"; filename="evil.exe\x01.csv')
    fallback = header.split(";")[1]
    assert fallback == ' filename="numbers-a_filename_evil.exe_.csv"'
    assert "\x01" not in header and header.count('"') == 2
    assert header.endswith("filename*=UTF-8''numbers-a%22%3B%20filename%3D%22evil.exe%01.csv")


async def upload(request: web.Request) -> web.Response:
    try:
        received = await read_upload(request, media_type="text/csv", max_bytes=100)
    except Problem as problem:
        return problem_response(problem)
    return web.json_response({"content": received.content.decode(), "fields": dict(received.fields)})


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    app = web.Application()
    app.router.add_post("/upload", upload)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_raw_body_of_the_media_type_is_the_file(client: Client) -> None:
    answer = await client.post("/upload", data=b"a,b\n", headers={"Content-Type": "text/csv"})
    assert await answer.json() == {"content": "a,b\n", "fields": {}}


async def test_a_multipart_form_gives_the_file_and_the_other_fields(client: Client) -> None:
    form = aiohttp.FormData()
    form.add_field("file", b"a,b\n", filename="numbers.csv", content_type="text/csv")
    form.add_field("carrier_profile_id", "p1")
    answer = await client.post("/upload", data=form)
    assert await answer.json() == {"content": "a,b\n", "fields": {"carrier_profile_id": "p1"}}


async def test_a_form_without_the_file_is_refused(client: Client) -> None:
    form = aiohttp.FormData()
    form.add_field("carrier_profile_id", "p1")
    form.add_field("other", "x", filename="x.txt")
    answer = await client.post("/upload", data=form)
    assert answer.status == 422
    assert "'file'" in (await answer.json())["detail"]


async def test_another_media_type_is_a_415(client: Client) -> None:
    answer = await client.post("/upload", json={"a": 1})
    assert answer.status == 415


async def test_a_file_over_the_limit_is_a_413(client: Client) -> None:
    answer = await client.post("/upload", data=b"x" * 101, headers={"Content-Type": "text/csv"})
    assert answer.status == 413


# Through the kit's app: what aiohttp's multipart reader refuses is a 4xx problem, never a 500.
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
async def app_client() -> AsyncIterator[Client]:
    app = create_app(api=api(), auth=AuthSettings(), registry=CollectorRegistry(), readiness={})
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_form_gives_its_file_and_fields(app_client: Client) -> None:
    body = (
        b'--b1\r\nContent-Disposition: form-data; name="file"; filename="n.csv"\r\n\r\na,b\n\r\n'
        b'--b1\r\nContent-Disposition: form-data; name="profile"\r\n\r\np1\r\n--b1--\r\n'
    )
    answer = await app_client.post("/uploads", data=body, headers={"Content-Type": f"{FORM}; boundary=b1"})
    assert answer.status == 200
    assert await answer.json() == {"content": "a,b\n", "fields": {"profile": "p1"}}


@pytest.mark.parametrize("content_type", [FORM, f"{FORM}; boundary={'x' * 71}"])
async def test_a_form_without_a_usable_boundary_is_a_415_problem(
    app_client: Client, content_type: str
) -> None:
    answer = await app_client.post("/uploads", data=b"file", headers={"Content-Type": content_type})
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
async def test_a_malformed_form_is_a_422_problem(app_client: Client, body: bytes) -> None:
    answer = await app_client.post("/uploads", data=body, headers={"Content-Type": f"{FORM}; boundary=b1"})
    assert answer.status == 422
    assert (await answer.json())["code"] == "invalid-request"
