"""CSV imports of holders, cases and assets: one file is one all-or-nothing batch.

The stockroom's lists usually come out of a spreadsheet, so the reader is strict where a mistake
would silently lose data (the header must name exactly the expected columns; a row with the wrong
number of fields is refused) and lenient where Excel adds noise (a UTF-8 BOM, CRLF line ends,
blank rows). Every row is labelled with its file line number — the header is line 1, and a quoted
field that spans lines makes the next record start further down — so that a refusal says
"line 7: …" and the clerk can find the row.

Problems with the file itself (missing, unreadable, not UTF-8, malformed quoting, wrong header)
raise ``UsageError``. Problems with rows come back as refused lines of a ``Preview``; committing
raises ``Refused`` with one reason per bad row and changes nothing. The admin CLI and the GUI
both call ``load_import`` (file problems), then ``preview_import`` / ``commit_import``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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


def read_csv(path: Path | str, columns: Sequence[str]) -> list[CsvRecord]:
    """Read a CSV file whose header names exactly ``columns`` (in any order)."""
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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    return parse_csv(text, columns, source=str(path))


def parse_csv(text: str, columns: Sequence[str], source: str = "the CSV") -> list[CsvRecord]:
    """Parse CSV text (already decoded); see ``read_csv``."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[CsvRecord] = []
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(field.strip() for field in row):
                continue  # blank lines, and the ",,,," rows spreadsheets leave behind
            if header is None:
                header = _check_header(row, columns, source)
                continue
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
    except csv.Error as exc:
        why = "a quoted field is never closed" if "end of data" in str(exc) else str(exc)
        raise UsageError(f"{source}, line {start}: malformed CSV ({why})") from None
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


def _engine_preview(engine: Engine, kind: str, records: Sequence[CsvRecord]) -> Preview:
    """Verdicts for well-formed records, without changing anything."""
    if kind == ASSETS:
        return engine.preview_register(_asset_items(records))
    if kind == HOLDERS:
        return engine.preview_add_holders(_holder_rows(records))
    return engine.preview_create_cases(_case_rows(records))


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

    @property
    def broken(self) -> list[CsvRecord]:
        return [r for r in self.records if r.problem]

    @property
    def readable(self) -> list[CsvRecord]:
        return [r for r in self.records if not r.problem]


def load_import(kind: str, path: Path | str) -> ImportFile:
    """Read ``path`` as ``kind`` (holders, cases or assets); a bad file raises ``UsageError``."""
    return ImportFile(kind, Path(path), read_csv(path, _kind_columns(kind)))


def preview_import(engine: Engine, file: ImportFile) -> Preview:
    """Every row's verdict, in file order, without changing anything."""
    good = file.readable
    return _merge(_engine_preview(engine, file.kind, good), file.broken, good)


def commit_import(engine: Engine, file: ImportFile) -> CommitResult:
    """Import the whole file as one batch, or raise ``Refused`` naming every bad line."""
    if not file.records:
        raise Refused([f"{file.path}: no rows after the header — nothing to import"])
    if file.broken:
        preview = preview_import(engine, file)
        raise Refused(preview.reasons(), preview)
    if file.kind == HOLDERS:
        return engine.add_holders(_holder_rows(file.records))
    if file.kind == CASES:
        return engine.create_cases(_case_rows(file.records))
    return engine.commit_register(_asset_items(file.records))


__all__ = [
    "ASSETS",
    "CASES",
    "COLUMNS",
    "HOLDERS",
    "CsvRecord",
    "ImportFile",
    "commit_import",
    "load_import",
    "parse_csv",
    "preview_import",
    "read_csv",
]
