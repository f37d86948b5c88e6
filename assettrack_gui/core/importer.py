"""CSV imports of holders, cases and assets: one file is one all-or-nothing batch.

The stockroom's lists usually come out of a spreadsheet, so the reader is strict where a mistake
would silently lose data (the header must name exactly the expected columns; a row with the wrong
number of fields is refused) and lenient where Excel adds noise (a UTF-8 BOM, CRLF line ends,
blank rows). Every row is labelled with its file line number — the header is line 1, and a quoted
field that spans lines makes the next record start further down — so that a refusal says
"line 7: …" and the clerk can find the row.

The files people actually have are read: CSV separated by ``,``, ``;`` or Tab (the one that
makes the header name the expected columns, else the most frequent in the header line), encoded
UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text") or, when the bytes are not
UTF-8, Windows-1252; and ``.xlsx`` workbooks (first sheet, header = first non-empty row, cells
as text the way Excel shows them in General format). ``ImportFile.how_read`` says which.

Problems with the file itself (missing, unreadable, undecodable, malformed quoting, wrong header)
raise ``UsageError``. Problems with rows come back as refused lines of a ``Preview``; committing
raises ``Refused`` with one reason per bad row and changes nothing. The admin CLI and the GUI
both call ``load_import`` (file problems), then ``preview_import`` / ``commit_import``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .engine import Engine
from .errors import Refused, UsageError
from .model import Code, CommitResult, Line, NewAsset, NewCase, NewHolder, Preview

HOLDERS, CASES, ASSETS = "holders", "cases", "assets"

COLUMNS: dict[str, tuple[str, ...]] = {
    HOLDERS: ("name", "badge_code"),
    CASES: ("case_code", "name", "rows", "cols"),
    ASSETS: ("asset_tag", "serial", "description", "case_code", "position"),
}

# An import file larger than this is refused before it fills memory (an endless /dev/zero, a
# wrong file): 64 MiB is about 600,000 asset rows. A single field longer than csv's limit
# (128 KiB) is refused as malformed CSV.
MAX_IMPORT_BYTES = 64 * 1024 * 1024

# Surrounding spaces here are spreadsheet noise; tags, badges, names and serials stay as typed.
_STRIPPED = frozenset({"case_code", "position", "rows", "cols"})


@dataclass(frozen=True)
class CsvRecord:
    """One data row of a CSV file, with the file line number it starts on."""

    line: int
    values: dict[str, str]
    problem: str = ""  # set when the row cannot be read as a record (wrong field count)

    @property
    def label(self) -> str:
        return f"line {self.line}"


SEPARATORS = (",", ";", "\t")
UTF8, UTF8_BOM, UTF16, CP1252, XLSX = (
    "UTF-8",
    "UTF-8 with BOM",
    "UTF-16",
    "Windows-1252",
    "an Excel workbook (.xlsx)",
)


@dataclass(frozen=True)
class Table:
    """The records of a file and how it was read: its encoding and separator ("" for .xlsx)."""

    records: list[CsvRecord]
    encoding: str = UTF8
    separator: str = ","


def separator_name(separator: str) -> str:
    return "Tab" if separator == "\t" else repr(separator)


def read_csv(path: Path | str, columns: Sequence[str]) -> list[CsvRecord]:
    """Read a CSV (or .xlsx) file whose header names exactly ``columns`` (in any order)."""
    return read_table(path, columns).records


def read_table(path: Path | str, columns: Sequence[str]) -> Table:
    """Read ``path`` (CSV in any supported encoding and separator, or .xlsx); see the module."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise UsageError(
            f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB: not an import list "
            "(or split it into several files). Nothing was read into the database."
        )
    if path.suffix.lower() == ".xlsx" or data.startswith(b"PK\x03\x04"):
        return Table(parse_xlsx(data, columns, source=str(path)), XLSX, "")
    text, encoding = decode(data, str(path))
    separator = detect_separator(text, columns)
    return Table(parse_csv(text, columns, source=str(path), separator=separator), encoding, separator)


