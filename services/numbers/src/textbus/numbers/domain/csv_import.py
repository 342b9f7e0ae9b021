"""Importing phone numbers from a CSV file: the template to download, the checks that refuse a whole
file, and a verdict on each row (valid, invalid, or a duplicate of an earlier row)."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from textbus.numbers.domain.phone import InvalidNumber, parse_any, parse_number

COUNTRY_CODE: Final = "Country Code"
PHONE_NUMBER: Final = "Phone Number"
SMS_CAPABLE: Final = "SMS Capable"
COLUMNS: Final = (COUNTRY_CODE, PHONE_NUMBER, SMS_CAPABLE)

TEMPLATE: Final = f"{','.join(COLUMNS)}\n1,4155550100,Yes\n"

INVALID: Final = "invalid"
DUPLICATE_IN_FILE: Final = "duplicate-in-file"

_YES: Final = frozenset({"yes", "true", "y", "1"})
_NO: Final = frozenset({"no", "false", "n", "0", ""})


class MalformedFile(ValueError):
    """The whole file is refused (message is user-facing)."""


@dataclass(frozen=True)
class ImportRow:
    """One data row of the file and what became of it."""

    line: int  # 1-based line number in the file (the header is line 1)
    number: str | None  # E.164 when valid
    sms_capable: bool | None
    error: str | None  # None when valid; else a code: "invalid" or "duplicate-in-file"
    detail: str | None  # user-facing reason when error is set


@dataclass(frozen=True)
class _Record:
    line: int
    fields: list[str]


def parse_import(data: bytes, *, max_bytes: int, max_rows: int) -> list[ImportRow]:
    """Every data row of an import file, in file order, each valid or with the reason it is not.
    Raises MalformedFile when the file as a whole cannot be read as an import file."""
    records = _records(_decode(data, max_bytes))
    if not records:
        raise MalformedFile(f"The file has no header row; its first line must be: {','.join(COLUMNS)}")
    header, rows = records[0], records[1:]
    positions = _column_positions(header.fields)
    if len(rows) > max_rows:
        raise MalformedFile(
            f"The file has {len(rows):,} rows of numbers; at most {max_rows:,} can be imported at once."
        )
    for row in rows:
        if len(row.fields) != len(header.fields):
            raise MalformedFile(
                f"Line {row.line} has {len(row.fields)} fields but the header has {len(header.fields)}."
            )
    first_seen: dict[str, int] = {}
    verdicts = []
    for row in rows:
        verdict = _verdict(row, positions, first_seen)
        if verdict.number is not None:
            first_seen.setdefault(verdict.number, row.line)
        verdicts.append(verdict)
    return verdicts


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise MalformedFile(f"The file is {len(data):,} bytes; at most {max_bytes:,} bytes can be imported.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise MalformedFile(
            f"The file is not UTF-8 text (line {line} has bytes that UTF-8 does not allow); "
            "save it as CSV UTF-8 and upload it again."
        ) from None
    if not text.strip():
        raise MalformedFile("The file is empty.")
    return text


def _records(text: str) -> list[_Record]:
    """The file's non-blank records, each with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    line_read = 0
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                records.append(_Record(line_read + 1, fields))
            line_read = reader.line_num
    except csv.Error as error:
        raise MalformedFile(f"Line {line_read + 1} is not valid CSV: {error}.") from None
    return records


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    wanted = {column.casefold(): column for column in COLUMNS}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, name in enumerate(field.strip() for field in header):
        column = wanted.get(name.casefold())
        if column is None:
            unknown.append(f"'{name}'" if name else "an unnamed column")
        elif column in positions:
            repeated.append(column)
        else:
            positions[column] = index
    if not positions:
        raise MalformedFile(_not_a_header(header))
    missing = [column for column in COLUMNS if column not in positions]
    problems = [
        *([f"missing {', '.join(missing)}"] if missing else []),
        *([f"not in the template: {', '.join(unknown)}"] if unknown else []),
        *([f"given twice: {', '.join(repeated)}"] if repeated else []),
    ]
    if problems:
        raise MalformedFile(
            f"The header must have exactly the columns {', '.join(COLUMNS)} (in any order): "
            f"{'; '.join(problems)}."
        )
    return positions


def _not_a_header(header: Sequence[str]) -> str:
    expected = f"its first line must be: {','.join(COLUMNS)}"
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        return f"The file's fields are not separated by commas; {expected}"
    return f"The file has no header row; {expected}"


def _verdict(row: _Record, positions: dict[str, int], first_seen: dict[str, int]) -> ImportRow:
    country_code = row.fields[positions[COUNTRY_CODE]].strip()
    written = row.fields[positions[PHONE_NUMBER]].strip()
    capability = row.fields[positions[SMS_CAPABLE]].strip()
    problems = []
    try:
        number: str | None = _number(country_code, written)
    except InvalidNumber as error:
        number = None
        problems.append(str(error))
    sms_capable = _sms_capable(capability)
    if sms_capable is None:
        problems.append(f"{SMS_CAPABLE} is '{capability}'; write Yes or No.")
    if problems:
        return ImportRow(row.line, number, sms_capable, INVALID, " ".join(problems))
    if number in first_seen:
        detail = f"{number} is already on line {first_seen[number]}."
        return ImportRow(row.line, number, sms_capable, DUPLICATE_IN_FILE, detail)
    return ImportRow(row.line, number, sms_capable, None, None)


def _number(country_code: str, written: str) -> str:
    if not written:
        raise InvalidNumber(f"{PHONE_NUMBER} is empty.")
    if country_code:
        return parse_number(country_code, written)
    # Without the '+', digits would be read with the country code first and a national number
    # could pass as another country's (4155550100 is a valid Swiss number, +41 55 555 01 00).
    if not written.startswith("+"):
        raise InvalidNumber(
            f"{COUNTRY_CODE} is empty; fill it in, or write the number in international form "
            "with a leading '+', such as +14155550100."
        )
    return parse_any(written)


def _sms_capable(written: str) -> bool | None:
    answer = written.casefold()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    return None
