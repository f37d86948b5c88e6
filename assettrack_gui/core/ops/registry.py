"""Registering what the stockroom has: assets (RECEIVE, optionally into a slot), holders and
cases (with all their slots). Each is one batch, checked whole and committed whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import queries, rules
from ..eventlog import EventBatch
from ..model import (
    Code,
    EventType,
    Line,
    NewAsset,
    NewCase,
    NewHolder,
    Operation,
    Preview,
    Verdict,
)
from ..queries import Conn
from .batch import BatchState
from .placement import target_slot

if TYPE_CHECKING:
    from ..engine import Engine


class _Alike:
    """Near-duplicates of new codes: against the database (index-friendly, see
    ``queries.codes_alike``) and against the earlier rows of the same file or batch."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.rows: dict[str, tuple[str, str]] = {}  # key -> (code, ref of its row)

    def check(self, conn: Conn, code: str, ref: str) -> Verdict | None:
        key = rules.alike_key(code)
        first = self.rows.get(key)
        if first is not None and first[0] != code:
            return rules.near_duplicate(self.what, code, self.what, first[0], first[1])
        self.rows.setdefault(key, (code, ref))
        return alike_in_database(conn, self.what, code)


def alike_in_database(
    conn: Conn, what: str, code: str, own: tuple[str, int] | None = None
) -> Verdict | None:
    """A new code too like an existing one (dashes, letter case); ``own`` (kind, id) is the
    record whose code is changing: its current code is no conflict."""
    for kind, id_, existing in queries.codes_alike(conn, code):
        if existing != code and (kind, id_) != own:
            return rules.near_duplicate(what, code, kind, existing)
    return None


def badge_problem(
    engine: Engine, conn: Conn, badge: str, holder_id: int | None = None
) -> Verdict | None:
    """The checks a new badge code passes — it scans as itself and not as a slot label, nothing
    uses it, it is not a near-duplicate of another code — for a changed badge
    (``Engine.rebadge_holder``; the holder ``holder_id`` is no conflict with itself).
    ``validate_holders`` runs the same three checks with an import's extras (repeats in the
    file, ``--skip-existing``) between them."""
    verdict = rules.code_problem(badge, "badge code", engine.settings)
    if verdict is None and (users := queries.code_users(conn, badge)):
        verdict = rules.badge_taken(badge, *users[0])
    if verdict is None:
        own = ("holder", holder_id) if holder_id is not None else None
        verdict = alike_in_database(conn, "badge", badge, own)
    return verdict


def _skip(line: Line, verdict: Verdict) -> None:
    """``--skip-existing``: the row equals the existing record; accepted, changes nothing."""
    line.accept()
    line.skipped, line.warning, line.now, line.to = True, verdict, "exists", "unchanged"


# -- assets -----------------------------------------------------------------------------------


def _existing_asset(conn: Conn, item: NewAsset, asset_id: int) -> Verdict:
    """--skip-existing: the row against the asset with its tag. Skipped (``EXISTS_IDENTICAL``)
    when serial and description are the same and the row names no slot or the slot the asset
    belongs in (``queries.home_slot_label``: out with a holder or retired, the one it left — a
    list can be imported again while assets are out); else refused naming every difference and,
    for the slot, where the asset is now (``rules.place_difference``)."""
    state = queries.asset_state(conn, asset_id)
    diffs = [
        (name, old, new)
        for name, old, new in (
            ("serial", state.serial, item.serial),
            ("description", state.description, item.description),
        )
        if old != new
    ]
    home = queries.home_slot_label(conn, state)
    place = ""
    case = item.case_code.strip()
    pos = "" if item.position is None else str(item.position).strip()
    if case or pos:
        number = rules.parse_position(pos)
        given = f"{case}/{number if number is not None else pos}"
        place = rules.place_difference(state, home, given)
    if diffs or place:
        return rules.exists_different("asset", item.asset_tag, diffs, place)
    return rules.exists_identical("asset", item.asset_tag, rules.asset_now(state, home))


