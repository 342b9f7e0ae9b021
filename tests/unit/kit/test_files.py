from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from textbus.kit.files import attachment, csv_bytes, read_upload, safe_cell
from textbus.kit.http import problem_response
from textbus.kit.problems import Problem

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