def decode(data: bytes, source: str = "the CSV") -> tuple[str, str]:
    """(text, encoding name): a BOM decides; else UTF-8; else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), UTF16
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{source} starts like UTF-16 text but byte {exc.start} is not UTF-16. "
                "Save it again as 'CSV UTF-8' and try again."
            ) from None
    encoding = UTF8_BOM if data.startswith(b"\xef\xbb\xbf") else UTF8
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252"), CP1252
        except UnicodeDecodeError as cp1252_error:
            raise UsageError(
                _undecodable(source, data, utf8_error.start, cp1252_error.start)
            ) from None
    sample = data[:256]
    if sample and sample.count(0) * 4 >= len(sample):  # a NUL every other byte: UTF-16
        raise UsageError(
            f"{source} looks like UTF-16 text without a BOM (NUL bytes). Save it as 'CSV UTF-8' "
            "or Excel 'Unicode text' and try again."
        )
    return text, encoding


def _byte_at(data: bytes, offset: int) -> str:
    """``byte 0x81 on line 3`` (lines counted as the file's, from 1)."""
    line = data[:offset].count(b"\n") + 1
    return f"byte 0x{data[offset]:02X} on line {line}"


def _undecodable(source: str, data: bytes, not_utf8: int, not_cp1252: int) -> str:
    """Why ``data`` is neither UTF-8 nor Windows-1252, pointing at the byte Windows-1252 has no
    character for (the one to fix); the first non-UTF-8 byte, when it is another one, is named
    as what it is — a valid Windows-1252 character — so nobody edits the wrong line."""
    where = _byte_at(data, not_cp1252)
    if not_utf8 == not_cp1252:
        return (
            f"{source} is neither UTF-8 nor Windows-1252 text ({where}). "
            "Save it as 'CSV UTF-8' and try again."
        )
    shown = data[not_utf8 : not_utf8 + 1].decode("cp1252")
    return (
        f"{source} is neither UTF-8 nor Windows-1252 text ({where} is no Windows-1252 "
        f"character; the first byte that is not UTF-8, {_byte_at(data, not_utf8)}, reads as "
        f"{shown!r} in Windows-1252). Save it as 'CSV UTF-8' and try again."
    )


def detect_separator(text: str, columns: Sequence[str]) -> str:
    """The separator that makes the first non-blank line name exactly ``columns``; else the one
    most frequent in that line (``,`` on a tie), whose header check then says what is wrong."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    wanted = sorted(columns)
    for separator in SEPARATORS:
        try:
            row = next(csv.reader([first], delimiter=separator), [])
        except csv.Error:
            continue
        if sorted(field.strip().lower() for field in row) == wanted:
            return separator
    return max(SEPARATORS, key=first.count)  # max keeps the first (",") on a tie


def _cell_text(value: object) -> str:
    """A cell as Excel shows it in General format: 7 not 7.0; text (leading zeros) as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return str(value)


def parse_xlsx(data: bytes, columns: Sequence[str], source: str = "the workbook") -> list[CsvRecord]:
    """The first sheet of an .xlsx workbook as records; the line is the sheet's row number."""
    import openpyxl  # lazily: it costs start-up time and only imports need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a readable workbook
        raise UsageError(f"{source} is not a readable .xlsx workbook ({exc})") from None
    try:
        if not book.worksheets:
            raise UsageError(f"{source} has no sheet")
        sheet = book.worksheets[0]
        rows = [
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    return _records(rows, columns, source, trim=True)


def _csv_rows(text: str, separator: str, source: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            yield line, row
    except csv.Error as exc:
        why = "a quoted field is never closed" if "end of data" in str(exc) else str(exc)
        raise UsageError(f"{source}, line {start}: malformed CSV ({why})") from None


def parse_csv(
    text: str, columns: Sequence[str], source: str = "the CSV", separator: str = ","
) -> list[CsvRecord]:
    """Parse CSV text (already decoded); see ``read_csv``."""
    return _records(_csv_rows(text, separator, source), columns, source)


def _records(
    rows: Iterable[tuple[int, list[str]]], columns: Sequence[str], source: str, trim: bool = False
) -> list[CsvRecord]:
    """Header check and one record per non-blank row. ``trim`` (a sheet): empty cells past the
    header's width are dropped and missing trailing cells are empty, as a sheet has no field
    count of its own."""
    records: list[CsvRecord] = []
    header: list[str] | None = None
    for line, row in rows:
        if not any(field.strip() for field in row):
            continue  # blank lines, and the ",,,," rows spreadsheets leave behind
        if header is None:
            if trim:
                while row and not row[-1].strip():
                    row = row[:-1]
            header = _check_header(row, columns, source)
            continue
        if trim:
            extra = row[len(header) :]
            if not any(field.strip() for field in extra):
                row = row[: len(header)] + [""] * (len(header) - len(row))
        if len(row) != len(header):
            records.append(
                CsvRecord(
                    line,
                    {},
                    f"expected {len(header)} fields ({','.join(header)}), found {len(row)}",
                )
            )
            continue
        values = {
            name: value.strip() if name in _STRIPPED else value
            for name, value in zip(header, row, strict=True)
        }
        records.append(CsvRecord(line, values))
    if header is None:
        raise UsageError(f"{source} is empty: expected a header line {','.join(columns)}")
    return records


def _check_header(row: list[str], columns: Sequence[str], source: str) -> list[str]:
    names = [field.strip().lower() for field in row]
    expected = ", ".join(columns)
    unnamed = [str(i + 1) for i, name in enumerate(names) if not name]
    if unnamed:
        raise UsageError(
            f"{source}: the header has unnamed column(s) {', '.join(unnamed)}; "
            f"expected exactly: {expected}"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"{source}: the header repeats column(s) {', '.join(repeated)}")
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name not in columns]
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if problems:
        raise UsageError(
            f"{source}: the header has {' and '.join(problems)}; expected exactly: {expected} "
            "(header line 1, any order)"
        )
    return names


# -- turning records into engine rows -------------------------------------------------------------


def _holder_rows(records: Sequence[CsvRecord]) -> list[NewHolder]:
    return [NewHolder(r.values["name"], r.values["badge_code"], label=r.label) for r in records]


def _case_rows(records: Sequence[CsvRecord]) -> list[NewCase]:
    return [
        NewCase(
            r.values["case_code"], r.values["name"], r.values["rows"], r.values["cols"], r.label
        )
        for r in records
    ]


def _asset_items(records: Sequence[CsvRecord]) -> list[NewAsset]:
    return [
        NewAsset(
            asset_tag=r.values["asset_tag"],
            serial=r.values["serial"],
            description=r.values["description"],
            case_code=r.values["case_code"],
            position=r.values["position"] or None,
            label=r.label,
        )
        for r in records
    ]


def _kind_columns(kind: str) -> tuple[str, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise UsageError(f"cannot import {kind!r}: choose one of {', '.join(COLUMNS)}") from None


def _engine_preview(
    engine: Engine, kind: str, records: Sequence[CsvRecord], skip_existing: bool
) -> Preview:
    """Verdicts for well-formed records, without changing anything."""
    if kind == ASSETS:
        return engine.preview_register(_asset_items(records), skip_existing=skip_existing)
    if kind == HOLDERS:
        return engine.preview_add_holders(_holder_rows(records), skip_existing=skip_existing)
    return engine.preview_create_cases(_case_rows(records), skip_existing=skip_existing)


def _merge(preview: Preview, broken: Sequence[CsvRecord], good: Sequence[CsvRecord]) -> Preview:
    """Put the unreadable rows back among the engine's verdicts, in file order."""
    numbered: list[tuple[int, Line]] = [
        (record.line, line) for record, line in zip(good, preview.lines, strict=True)
    ]
    numbered += [
        (record.line, Line(index=0, scan="", label=record.label).refuse(Code.BAD_ROW, record.problem))
        for record in broken
    ]
    numbered.sort(key=lambda item: item[0])
    lines = [line for _, line in numbered]
    for index, line in enumerate(lines):
        line.index = index
    return Preview(preview.operation, lines, list(preview.problems))


@dataclass(frozen=True)
class ImportFile:
    """A CSV file read and checked as a list of holders, cases or assets, ready to preview."""

    kind: str
    path: Path
    records: list[CsvRecord]
    encoding: str = UTF8
    separator: str = ","

    @property
    def how_read(self) -> str:
        """What was detected, for the output: "read assets.csv as Windows-1252, separator ';'"."""
        if self.encoding == XLSX:
            return f"read {self.path} as {XLSX}, first sheet"
        return f"read {self.path} as {self.encoding}, separator {separator_name(self.separator)}"

    @property
    def broken(self) -> list[CsvRecord]:
        return [r for r in self.records if r.problem]

    @property
    def readable(self) -> list[CsvRecord]:
        return [r for r in self.records if not r.problem]


def load_import(kind: str, path: Path | str) -> ImportFile:
    """Read ``path`` as ``kind`` (holders, cases or assets); a bad file raises ``UsageError``."""
    columns = _kind_columns(kind)
    table = read_table(path, columns)
    return ImportFile(kind, Path(path), table.records, table.encoding, table.separator)


def preview_import(engine: Engine, file: ImportFile, *, skip_existing: bool = False) -> Preview:
    """Every row's verdict, in file order, without changing anything. With ``skip_existing``
    a row equal to the existing record with its code is accepted as ``skipped`` and one that
    differs is refused naming the differences (``Code.EXISTS_DIFFERENT``)."""
    good = file.readable
    return _merge(_engine_preview(engine, file.kind, good, skip_existing), file.broken, good)


def commit_import(
    engine: Engine, file: ImportFile, *, skip_existing: bool = False
) -> CommitResult:
    """Import the whole file as one batch, or raise ``Refused`` naming every bad line. Lines
    that carry a ``warning`` (a shared serial, a skipped row) are imported (or skipped) all the
    same; ``result.batch_id`` is "" when every row was skipped."""
    if not file.records:
        raise Refused([f"{file.path}: no rows after the header — nothing to import"])
    if file.broken:
        preview = preview_import(engine, file, skip_existing=skip_existing)
        raise Refused(preview.reasons(), preview)
    if file.kind == HOLDERS:
        return engine.add_holders(_holder_rows(file.records), skip_existing=skip_existing)
    if file.kind == CASES:
        return engine.create_cases(_case_rows(file.records), skip_existing=skip_existing)
    return engine.commit_register(_asset_items(file.records), skip_existing=skip_existing)


__all__ = [
    "ASSETS",
    "CASES",
    "COLUMNS",
    "HOLDERS",
    "CsvRecord",
    "ImportFile",
    "Table",
    "commit_import",
    "load_import",
    "parse_csv",
    "preview_import",
    "read_csv",
    "read_table",
]
