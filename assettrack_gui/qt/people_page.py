"""The People page (Ctrl+6): the holders, searched by name or badge with accents and letter case
ignored; add one, rename, change a badge, deactivate or reactivate (asking first); beside the
list, what the selected person holds. A badge scanned while the page is in front selects that
person.

Every change is the same engine call as ``assettrack-admin holder …`` (``add_holder``,
``rename_holder``, ``rebadge_holder``, ``set_holder_active``); a refusal is shown in the
engine's words and nothing typed is lost. The lists come from ``core.directory``.

Keyboard: the search box has the keyboard when the page is shown (Ctrl+F comes back to it, Down
goes to the list); Enter opens the selected person's editor (name and badge); Alt+A add,
Alt+N rename, Alt+B change badge, Alt+D deactivate, Alt+V reactivate, Alt+P badge labels
(the labels dialog, preset to the selected badge).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core import matching, rules
from assettrack_gui.core.directory import Directory, HeldAsset, HolderRow, search_holders
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UserError
from assettrack_gui.core.model import HolderInfo, plural
from assettrack_gui.core.reports import local_display

from .admin_widgets import (
    AdminPage,
    CodeField,
    Column,
    FormDialog,
    RowsModel,
    open_labels,
    table_view,
)
from .dialogs import confirm

__all__ = ["PeoplePage"]

TAGS_SHOWN = 4  # tags listed in the list's "Holds" column; the side panel lists them all


def _holds(row: HolderRow) -> str:
    if not row.tags:
        return ""
    more = f" … (+{row.held - TAGS_SHOWN})" if row.held > TAGS_SHOWN else ""
    return f"{row.held}: " + ", ".join(row.tags[:TAGS_SHOWN]) + more


class PeoplePage(AdminPage):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(
            "F&ind:", "Name or badge (accents and letter case ignored) — or scan a badge", parent
        )
        self.setObjectName("peoplePage")
        self.engine = engine
        self.directory = Directory(engine.store)
        self._all: list[HolderRow] = []
        self.model: RowsModel[HolderRow] = RowsModel(
            [
                Column("Name", lambda r: r.name),
                Column("Badge", lambda r: r.badge_code),
                Column("Status", lambda r: "active" if r.active else "deactivated"),
                Column("Holds", _holds),
            ],
            self,
            dimmed=lambda r: not r.active,
        )
        self.table = table_view(self.model, "peopleTable", self)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(2, 100)
        self.held_model: RowsModel[HeldAsset] = RowsModel(
            [
                Column("Tag", lambda a: a.asset_tag),
                Column("Serial", lambda a: a.serial),
                Column("Description", lambda a: a.description),
                Column("Since", lambda a: local_display(a.since) if a.since else ""),
            ],
            self,
        )
        self.held_view = table_view(self.held_model, "heldTable", self)
        self.held_title = QLabel("Select a person to see what they hold.")
        self.held_title.setObjectName("heldTitle")
        self.held_title.setWordWrap(True)

        self.add_button = QPushButton("&Add person…")
        self.rename_button = QPushButton("Re&name…")
        self.badge_button = QPushButton("Change &badge…")
        self.deactivate_button = QPushButton("&Deactivate…")
        self.reactivate_button = QPushButton("Reacti&vate…")
        self.labels_button = QPushButton("&Print badge labels…")
        self.labels_button.setToolTip(
            "Barcode labels of the selected person's badge (or of everyone's) — the labels dialog"
        )
        self.labels_button.clicked.connect(self.print_badges)
        buttons = [
            self.add_button,
            self.rename_button,
            self.badge_button,
            self.deactivate_button,
            self.reactivate_button,
            self.labels_button,
        ]
        self.add_button.clicked.connect(self.add_person)
        self.rename_button.clicked.connect(lambda: self.edit_person("name"))
        self.badge_button.clicked.connect(lambda: self.edit_person("badge"))
        self.deactivate_button.clicked.connect(lambda: self.set_active(False))
        self.reactivate_button.clicked.connect(lambda: self.set_active(True))

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.held_title)
        side_layout.addWidget(self.held_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self._arrange(splitter, buttons)

    # -- the list --------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        """Read the holders again; keep (or move to) the selected person."""
        keep = select if select is not None else self._selected_id()
        try:
            self._all = self.directory.holders()
        except UserError as exc:
            self.say(str(exc), ok=False)
            return
        self._show_matches(self.search.text(), keep)

    def _show_matches(self, text: str, select: int | None = None) -> None:
        keep = select if select is not None else self._selected_id()
        rows = search_holders(self._all, text)
        self._show_rows(rows, keep)
        shown = len(rows)
        total = f"{len(self._all)} {'person' if len(self._all) == 1 else 'people'}"
        self.say(total if shown == len(self._all) else f"{shown} of {total} match {text.strip()!r}")

    def selected(self) -> HolderRow | None:
        return super().selected()  # type: ignore[no-any-return]

    def select_holder(self, holder_id: int) -> bool:
        """Put the cursor on a holder, clearing a search that hides them."""
        row = self.model.find(lambda r: r.id == holder_id)
        if row < 0 and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._show_matches("", holder_id)
            row = self.model.find(lambda r: r.id == holder_id)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        holder = self.model.row_at(current.row()) if current.isValid() else None
        if holder is None:
            self.held_title.setText("Select a person to see what they hold.")
            self.held_model.set_rows([])
        else:
            held = self.directory.held(holder.id)
            state = "" if holder.active else " (deactivated)"
            self.held_title.setText(
                f"{holder.label}{state} holds {plural(len(held), 'asset')}"
                + (":" if held else ".")
            )
            self.held_model.set_rows(held)
        self._update_buttons()

    def _update_buttons(self) -> None:
        holder = self.selected()
        for button in (self.rename_button, self.badge_button):
            button.setEnabled(holder is not None)
        self.deactivate_button.setEnabled(holder is not None and holder.active)
        self.reactivate_button.setEnabled(holder is not None and not holder.active)
        self.labels_button.setEnabled(bool(self._all))

    # -- scans -------------------------------------------------------------------------------------

    def take_scan(self, text: str) -> tuple[bool, str]:
        """A badge selects that person; anything else is said, and changes nothing."""
        try:
            m = self.engine.classify(text)
        except UserError as exc:
            return False, str(exc)
        if m.kind == matching.HOLDER and m.id is not None:
            self.reload(select=m.id)
            if self.select_holder(m.id):
                holder = self.selected()
                label = holder.label if holder is not None else m.canonical or text
                self.say(f"Scanned badge: {label}")
                self.table.setFocus()
                return True, f"Scanned badge: {label}"
        problem = rules.unknown_holder(text, m).message
        self.say(problem, ok=False)
        return False, problem

    # -- changes -----------------------------------------------------------------------------------

    def add_person(self) -> None:
        dialog = FormDialog(
            "Add person",
            "A new holder who may take custody. The badge code is what their badge scans as.",
            "&Add",
            self,
            name="addPersonDialog",
        )
        name = QLineEdit()
        name.setObjectName("nameField")
        badge = CodeField(last=True)
        badge.setObjectName("badgeField")
        badge.setPlaceholderText("scan the badge, or type its code")
        dialog.add_row("&Name:", name)
        dialog.add_row("&Badge code:", badge)
        added: list[int] = []

        def submit() -> str | None:
            holder = self.engine.add_holder(name.text(), badge.text())
            added.append(holder.id)
            return None

        dialog.submit = submit
        if dialog.run(name) and added:
            self.reload(select=added[0])
            holder = self.selected()
            self.say(f"Added {holder.label if holder else name.text().strip()}")
        self.table.setFocus()

    def open_editor(self) -> None:
        self.edit_person("name")

    def edit_person(self, focus: str = "name") -> None:
        """One editor for name and badge; a changed badge is checked (and recorded) first."""
        holder = self.selected()
        if holder is None:
            return
        dialog = FormDialog(
            "Edit person",
            f"{holder.label}. A new badge is checked like a new person's badge; the old one "
            "scans as nothing afterwards. History keeps both names and badges.",
            "&Save",
            self,
            name="editPersonDialog",
        )
        name = QLineEdit(holder.name)
        name.setObjectName("nameField")
        badge = CodeField(holder.badge_code, last=True)
        badge.setObjectName("badgeField")
        dialog.add_row("&Name:", name)
        dialog.add_row("&Badge code:", badge)
        done: list[str] = []
        current = [HolderInfo(holder.id, holder.name, holder.badge_code, holder.active)]

        def submit() -> str | None:
            now = current[0]
            if badge.text() != now.badge_code:
                try:
                    now = self.engine.rebadge_holder(now.id, badge.text())
                except (Refused, UserError) as exc:
                    return _with_done(exc, done)
                current[0] = now
                done.append(f"badge {holder.badge_code} → {now.badge_code}")
            if name.text().strip() != now.name:
                try:
                    now = self.engine.rename_holder(now.id, name.text())
                except (Refused, UserError) as exc:
                    return _with_done(exc, done)
                current[0] = now
                done.append(f"name {holder.name} → {now.name}")
            return None

        dialog.submit = submit
        dialog.run(badge if focus == "badge" else name)
        if done:
            self.reload(select=holder.id)
            self.say(f"{current[0].label}: " + "; ".join(done))
        self.table.setFocus()

    def set_active(self, active: bool) -> None:
        holder = self.selected()
        if holder is None or holder.active == active:
            return
        if active:
            asked = confirm(
                self,
                "Reactivate",
                f"Reactivate {holder.label}?",
                "Re&activate",
                "They may receive custody again.",
            )
        else:
            holds = (
                f"{holder.name} holds {plural(holder.held, 'asset')}; "
                f"{'it stays' if holder.held == 1 else 'they stay'} recorded against them "
                "until returned. "
                if holder.held
                else ""
            )
            asked = confirm(
                self,
                "Deactivate",
                f"Deactivate {holder.label}?",
                "&Deactivate",
                f"{holds}A deactivated person cannot receive custody; reactivate them any time.",
            )
        if not asked:
            self.table.setFocus()
            return
        try:
            after = self.engine.set_holder_active(holder.id, active)
        except (Refused, UserError) as exc:
            self.say(str(exc), ok=False)
            return
        self.reload(select=after.id)
        self.say(f"{after.label} is now {'active' if after.active else 'deactivated'}")
        self.table.setFocus()

    def print_badges(self) -> None:
        """The labels dialog, preset to the selected person's badge (it can label everyone's)."""
        holder = self.selected()
        open_labels(self, "badges", [holder.badge_code] if holder is not None else None)
        self.table.setFocus()


def _with_done(exc: Exception, done: list[str]) -> str:
    """A refusal after part of an edit was saved: say both."""
    words = "\n".join(exc.reasons) if isinstance(exc, Refused) else str(exc)
    if done:
        return f"{words}\n(Already saved: {'; '.join(done)}.)"
    return words
