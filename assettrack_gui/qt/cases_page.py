"""The Cases page (Ctrl+7): the cases with their fill, searched by code or name; create one
(code, name, rows × cols), rename, resize (refused in the engine's words while an occupied slot
would fall outside), the case map of the selected case, and its printable map (PDF). A case code
scanned while the page is in front selects that case; a slotted asset's tag selects its slot.

Every change is the same engine call as ``assettrack-admin case …`` (``create_case``,
``rename_case``, ``resize_case``); the lists come from ``core.directory``, the PDF from
``core.case_map_pdf`` (fpdf2 loads when a map is printed).

Keyboard: the search box has the keyboard when the page is shown (Ctrl+F comes back to it, Down
goes to the list); Enter opens the selected case's editor (name and size); Alt+N new case,
Alt+A rename, Alt+Z resize, Alt+P printable map, Alt+L slot labels. Tab reaches the map.
"""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QWidget,
)

from assettrack_gui.core import matching, paths, rules
from assettrack_gui.core.directory import CaseRow, Directory, search_cases
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, UserError
from assettrack_gui.core.model import CaseInfo, plural

from .admin_widgets import (
    AdminPage,
    CodeField,
    Column,
    FormDialog,
    RowsModel,
    open_labels,
    table_view,
)
from .dialogs import message
from .widgets import CaseMapView

