"""File → Import…: holders, cases or assets from a CSV or .xlsx file, every row previewed with
its verdict, then imported as one all-or-nothing batch.

The dialog makes the calls ``assettrack-admin import`` makes (``cli/imports.py``), in the same
order: ``core.importer.load_import`` reads the file (encoding, separator or workbook — stated as
the CLI states it, ``ImportFile.how_read``) and ``preview_import`` asks the engine for every
row's verdict; Import previews again, takes the automatic backup (``core.backups.auto_backup``)
when rows will be written, and calls ``commit_import``, which writes the whole file or raises
``Refused`` and writes nothing. Nothing here decides whether a row is good: the table shows the
engine's ``Line`` as it is (refused with its reason, skipped, a warning such as a shared serial).

Reading, checking and importing run off the GUI thread (:class:`~.background.Background`) in a
database connection of their own, so a 10,000-row file leaves the window responsive; the rows
are shown by a table model (:class:`ImportRowsModel`), never one item per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core import importer
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import CorruptDatabase, Refused, UserError
from assettrack_gui.core.importer import CsvRecord, ImportFile
from assettrack_gui.core.model import CommitResult, Line, Preview, plural
from assettrack_gui.core.text import visible

from .background import Background, failure_text
from .dialogs import run_modal
from .preview_model import BAD_BG, BAD_FG, OK_FG, PLANNED_BG, PLANNED_FG
from .wedge_filter import SCAN_AS_TEXT

if TYPE_CHECKING:
    from assettrack_gui.core.backups import Backup
    from assettrack_gui.core.settings import SettingsOwner

    from .main_window import MainWindow

__all__ = ["KINDS", "ImportDialog", "ImportRowsModel", "open_import_dialog"]

# What can be imported (core.importer's kinds) and how the dialog names each.
KINDS: dict[str, str] = {
    importer.HOLDERS: "Holders (people with a badge)",
    importer.CASES: "Cases (with rows × columns of slots)",
    importer.ASSETS: "Assets (devices)",
}
NOUNS = {importer.HOLDERS: "holder", importer.CASES: "case", importer.ASSETS: "asset"}
FILE_FILTER = "Lists (*.csv *.tsv *.txt *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx);;All files (*)"
SHOWN_REASONS = 10  # a refused commit lists this many reasons under the table (all are in it)

VerdictRole = Qt.ItemDataRole.UserRole + 30  # "ok" / "skipped" / "warning" / "refused"
OK, SKIPPED, WARNING, REFUSED = "ok", "skipped", "warning", "refused"
VERDICT_WORDS = {OK: "OK", SKIPPED: "Skipped", WARNING: "OK, with a warning", REFUSED: "Refused"}
SKIPPED_FG = QColor("#455a64")


def row_verdict(line: Line) -> str:
    """Which of the four ways the engine answered a row (read from the line, never decided)."""
    if not line.ok:
        return REFUSED
    if line.skipped:
        return SKIPPED
    return WARNING if line.warning is not None else OK


def row_note(line: Line) -> str:
    """The engine's words for a row: why it is refused, or its warning / skip note."""
    if not line.ok:
        return line.reason
    return line.warning.message if line.warning is not None else ""


def summary(preview: Preview) -> str:
    """ "12 rows: 10 to import (1 with a warning), 1 skipped as unchanged, 1 refused." """
    counts = {OK: 0, SKIPPED: 0, WARNING: 0, REFUSED: 0}
    for line in preview.lines:
        counts[row_verdict(line)] += 1
    to_import = counts[OK] + counts[WARNING]
    parts = [f"{to_import} to import"]
    if counts[WARNING]:
        parts[0] += f" ({counts[WARNING]} with a warning)"
    if counts[SKIPPED]:
        parts.append(f"{counts[SKIPPED]} skipped as unchanged")
    parts.append(f"{counts[REFUSED]} refused")
    return f"{plural(len(preview.lines), 'row')}: {', '.join(parts)}."