def validate_assets(
    engine: Engine, conn: Conn, items: Sequence[NewAsset], skip_existing: bool = False
) -> Preview:
    preview = Preview(Operation.REGISTER, [])
    seen: dict[str, int] = {}
    owners: dict[str, list[str]] | None = None  # serial -> tags in the database, read once
    file_serials: dict[str, list[str]] = {}  # serial -> "AT-1 (line 2)" of earlier rows
    alike = _Alike("asset tag")
    batch = BatchState()
    for index, item in enumerate(items):
        tag = item.asset_tag
        line = Line(index=index, scan=tag, label=item.label, asset_tag=tag, now="new")
        line.serial, line.description = item.serial, item.description
        preview.lines.append(line)
        verdict = (
            rules.code_problem(tag, "asset tag", engine.settings)
            or rules.name_problem(item.serial, "serial")
            or rules.name_problem(item.description, "description")
        )
        if verdict is not None:
            line.refuse(verdict)
            continue
        if tag in seen:
            line.refuse(rules.repeated("asset tag", tag, preview.lines[seen[tag]].ref))
            continue
        seen[tag] = index
        users = queries.code_users(conn, tag)
        if any(kind == "asset" for kind, _ in users):
            asset_id = queries.asset_id_by_tag(conn, tag)
            if not skip_existing or asset_id is None:
                line.refuse(Code.CODE_EXISTS, f"asset tag {tag} already exists")
            elif (verdict := _existing_asset(conn, item, asset_id)).code == Code.EXISTS_IDENTICAL:
                _skip(line, verdict)
            else:
                line.refuse(verdict)
            continue
        if users:
            kind = "badge" if users[0][0] == "holder" else "case"
            line.refuse(Code.CODE_IN_USE, f"asset tag {tag} is already used as a {kind} code")
            continue
        if (verdict := alike.check(conn, tag, line.ref)) is not None:
            line.refuse(verdict)
            continue
        line.accept()
        if item.serial.strip():
            # Some vendors reuse serials: a note on the line, never a refusal.
            if owners is None:
                owners = queries.serial_owners(conn)
            others = owners.get(item.serial, []) + file_serials.get(item.serial, [])
            if others:
                line.warning = rules.serial_shared(item.serial, others)
            file_serials.setdefault(item.serial, []).append(f"{tag} ({line.ref})")
        has_case = bool(item.case_code.strip())
        has_pos = item.position not in (None, "")
        if has_case != has_pos:
            line.refuse(rules.slot_incomplete())
        elif has_case:
            target_slot(engine, conn, line, item.case_code.strip(), item.position, batch)
        else:
            line.to = "storage (no slot)"
    return preview


def apply_assets(conn: Conn, events: EventBatch, preview: Preview) -> None:
    for line in preview.lines:
        if line.skipped:
            continue
        assert line.asset_tag is not None
        line.asset_id = queries.insert_asset(conn, line.asset_tag, line.serial, line.description)
        if line.to_slot_id is not None:
            queries.fill_slots(conn, [(line.asset_id, line.to_slot_id)])
        events.add(
            EventType.RECEIVE,
            asset_id=line.asset_id,
            slot_id=line.to_slot_id,
            details={
                "asset_tag": line.asset_tag,
                "serial": line.serial,
                "description": line.description,
            },
        )


# -- holders ----------------------------------------------------------------------------------


