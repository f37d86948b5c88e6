"""A stockroom with nothing in it yet: how the app knows, and the template files it offers.

The app shows its welcome panel while :func:`stockroom_is_empty` (no holders, cases or assets:
whatever was ever added stays, so a database that had anything never counts as empty again).
The template files are the three lists ``assettrack-admin import`` and the app's import read
(``core.importer.COLUMNS``, checked by tests/core/test_first_run.py), with example rows; they ship in ``resources/templates``.
"""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import atomic_write_bytes
from .errors import UserError
from .store import Store

# core.importer's kinds, in the order they are imported (the importer itself is not needed to
# tell whether a database is empty, which the app asks at start-up).
TEMPLATE_KINDS = ("holders", "cases", "assets")

_EMPTY_SQL = (
    "SELECT NOT EXISTS (SELECT 1 FROM holders) AND NOT EXISTS (SELECT 1 FROM cases)"
    " AND NOT EXISTS (SELECT 1 FROM assets)"
)


def stockroom_is_empty(store: Store) -> bool:
    """True while the database has no holder, case or asset (deactivated ones count)."""
    with store.read() as conn:
        return bool(conn.execute(_EMPTY_SQL).fetchone()[0])


def template_name(kind: str) -> str:
    """``holders.csv``, ``cases.csv`` or ``assets.csv``."""
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"no template for {kind!r}")
    return f"{kind}.csv"


def template_source(kind: str) -> Path:
    """The bundled template file of ``kind`` (package data: ``resources/templates``)."""
    from assettrack_gui.resources import resource_path

    return resource_path(f"templates/{template_name(kind)}")


def existing_templates(folder: Path | str) -> list[Path]:
    """The template files already in ``folder`` (what saving there would replace)."""
    base = Path(folder)
    return [
        base / template_name(kind)
        for kind in TEMPLATE_KINDS
        if os.path.lexists(base / template_name(kind))
    ]


def save_templates(folder: Path | str, *, replace: bool = False) -> list[Path]:
    """Write the three template files into ``folder``; returns their paths, in import order.

    Each file is written atomically (``core.atomic``), after all three destinations are checked:
    an existing file is replaced only with ``replace`` (the caller asked the person), and never
    a folder or a symbolic link of that name (it could point anywhere)."""
    base = Path(folder).expanduser()
    if not base.is_dir():
        raise UserError(f"{base} is not a folder: choose a folder for the template files.")
    sources = {kind: template_source(kind) for kind in TEMPLATE_KINDS}
    for kind in TEMPLATE_KINDS:
        dest = base / template_name(kind)
        if dest.is_symlink():
            raise UserError(
                f"{dest} is a symbolic link: AssetTrack never writes through a link. "
                "Nothing was saved; choose another folder."
            )
        if dest.is_dir():
            raise UserError(f"{dest} is a folder. Nothing was saved; choose another folder.")
    if not replace and (found := existing_templates(base)):
        names = ", ".join(p.name for p in found)
        raise UserError(f"{base} already has {names}. Nothing was saved.")
    written = []
    for kind in TEMPLATE_KINDS:
        dest = base / template_name(kind)
        try:
            atomic_write_bytes(dest, sources[kind].read_bytes())
        except OSError as exc:
            raise UserError(f"Cannot write {dest}: {exc.strerror or exc}") from None
        written.append(dest)
    return written


__all__ = [
    "TEMPLATE_KINDS",
    "existing_templates",
    "save_templates",
    "stockroom_is_empty",
    "template_name",
    "template_source",
]