class ImportRowsModel(QAbstractTableModel):
    """Every row of the file with the engine's verdict: line, verdict, the file's values, the
    reason or note. Filled in one reset, so 10,000 rows cost one signal."""

    LINE, VERDICT = 0, 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._records: list[CsvRecord] = []
        self._lines: list[Line] = []

    def set_rows(
        self, columns: Sequence[str], records: Sequence[CsvRecord], lines: Sequence[Line]
    ) -> None:
        """The file's records and the preview's lines, both in file order (one line per record,
        as ``core.importer.preview_import`` returns them)."""
        assert len(records) == len(lines)
        self.beginResetModel()
        self._columns = tuple(columns)
        self._records = list(records)
        self._lines = list(lines)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(self._columns, [], [])

    @property
    def note_column(self) -> int:
        return 2 + len(self._columns)

    def line(self, row: int) -> Line:
        return self._lines[row]

    def verdicts(self) -> list[str]:
        return [row_verdict(line) for line in self._lines]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3 + len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        names = ("Line", "Verdict", *self._columns, "Reason / note")
        return names[section] if 0 <= section < len(names) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == VerdictRole:
            return row_verdict(line)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.LINE:
                return self._records[index.row()].line
            if column == self.VERDICT:
                return VERDICT_WORDS[row_verdict(line)]
            if column == self.note_column:
                return row_note(line)
            if 0 <= column - 2 < len(self._columns):
                return visible(self._records[index.row()].values.get(self._columns[column - 2], ""))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            verdict = row_verdict(line)
            if verdict == REFUSED:
                return BAD_FG
            if verdict == WARNING:
                return PLANNED_FG
            return SKIPPED_FG if verdict == SKIPPED else OK_FG
        if role == Qt.ItemDataRole.BackgroundRole:
            verdict = row_verdict(line)
            if verdict == REFUSED:
                return BAD_BG
            return PLANNED_BG if verdict == WARNING else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.LINE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


@dataclass(frozen=True)
class Checked:
    """A file read and every row's verdict."""

    file: ImportFile
    preview: Preview


@dataclass(frozen=True)
class Imported:
    result: CommitResult
    backup: Backup | None


def check_file(
    db_path: Path, operator: str, settings: SettingsOwner, kind: str, path: str, skip: bool
) -> Checked:
    """Read ``path`` as ``kind`` and preview it in a connection of this thread's own."""
    from assettrack_gui.core.store import Store

    file = importer.load_import(kind, path)
    with Store(db_path, create=False) as store:
        engine = Engine(store, operator, settings=settings)
        return Checked(file, importer.preview_import(engine, file, skip_existing=skip))


def import_file(
    db_path: Path, operator: str, settings: SettingsOwner, file: ImportFile, skip: bool
) -> Imported:
    """What ``assettrack-admin import`` does with a file: a fresh preview; the automatic backup
    when rows will be written; the all-or-nothing commit (``Refused`` writes nothing)."""
    from assettrack_gui.core.backups import auto_backup
    from assettrack_gui.core.store import Store

    with Store(db_path, create=False) as store:
        engine = Engine(store, operator, settings=settings)
        made = None
        preview = importer.preview_import(engine, file, skip_existing=skip)
        if preview.ok and not all(line.skipped for line in preview.lines):
            try:
                made = auto_backup(store, "import", engine.settings.backups_keep)
            except OSError as exc:
                raise UserError(
                    f"the automatic backup before the import could not be made "
                    f"({failure_text(exc)})"
                ) from None
        result = importer.commit_import(engine, file, skip_existing=skip)
    return Imported(result, made)


