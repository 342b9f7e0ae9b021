"""Files over HTTP: uploads (raw or multipart), CSV downloads a spreadsheet cannot turn into formulas,
and a Content-Disposition header that no caller text can break."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import BadHttpMessage

from textbus.kit.problems import InvalidRequest, PayloadTooLarge, UnsupportedMediaType

# OWASP's CSV injection rule: a cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# An E.164 number is digits after a plus: a spreadsheet reads it as a number, never as a formula.
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_UNSAFE_IN_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
# What aiohttp's multipart reader raises on a body that breaks its boundaries, headers or transfer encoding.
_MALFORMED = (ValueError, RuntimeError, BadHttpMessage)


def safe_cell(value: str) -> str:
    """The value, with a leading single quote when a spreadsheet would run it as a formula."""
    if value.startswith(_FORMULA_START) and not _E164.fullmatch(value):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """CSV lines of ``rows``, every cell neutralised with ``safe_cell``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode()


def attachment(filename: str) -> str:
    """A Content-Disposition value for ``filename``: an ASCII fallback and the RFC 5987 UTF-8 form."""
    fallback = _UNSAFE_IN_FILENAME.sub("_", filename).strip("_") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@dataclass(frozen=True)
class Upload:
    content: bytes
    fields: Mapping[str, str]


async def read_upload(
    request: web.Request, *, media_type: str, max_bytes: int, file_field: str = "file"
) -> Upload:
    """A file sent as the raw body (``media_type``) or as the ``file_field`` of a multipart form,
    whose other fields come back as ``fields``."""
    if (request.content_length or 0) > max_bytes + 64 * 1024:
        raise PayloadTooLarge(f"the file is over {max_bytes} bytes")
    if request.content_type == media_type:
        raw = await request.read()
        if len(raw) > max_bytes:
            raise PayloadTooLarge(f"the file is over {max_bytes} bytes")
        return Upload(raw, {})
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType(
            f"send the file as {media_type}, or as the field {file_field!r} of multipart/form-data"
        )
    try:
        reader = await request.multipart()
    except (KeyError, ValueError) as error:
        raise UnsupportedMediaType("multipart/form-data needs a boundary of 70 characters at most") from error
    try:
        return await _read_form(reader, max_bytes, file_field)
    except _MALFORMED as error:
        raise InvalidRequest(f"the multipart body is malformed: {error}") from error


async def _read_form(reader: MultipartReader, max_bytes: int, file_field: str) -> Upload:
    content: bytes | None = None
    fields: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            raise InvalidRequest("every part of the form needs a name")
        if part.name in fields or (part.name == file_field and content is not None):
            raise InvalidRequest(f"the form has the field {part.name!r} twice")
        data = await part.read(decode=True)
        if len(data) > max_bytes:
            raise PayloadTooLarge(f"the field {part.name!r} is over {max_bytes} bytes")
        if part.name == file_field:
            content = bytes(data)
        else:
            try:
                fields[part.name] = bytes(data).decode()
            except UnicodeDecodeError as error:
                raise InvalidRequest(f"the field {part.name!r} is not UTF-8 text") from error
    if content is None:
        raise InvalidRequest(f"the form has no field {file_field!r} with the file")
    return Upload(content, fields)