def validate_holders(
    engine: Engine, conn: Conn, rows: Sequence[NewHolder], skip_existing: bool = False
) -> Preview:
    preview = Preview(Operation.HOLDER_ADD, [])
    seen: dict[str, int] = {}
    alike = _Alike("badge")
    for index, row in enumerate(rows):
        name, badge = row.name, row.badge_code
        line = Line(index=index, scan=badge, label=row.label, now="new", to=name)
        preview.lines.append(line)
        verdict: Verdict | None
        if not name.strip():
            verdict = Verdict(Code.INVALID_NAME, "name is empty")
        else:
            verdict = rules.name_problem(name) or rules.code_problem(
                badge, "badge code", engine.settings
            )
        if verdict is None and badge in seen:
            verdict = rules.repeated("badge", badge, preview.lines[seen[badge]].ref)
        if verdict is None and (users := queries.code_users(conn, badge)):
            kind, used_by = users[0]
            if skip_existing and kind == "holder":
                if used_by == name.strip():
                    _skip(line, rules.exists_identical("holder", badge))
                    seen.setdefault(badge, index)
                    continue
                verdict = rules.exists_different("holder", badge, [("name", used_by, name)])
        if verdict is None and users:
            verdict = rules.badge_taken(badge, *users[0])
        if verdict is None:
            verdict = alike.check(conn, badge, line.ref)
        if verdict is not None:
            line.refuse(verdict)
        else:
            line.accept()
        seen.setdefault(badge, index)
    return preview


def apply_holders(
    conn: Conn, events: EventBatch, preview: Preview, rows: Sequence[NewHolder]
) -> None:
    for row, line in zip(rows, preview.lines, strict=True):
        if line.skipped:
            continue
        name = row.name.strip()
        line.holder_id = queries.insert_holder(conn, name, row.badge_code)
        events.add(
            EventType.HOLDER_ADD,
            holder_id=line.holder_id,
            details={"name": name, "badge_code": row.badge_code},
        )


# -- cases ------------------------------------------------------------------------------------


def validate_cases(
    engine: Engine, conn: Conn, rows: Sequence[NewCase], skip_existing: bool = False
) -> Preview:
    preview = Preview(Operation.CASE_CREATE, [])
    seen: dict[str, int] = {}
    alike = _Alike("case code")
    for index, row in enumerate(rows):
        code, name = row.case_code, row.name
        line = Line(index=index, scan=code, label=row.label, now="new", to=name)
        preview.lines.append(line)
        r, c = rules.parse_position(row.rows), rules.parse_position(row.cols)
        verdict = rules.code_problem(
            code, "case code", engine.settings, case_code=True
        ) or rules.name_problem(name)
        if verdict is None and code in seen:
            verdict = rules.repeated("case", code, preview.lines[seen[code]].ref)
        if verdict is None:
            verdict = rules.case_size(r, c, (row.rows, row.cols))
        if (
            verdict is None
            and skip_existing
            and (case := queries.case_by_code(conn, code)) is not None
        ):
            diffs = [
                (field, str(old), str(new))
                for field, old, new in (
                    ("name", case.name, name.strip()),
                    ("rows", case.rows, r),
                    ("cols", case.cols, c),
                )
                if old != new
            ]
            if not diffs:
                _skip(line, rules.exists_identical("case", code))
                seen.setdefault(code, index)
                continue
            verdict = rules.exists_different("case", code, diffs)
        if verdict is None and (users := queries.code_users(conn, code)):
            kind = users[0][0]
            verdict = Verdict(
                Code.CODE_EXISTS if kind == "case" else Code.CODE_IN_USE,
                f"case code {code} is already used by "
                + {"case": "a case", "asset": "an asset tag", "holder": "a badge"}[kind],
            )
        if verdict is None:
            verdict = alike.check(conn, code, line.ref)
        if verdict is not None:
            line.refuse(verdict)
        else:
            line.accept()
            line.to = f"{name} ({r} × {c})"
        seen.setdefault(code, index)
    return preview


def apply_cases(
    conn: Conn, events: EventBatch, preview: Preview, rows: Sequence[NewCase]
) -> None:
    for row, line in zip(rows, preview.lines, strict=True):
        if line.skipped:
            continue
        r, c = rules.parse_position(row.rows), rules.parse_position(row.cols)
        assert r is not None and c is not None
        name = row.name.strip()
        case_id = queries.insert_case(conn, row.case_code, name, r, c)
        events.add(
            EventType.CASE_CREATE,
            details={
                "case_id": case_id,
                "case_code": row.case_code,
                "name": name,
                "rows": r,
                "cols": c,
            },
        )
