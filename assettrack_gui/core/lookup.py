"""Lookup: what a scan is, where it is now, and its history (assets, holders, cases)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import matching, queries, rules
from .matching import Match, classify, normalize_scan
from .model import Lookup
from .queries import Conn

if TYPE_CHECKING:
    from .settings import Settings
    from .store import Store


def lookup_scan(
    store: Store, raw: str, settings: Settings, history_limit: int | None = None
) -> Lookup:
    """What a scan is and where it is, with its history, in one read snapshot (normalised with
    ``settings`` like any scan). ``Engine.lookup`` and ``assettrack-admin show`` both use it."""
    with store.read() as conn:
        return lookup(conn, classify(conn, normalize_scan(raw, settings)), history_limit)


def lookup(conn: Conn, m: Match, history_limit: int | None = None) -> Lookup:
    result = Lookup(match=m)
    if m.kind == matching.ASSET:
        assert m.id is not None
        state = queries.asset_state(conn, m.id)
        result.title = f"Asset {state.tag}"
        result.facts = [
            ("Tag", state.tag),
            ("Serial", state.serial),
            ("Description", state.description),
        ]
        if state.retired:  # Retired (lost) — reason, date, by
            record = queries.last_retirement(conn, state.id)
            result.facts.append(("Status", rules.retired_status(record, state.retirement)))
        else:
            result.facts += [
                ("Status", state.location_type),
                ("Held by" if state.in_custody else "Location", state.where),
            ]
        result.events = queries.asset_history(conn, m.id, history_limit)
    elif m.kind == matching.HOLDER:
        assert m.id is not None
        holder = queries.holder_by_id(conn, m.id)
        assert holder is not None
        held = queries.assets_held_by(conn, holder.id)
        result.title = f"Holder {holder.label}"
        result.facts = [
            ("Name", holder.name),
            ("Badge", holder.badge_code),
            ("Active", "yes" if holder.active else "no (deactivated)"),
            ("Holds", f"{len(held)} asset(s)"),
        ] + [("  •", f"{t} {d}".strip()) for t, d in held]
        result.events = queries.holder_history(conn, holder.id, history_limit)
    elif m.kind == matching.CASE:
        assert m.id is not None
        case = queries.case_by_id(conn, m.id)
        assert case is not None
        used = queries.used_slot_count(conn, case.id)
        result.title = f"Case {case.case_code}"
        result.facts = [
            ("Code", case.case_code),
            ("Name", case.name),
            ("Size", f"{case.rows} × {case.cols} = {case.size} slots"),
            ("Occupied", f"{used} used, {case.size - used} free"),
        ] + [
            ("  •", f"{s.position}: {f'{s.asset_tag} {s.description}'.strip() if s.asset_tag else '(empty)'}")
            for s in queries.case_slots(conn, case.id)
        ]
        result.events = queries.case_history(conn, case.id, history_limit)
    else:
        result.title = m.message
    return result