class ImportDialog(QDialog):
    """Choose what and which file; see every row's verdict; Import writes all rows or none.

    ``imported`` carries the ``CommitResult`` once a file is in the database."""

    imported = Signal(object)

    def __init__(self, engine: Engine, parent: QWidget | None = None, kind: str | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setObjectName("importDialog")
        self.setWindowTitle("Import from a CSV or Excel file — AssetTrack")
        self.checked: Checked | None = None  # the file as last read, and its verdicts
        # The last import made from this dialog; _spent: the file shown is the one imported.
        self.import_result: CommitResult | None = None
        self._spent = False
        self.backup: Backup | None = None
        self._committing = False
        self.worker = Background(self)
        self.worker.finished.connect(self._job_finished)
        self.worker.failed.connect(self._job_failed)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("importKind")
        for key, title in KINDS.items():
            self.kind_combo.addItem(title, key)
        form.addRow("&What:", self.kind_combo)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText("a .csv or .xlsx file — type its path and press Enter, or Browse…")
        self.path_edit.setProperty(SCAN_AS_TEXT, True)  # typed at once, even in a modal dialog
        self.browse_button = QPushButton("&Browse…", self)
        self.browse_button.setObjectName("importBrowse")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        file_label = QLabel("&File:", self)
        file_label.setBuddy(self.path_edit)  # Alt+F: the file name
        form.addRow(file_label, row)
        self.columns_label = QLabel(self)
        self.columns_label.setObjectName("importColumns")
        self.columns_label.setWordWrap(True)
        form.addRow("Columns:", self.columns_label)
        self.skip_check = QCheckBox("&Skip rows that already exist unchanged", self)
        self.skip_check.setObjectName("importSkipExisting")
        self.skip_check.setToolTip(
            "A row equal to the existing record with its code is skipped and counted; a row whose "
            "code exists with other values is still refused, naming the difference "
            "(assettrack-admin import … --skip-existing)"
        )
        form.addRow("", self.skip_check)
        layout.addLayout(form)

        self.how_read_label = QLabel(self)
        self.how_read_label.setObjectName("importHowRead")
        self.how_read_label.setWordWrap(True)
        self.how_read_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.how_read_label)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.model = ImportRowsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(VerdictRole)
        self.proxy.setFilterKeyColumn(ImportRowsModel.VERDICT)
        self.table = QTableView(self)
        self.table.setObjectName("importRows")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights and a bounded sample for column widths: no per-row measuring.
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(200)
        header.setStretchLastSection(True)
        self.table.setMinimumSize(820, 320)
        layout.addWidget(self.table, 1)
        self.problems_only = QCheckBox("Show only rows with a &note (refused, warning, skipped)", self)
        self.problems_only.setObjectName("importProblemsOnly")
        layout.addWidget(self.problems_only)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("importMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)

        buttons = QHBoxLayout()
        self.reload_button = QPushButton("&Reload (F5)", self)
        self.reload_button.setObjectName("importReload")
        self.reload_button.setToolTip("Read the file again (after fixing it in a spreadsheet)")
        self.import_button = QPushButton("&Import", self)
        self.import_button.setObjectName("importCommit")
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("importClose")
        # No default button: Enter in the file field reads the file, it never imports.
        for button in (self.browse_button, self.reload_button, self.import_button, self.close_button):
            button.setAutoDefault(False)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.load)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.path_edit.returnPressed.connect(self.load)
        self.browse_button.clicked.connect(self.browse)
        self.skip_check.toggled.connect(lambda _on: self.load())
        self.problems_only.toggled.connect(self._filter_rows)
        self.reload_button.clicked.connect(self.load)
        self.import_button.clicked.connect(self.commit)
        self.close_button.clicked.connect(self.reject)

        if kind is not None:
            self.set_kind(kind)
        self._show_columns()
        self._update_buttons()
        self.kind_combo.setFocus()

    # -- what the person chooses ---------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_kind(self, kind: str) -> None:
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise ValueError(f"cannot import {kind!r}: choose one of {', '.join(KINDS)}")
        self.kind_combo.setCurrentIndex(index)

    def set_path(self, path: str | Path) -> None:
        """Take this file and read it (as Browse… does)."""
        self.path_edit.setText(str(path))
        self.load()

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, f"Import {self.kind} from", start, FILE_FILTER
        )
        if name:
            self.set_path(name)
        else:
            self.path_edit.setFocus()

    def _kind_changed(self) -> None:
        self._show_columns()
        if self.path_edit.text().strip():
            self.load()
        else:
            self._forget()

    def _show_columns(self) -> None:
        self.columns_label.setText(
            ", ".join(importer.COLUMNS[self.kind])
            + " — header on the first line, any order; separated by , ; or Tab; or an .xlsx sheet"
        )

    def _filter_rows(self, only_notes: bool) -> None:
        pattern = f"^({SKIPPED}|{WARNING}|{REFUSED})$" if only_notes else ""
        self.proxy.setFilterRegularExpression(QRegularExpression(pattern))

    # -- reading and checking -------------------------------------------------------------------

    def _forget(self) -> None:
        self.checked = None
        self._spent = False
        self.model.clear()
        self.how_read_label.setText("")
        self.summary_label.setText("")

    def load(self) -> None:
        """Read the file and ask the engine for every row's verdict (off the GUI thread)."""
        if self._committing:
            return
        path = self.path_edit.text().strip()
        self._forget()
        if not path:
            self._say("Choose a file first (Browse…, or type its path and press Enter).", ok=False)
            self._update_buttons()
            return
        engine = self.engine
        db, operator, owner = engine.store.path, engine.operator, engine.settings_owner
        kind, skip = self.kind, self.skip_check.isChecked()
        self._say(f"Reading {path} …", ok=True)
        self.worker.start(
            lambda: check_file(db, operator, owner, kind, path, skip), name="import-check"
        )
        self._update_buttons()

    def commit(self) -> None:
        """Import the file as read and shown: all rows or none."""
        checked = self.checked
        if checked is None or self._committing or not self._can_import():
            return
        engine = self.engine
        db, operator, owner = engine.store.path, engine.operator, engine.settings_owner
        file, skip = checked.file, self.skip_check.isChecked()
        self._committing = True
        self._say(f"Importing {plural(len(file.records), 'row')} …", ok=True)
        self.worker.start(lambda: import_file(db, operator, owner, file, skip), name="import-commit")
        self._update_buttons()

    def _job_finished(self, job: int, answer: object) -> None:
        if job != self.worker.last_job:
            return  # a newer read replaced this one
        if isinstance(answer, Checked):
            self._show_checked(answer)
        elif isinstance(answer, Imported):
            self._show_imported(answer)
        self._update_buttons()

    def _job_failed(self, job: int, exc: BaseException) -> None:
        if job != self.worker.last_job:
            return
        committing, self._committing = self._committing, False
        if isinstance(exc, CorruptDatabase) and self.engine.store.damaged is None:
            self.engine.store.damaged = str(exc)  # this process writes nothing more to it
        if isinstance(exc, Refused) and committing:
            preview = exc.result if isinstance(exc.result, Preview) else None
            if preview is not None and self.checked is not None:
                self.checked = Checked(self.checked.file, preview)
                self._show_rows(self.checked)
            listed = exc.reasons[:SHOWN_REASONS]
            more = len(exc.reasons) - len(listed)
            self._say(
                "Nothing was imported: the database refused the file (it changed since the "
                "preview). Every row's verdict is in the table.\n"
                + "\n".join(listed)
                + (f"\n… and {more} more" if more > 0 else ""),
                ok=False,
            )
        elif committing:
            self._say(f"Nothing was imported: {failure_text(exc)}", ok=False)
        else:
            self._forget()
            self._say(failure_text(exc), ok=False)
        self._update_buttons()

    def _show_rows(self, checked: Checked) -> None:
        self.model.set_rows(importer.COLUMNS[checked.file.kind], checked.file.records, checked.preview.lines)
        self.table.resizeColumnsToContents()
        self.summary_label.setText(summary(checked.preview))

    def _show_checked(self, checked: Checked) -> None:
        self.checked = checked
        self.how_read_label.setText(checked.file.how_read)
        self._show_rows(checked)
        preview = checked.preview
        if not checked.file.records:
            self._say("The file has no rows after the header: nothing to import.", ok=False)
        elif not preview.ok:
            self._say(
                "Nothing can be imported while a row is refused: the file is imported whole or "
                "not at all. Fix the refused rows in the file, then Reload (F5).",
                ok=False,
            )
        elif all(line.skipped for line in preview.lines):
            self._say("Every row already exists as given: nothing to import.", ok=True)
        else:
            self._say("Import writes every row above in one batch (a backup is made first).", ok=True)

    def _show_imported(self, imported: Imported) -> None:
        self._committing = False
        result = imported.result
        self.import_result, self.backup, self._spent = result, imported.backup, True
        if self.checked is not None:
            self.checked = Checked(self.checked.file, result.preview)
            self._show_rows(self.checked)
        path = self.checked.file.path if self.checked is not None else ""
        noun = NOUNS[self.kind]
        if result.batch_id:
            text = f"Batch {result.batch_id}: imported {plural(result.count, noun)} from {path}."
        else:
            text = f"Nothing imported from {path}: every row already exists as given."
        if result.skipped:
            text += f" Skipped {plural(result.skipped, noun)} identical to existing records."
        if imported.backup is not None:
            text += f"\nThe database as it was before is backed up in {imported.backup.path}."
        self._say(text, ok=True)
        self.imported.emit(result)
        self.close_button.setFocus()

    # -- state ----------------------------------------------------------------------------------

    def _can_import(self) -> bool:
        checked = self.checked
        return (
            checked is not None
            and not self._spent
            and checked.preview.ok
            and not all(line.skipped for line in checked.preview.lines)
        )

    def _update_buttons(self) -> None:
        busy = self.worker.busy or self._committing
        self.import_button.setEnabled(not busy and self._can_import())
        for widget in (self.kind_combo, self.path_edit, self.browse_button, self.skip_check):
            widget.setEnabled(not self._committing)
        self.reload_button.setEnabled(not self._committing and bool(self.path_edit.text().strip()))
        self.close_button.setEnabled(not self._committing)

    def _say(self, text: str, ok: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("" if ok else "color: #b71c1c; font-weight: bold;")

    # -- closing --------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._committing:
            return  # an import cannot be stopped half-way; it ends in a moment
        super().reject()

    def done(self, code: int) -> None:
        self.worker.wait()
        super().done(code)


def open_import_dialog(window: MainWindow, kind: str | None = None) -> CommitResult | None:
    """File → Import… (and the first-run panel): the dialog over ``window``, preset to ``kind``
    ("holders", "cases" or "assets"). Returns the import's result, or None if nothing was
    imported. Afterwards the window's lists and batch follow the new data."""
    dialog = ImportDialog(window.engine, window, kind)
    try:
        run_modal(dialog)
        result, said = dialog.import_result, dialog.message_label.text()
    finally:
        dialog.deleteLater()
    window.controller.check_database_state()
    if result is not None:
        window.controller.check_database_changed()
        window.show_status(said.splitlines()[0], True)
    window.controller.page.refocus()
    return result
