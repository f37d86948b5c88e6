"""*Undo this batch…*: the GUI's way to void a wrong commit (``assettrack-admin void`` in the CLI).

The engine decides everything (``Engine.preview_void`` / ``commit_void``): which assets go back
where, or why the batch cannot be undone. This module only asks the person and shows the answer.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, StoreError
from assettrack_gui.core.model import CommitResult, plural

from .dialogs import confirm, message

SHOWN_LINES = 12  # more lines than this are summed up


def undo_batch(parent: QWidget, engine: Engine, batch_id: str) -> CommitResult | None:
    """Show what undoing ``batch_id`` does and, if confirmed, commit the compensating batch.
    Returns the new batch, or None if it could not be undone or the person said no."""
    try:
        preview = engine.preview_void(batch_id)
    except StoreError as exc:
        message(parent, "Undo batch", str(exc))
        return None
    if not preview.ok:
        message(
            parent,
            "Undo batch",
            f"Batch {batch_id} cannot be undone; nothing was changed.",
            details="\n".join(preview.reasons()[:SHOWN_LINES]),
        )
        return None
    lines = [f"{line.asset_tag}: {line.now} → {line.to}" for line in preview.lines]
    more = len(lines) - SHOWN_LINES
    listing = "\n".join(lines[:SHOWN_LINES]) + (f"\n… and {more} more" if more > 0 else "")
    if not confirm(
        parent,
        "Undo batch",
        f"Undo batch {batch_id}? "
        + (
            "1 asset goes back where it was before it."
            if len(lines) == 1
            else f"{len(lines)} assets go back where they were before it."
        ),
        "Undo batch",
        listing + "\n\nThe history keeps both batches: a new batch records the undo.",
    ):
        return None
    try:
        result = engine.commit_void(batch_id)
    except Refused as exc:
        message(
            parent,
            "Undo batch",
            f"Batch {batch_id} was not undone: it changed meanwhile. Nothing was changed.",
            details="\n".join(exc.reasons[:SHOWN_LINES]),
        )
        return None
    except StoreError as exc:
        message(parent, "Undo batch", str(exc))
        return None
    message(
        parent,
        "Undo batch",
        f"Batch {batch_id} was undone by batch {result.batch_id}: "
        f"{plural(result.count, 'asset')} back where they were.",
        icon=QMessageBox.Icon.Information,
    )
    return result
