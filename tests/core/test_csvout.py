"""CSV export: formula neutralising, Excel-friendly encoding, streaming, atomic files, sidecar."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assettrack_gui.core.csvout import (
    ExportCancelled,
    neutralise,
    sidecar_path,
    write_csv,
)
from assettrack_gui.core.eventlog import LogHead

REPO = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"
HEAD_HASH = "0123456789abcdef" * 4
PAYLOADS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "\nLF", '=HYPERLINK("http://x")']
HEADER = ["asset_tag", "serial", "description", "holder"]


def read_back(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# -- neutralise ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_formula_text(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (-3, -3),
        (1.5, 1.5),
        (0, 0),
        (None, ""),
        (True, "True"),
        ("00123", "00123"),
        ("-123", "'-123"),
        ("AT-0001", "AT-0001"),
        ("Zoë", "Zoë"),
        ("", ""),
        ("a=b", "a=b"),
        (float("-inf"), "'-inf"),
    ],
)
def test_neutralise_keeps_numbers_and_plain_text(value, expected):
    result = neutralise(value)
    assert result == expected
    assert type(result) is type(expected)


# -- the file ------------------------------------------------------------------------------------


def test_payloads_in_every_column_come_back_neutralised(tmp_path):
    dest = tmp_path / "assets.csv"
    rows = [[p] * len(HEADER) for p in PAYLOADS]
    assert write_csv(dest, HEADER, iter(rows)) == len(PAYLOADS)
    got = read_back(dest)
    assert got[0] == HEADER
    assert got[1:] == [["'" + p] * len(HEADER) for p in PAYLOADS]


def test_numbers_stay_numbers_and_text_keeps_leading_zeros(tmp_path):
    dest = tmp_path / "numbers.csv"
    write_csv(dest, ["tag", "count", "delta", "ratio", "note"], [("00123", 5, -3, 1.5, None)])
    raw = dest.read_bytes()
    assert raw.endswith(b"00123,5,-3,1.5,\r\n")
    assert read_back(dest)[1] == ["00123", "5", "-3", "1.5", ""]


def test_text_tag_that_looks_negative_is_neutralised(tmp_path):
    dest = tmp_path / "tags.csv"
    write_csv(dest, ["asset_tag"], [("-123",), ("0007",)])
    assert read_back(dest)[1:] == [["'-123"], ["0007"]]


def test_bom_once_crlf_and_header_first(tmp_path):
    dest = tmp_path / "out.csv"
    write_csv(dest, HEADER, [("A1", "S1", "Laptop", "Zoë Müller-Łukasiewicz"), ("A2", "", "", "")])
    raw = dest.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(BOM) == 1
    lines = raw[len(BOM) :].split(b"\r\n")
    assert lines[-1] == b""  # the file ends with CRLF
    assert b"\n" not in b"".join(lines)  # every line end is CRLF, none bare
    assert lines[0] == b"asset_tag,serial,description,holder"
    assert lines[1].decode("utf-8") == "A1,S1,Laptop,Zoë Müller-Łukasiewicz"


def test_empty_export_has_header_only(tmp_path):
    dest = tmp_path / "empty.csv"
    assert write_csv(dest, HEADER, iter(())) == 0
    assert read_back(dest) == [HEADER]


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_any_text_round_trips_with_at_most_an_apostrophe(text):
    # A temp dir per example: hypothesis does not reset function-scoped fixtures like tmp_path.
    with tempfile.TemporaryDirectory() as folder:
        dest = Path(folder) / "t.csv"
        write_csv(dest, ["x"], [(text, 1)])
        cell, number = read_back(dest)[1]
    assert number == "1"
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        assert cell == "'" + text
    else:
        assert cell == text


def test_replaces_existing_file_only_when_complete(tmp_path):
    dest = tmp_path / "r.csv"
    dest.write_text("old report\n", encoding="utf-8")

    def rows():
        yield ("A1",)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_csv(dest, ["tag"], rows())
    assert dest.read_text(encoding="utf-8") == "old report\n"
    assert leftovers(tmp_path, {"r.csv"}) == []

    write_csv(dest, ["tag"], [("A2",)])
    assert read_back(dest) == [["tag"], ["A2"]]
    assert leftovers(tmp_path, {"r.csv"}) == []


def test_cancel_deletes_partial_file(tmp_path):
    dest = tmp_path / "big.csv"
    seen: list[int] = []
    checks = iter([False, False, True])

    with pytest.raises(ExportCancelled):
        write_csv(
            dest,
            ["tag"],
            ((f"A{i}",) for i in range(10_000)),
            progress=seen.append,
            cancelled=lambda: next(checks),
        )
    assert not dest.exists()
    assert leftovers(tmp_path, set()) == []
    assert seen == [1000, 2000]


def test_cancel_keeps_previous_complete_file(tmp_path):
    dest = tmp_path / "big.csv"
    write_csv(dest, ["tag"], [("OLD",)])
    with pytest.raises(ExportCancelled):
        write_csv(dest, ["tag"], ((f"A{i}",) for i in range(5000)), cancelled=lambda: True)
    assert read_back(dest) == [["tag"], ["OLD"]]
    assert leftovers(tmp_path, {"big.csv"}) == []


def test_progress_every_thousand_rows_and_at_the_end(tmp_path):
    seen: list[int] = []
    n = write_csv(tmp_path / "p.csv", ["n"], ((i,) for i in range(2500)), progress=seen.append)
    assert n == 2500
    assert seen == [1000, 2000, 2500]


# -- event-log head sidecar -----------------------------------------------------------------------


def parse_sidecar(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines)


def test_sidecar_path_name(tmp_path):
    assert sidecar_path(tmp_path / "X.csv") == tmp_path / "X.csv.loghead.txt"
    assert sidecar_path("out/report.csv") == Path("out/report.csv.loghead.txt")


@pytest.mark.parametrize("head", [(1234, HEAD_HASH), LogHead(1234, HEAD_HASH)])
def test_sidecar_records_log_head_and_file_hash(tmp_path, head):
    dest = tmp_path / "X.csv"
    write_csv(dest, HEADER, [("A1", "S1", "d", "h"), ("A2", "S2", "d", "h")], log_head=head)
    side = sidecar_path(dest)
    assert side.name == "X.csv.loghead.txt"
    info = parse_sidecar(side)
    assert list(info) == ["events", "head_hash", "exported_at", "file", "rows", "sha256"]
    assert info["events"] == "1234"
    assert info["head_hash"] == HEAD_HASH
    assert info["file"] == "X.csv"
    assert info["rows"] == "2"
    assert info["sha256"] == hashlib.sha256(dest.read_bytes()).hexdigest()
    stamp = datetime.fromisoformat(info["exported_at"].replace("Z", "+00:00"))
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0
    # Never a line inside the CSV itself.
    assert b"head_hash" not in dest.read_bytes()
    assert len(read_back(dest)) == 3
    assert leftovers(tmp_path, {"X.csv", "X.csv.loghead.txt"}) == []


def test_no_sidecar_without_log_head(tmp_path):
    dest = tmp_path / "X.csv"
    write_csv(dest, HEADER, [])
    assert not sidecar_path(dest).exists()


def test_cancel_writes_no_sidecar(tmp_path):
    dest = tmp_path / "X.csv"
    with pytest.raises(ExportCancelled):
        write_csv(
            dest,
            ["n"],
            ((i,) for i in range(3000)),
            log_head=(1, HEAD_HASH),
            cancelled=lambda: True,
        )
    assert leftovers(tmp_path, set()) == []


# -- stdout -----------------------------------------------------------------------------------------


def test_stdout_gets_bom_csv_and_log_head_goes_to_stderr():
    script = textwrap.dedent(
        f"""
        from assettrack_gui.core.csvout import write_csv
        n = write_csv("-", ["tag", "n"], iter([("=1+1", 5), ("00123", -3)]),
                      log_head=(42, "{HEAD_HASH}"))
        print("done", n, flush=True)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, check=True, timeout=60
    )
    out = proc.stdout
    assert out.startswith(BOM)
    # stdout stays usable after the export (it was detached, not closed).
    csv_bytes, _, tail = out.rpartition(b"done")
    assert tail.strip() == b"2"
    assert csv_bytes == BOM + b"tag,n\r\n'=1+1,5\r\n00123,-3\r\n"
    assert b"events" not in out and b"head_hash" not in out
    info = dict(line.split(": ", 1) for line in proc.stderr.decode("utf-8").splitlines())
    assert info["events"] == "42"
    assert info["head_hash"] == HEAD_HASH
    assert info["file"] == "-"
    assert info["rows"] == "2"
    assert info["sha256"] == hashlib.sha256(csv_bytes).hexdigest()


def test_stdout_in_process(capsysbinary):
    assert write_csv("-", ["tag"], [("@cmd",)], log_head=(7, HEAD_HASH)) == 1
    captured = capsysbinary.readouterr()
    assert captured.out == BOM + b"tag\r\n'@cmd\r\n"
    assert b"events: 7\n" in captured.err
    assert sys.stdout.buffer is not None and not sys.stdout.closed


# -- streaming ---------------------------------------------------------------------------------------


def test_memory_does_not_grow_with_rows(tmp_path):
    """300,000 rows through a generator: peak traced memory stays far below what a list costs."""
    n_rows = 300_000

    def rows():
        for i in range(n_rows):
            yield (f"AT-{i:07d}", f"SN{i:010d}", "Zebra TC52 scanner, with charger", i, None)

    tracemalloc.start()
    try:
        written = write_csv(
            tmp_path / "big.csv",
            ["tag", "serial", "description", "n", "holder"],
            rows(),
            log_head=(n_rows, HEAD_HASH),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == n_rows
    assert peak < 5 * 1024 * 1024, f"peak traced memory {peak / 1e6:.1f} MB"
    assert parse_sidecar(sidecar_path(tmp_path / "big.csv"))["rows"] == str(n_rows)