__all__ = ["CasesPage", "case_map_path"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def case_map_path(case_code: str) -> Path:
    """Where the printable map of a case is written before it is opened (a cache)."""
    cache = Path(platformdirs.user_cache_dir(paths.APP_DIR_NAME, appauthor=False))
    name = _UNSAFE.sub("_", case_code).strip("._") or "case"
    return cache / "case-maps" / f"{name}.pdf"


def _size_boxes(rows: int, cols: int) -> tuple[QSpinBox, QSpinBox]:
    boxes = []
    for value, name in ((rows, "rowsField"), (cols, "colsField")):
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(1, rules.MAX_SLOTS_PER_CASE)
        box.setValue(value)
        boxes.append(box)
    return boxes[0], boxes[1]


class CasesPage(AdminPage):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__("F&ind:", "Case code or name — or scan a case code", parent)
        self.setObjectName("casesPage")
        self.engine = engine
        self.directory = Directory(engine.store)
        self._all: list[CaseRow] = []
        self.model: RowsModel[CaseRow] = RowsModel(
            [
                Column("Code", lambda c: c.case_code),
                Column("Name", lambda c: c.name),
                Column("Size", lambda c: f"{c.rows} × {c.cols}"),
                Column("Used", lambda c: str(c.used), right=True),
                Column("Free", lambda c: str(c.free), right=True),
            ],
            self,
        )
        self.table = table_view(self.model, "casesTable", self)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 220)
        self.case_map = CaseMapView(self)

        self.new_button = QPushButton("&New case…")
        self.rename_button = QPushButton("Ren&ame…")
        self.resize_button = QPushButton("Resi&ze…")
        self.map_button = QPushButton("Print case ma&p…")
        self.map_button.setToolTip("A PDF of the selected case's grid with the tag in each slot")
        buttons = [self.new_button, self.rename_button, self.resize_button, self.map_button]
        # The map's own button (and Ctrl+Shift+P in it): the labels dialog for its slots.
        self.case_map.print_button.setText("Print s&lot labels…")
        self.case_map.slotLabelsRequested.connect(self.print_slot_labels)
        self.new_button.clicked.connect(self.new_case)
        self.rename_button.clicked.connect(lambda: self.edit_case("name"))
        self.resize_button.clicked.connect(lambda: self.edit_case("size"))
        self.map_button.clicked.connect(self.print_map)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.case_map)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self._arrange(splitter, buttons)

    # -- the list and the map ------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self._selected_id()
        try:
            self._all = self.directory.cases()
        except UserError as exc:
            self.say(str(exc), ok=False)
            return
        self._show_matches(self.search.text(), keep)

    def _show_matches(self, text: str, select: int | None = None) -> None:
        keep = select if select is not None else self._selected_id()
        rows = search_cases(self._all, text)
        self._show_rows(rows, keep)
        total = len(self._all)
        self.say(
            plural(total, "case")
            if len(rows) == total
            else f"{len(rows)} of {plural(total, 'case')} match {text.strip()!r}"
        )

    def selected(self) -> CaseRow | None:
        return super().selected()  # type: ignore[no-any-return]

    def select_case(self, case_id: int, position: int | None = None) -> bool:
        row = self.model.find(lambda r: r.id == case_id)
        if row < 0 and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self._show_matches("", case_id)
            row = self.model.find(lambda r: r.id == case_id)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        if position is not None:
            index = self.case_map.model.index_of_position(position)
            if index.isValid():
                self.case_map.view.setCurrentIndex(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is None:
            self.case_map.show_case(None, [])
        else:
            case = CaseInfo(row.id, row.case_code, row.name, row.rows, row.cols)
            self.case_map.show_case(case, self.engine.case_slots(row.id))
        self._update_buttons()

    def _update_buttons(self) -> None:
        case = self.selected()
        for button in (self.rename_button, self.resize_button, self.map_button):
            button.setEnabled(case is not None)

    # -- scans -------------------------------------------------------------------------------------

    def take_scan(self, text: str) -> tuple[bool, str]:
        """A case code selects that case; a slotted asset's tag, its case and slot."""
        try:
            m = self.engine.classify(text)
            if m.kind == matching.CASE and m.id is not None:
                self.reload(select=m.id)
                if self.select_case(m.id):
                    said = f"Scanned case {m.canonical}"
                    self.say(said)
                    return True, said
            if m.kind == matching.ASSET and m.id is not None:
                device = self.directory.device(m.id)
                if device is not None and device.case_code is not None:
                    case = self.engine.case(device.case_code)
                    if case is not None:
                        self.reload(select=case.id)
                        self.select_case(case.id, device.position)
                        said = f"{device.asset_tag} is in {device.place}"
                        self.say(said)
                        return True, said
                if device is not None:
                    said = f"{device.asset_tag} is in no case: {device.place}"
                    self.say(said, ok=False)
                    return False, said
        except UserError as exc:
            self.say(str(exc), ok=False)
            return False, str(exc)
        problem = rules.unknown_case(text, m).message
        self.say(problem, ok=False)
        return False, problem

    # -- changes -----------------------------------------------------------------------------------

    def new_case(self) -> None:
        dialog = FormDialog(
            "New case",
            "A case (cart, shelf, locker) with rows × columns numbered slots, 1 … rows × cols "
            "row by row. The code is what its label scans as.",
            "&Create",
            self,
            name="newCaseDialog",
        )
        code = CodeField()
        code.setObjectName("codeField")
        code.setPlaceholderText("e.g. CART-A (scan its label, or type it)")
        name = QLineEdit()
        name.setObjectName("nameField")
        rows, cols = _size_boxes(1, 10)
        dialog.add_row("&Code:", code)
        dialog.add_row("&Name:", name)
        dialog.add_row("&Rows:", rows)
        dialog.add_row("C&olumns:", cols)
        made: list[CaseInfo] = []

        def submit() -> str | None:
            made.append(self.engine.create_case(code.text(), name.text(), rows.value(), cols.value()))
            return None

        dialog.submit = submit
        if dialog.run(code) and made:
            case = made[0]
            self.reload(select=case.id)
            self.say(
                f"Created case {case.case_code} ({case.rows} × {case.cols} = "
                f"{plural(case.size, 'slot')})"
            )
        self.table.setFocus()

    def open_editor(self) -> None:
        self.edit_case("name")

    def edit_case(self, focus: str = "name") -> None:
        """One editor for name and size; a new size is checked (and recorded) first."""
        row = self.selected()
        if row is None:
            return
        dialog = FormDialog(
            "Edit case",
            f"Case {row.case_code}: {row.rows} × {row.cols}, {row.used} of {row.size} slots "
            "used. Slots are numbered row by row; a case shrinks only while every occupied slot "
            "stays inside it.",
            "&Save",
            self,
            name="editCaseDialog",
        )
        name = QLineEdit(row.name)
        name.setObjectName("nameField")
        rows, cols = _size_boxes(row.rows, row.cols)
        dialog.add_row("&Name:", name)
        dialog.add_row("&Rows:", rows)
        dialog.add_row("C&olumns:", cols)
        done: list[str] = []
        now = [CaseInfo(row.id, row.case_code, row.name, row.rows, row.cols)]

        def submit() -> str | None:
            case = now[0]
            try:
                if (rows.value(), cols.value()) != (case.rows, case.cols):
                    before = f"{case.rows} × {case.cols}"
                    case = now[0] = self.engine.resize_case(case.id, rows.value(), cols.value())
                    done.append(f"size {before} → {case.rows} × {case.cols}")
                if name.text().strip() != case.name:
                    before = case.name
                    case = now[0] = self.engine.rename_case(case.id, name.text())
                    done.append(f"name {before or '(none)'} → {case.name or '(none)'}")
            except (Refused, UserError) as exc:
                words = "\n".join(exc.reasons) if isinstance(exc, Refused) else str(exc)
                return f"{words}\n(Already saved: {'; '.join(done)}.)" if done else words
            return None

        dialog.submit = submit
        dialog.run(rows if focus == "size" else name)
        if done:
            self.reload(select=row.id)
            self.say(f"Case {row.case_code}: " + "; ".join(done))
        self.table.setFocus()

    def print_map(self) -> Path | None:
        """Write the selected case's printable map and open it in the PDF viewer."""
        from assettrack_gui.core.case_map_pdf import write_case_map_pdf

        row = self.selected()
        if row is None:
            return None
        dest = case_map_path(row.case_code)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            write_case_map_pdf(self.engine.store, row.id, dest)
        except (OSError, UserError) as exc:
            message(self, "Case map", f"The map of case {row.case_code} was not written: {exc}")
            return None
        self.say(f"Case map of {row.case_code}: {dest}")
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(dest))):
            message(
                self,
                "Case map",
                f"No PDF viewer could be started. The map of case {row.case_code} is here:",
                QMessageBox.Icon.Information,
                str(dest),
            )
        return dest

    def print_slot_labels(self, case_code: str) -> None:
        """The labels dialog: one CASE/POS label per slot of the case on the map."""
        open_labels(self, "slots", case=case_code)
        self.table.setFocus()
