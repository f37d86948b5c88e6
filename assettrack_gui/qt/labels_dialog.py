"""File → Print labels…: a PDF of barcode labels for assets, cases, the slots of a case or
holder badges, on an Avery sheet or a label roll.

The dialog makes the calls ``assettrack-admin labels`` makes (``cli/labels.py``): the labels come
from ``core.labels`` (``asset_labels``, ``case_labels``, ``slot_labels``, ``badge_labels`` —
codes matched like a scan, an unknown one refused by name), the file name is checked by
``core.csvout.check_destination`` (never through a link, never over an existing file unless the
person says so: the CLI's ``--force``), and ``write_labels_pdf`` draws the layout. Drawing a
thousand labels takes a second, so it runs off the GUI thread (:class:`~.background.Background`).

Pages open the dialog preset with :func:`open_labels_dialog` (the case map's *Print slot
labels…* does it for the case it shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from assettrack_gui.core import labels as core_labels
from assettrack_gui.core.csvout import check_destination
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import plural

from .background import Background, failure_text
from .dialogs import confirm, run_modal
from .wedge_filter import SCAN_AS_TEXT
from .widgets import CaseChooser

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["KINDS", "LabelsDialog", "open_labels_dialog"]

ASSETS, CASES, SLOTS, BADGES = "assets", "cases", "slots", "badges"
KINDS: dict[str, str] = {
    ASSETS: "Assets (asset tag and description)",
    CASES: "Cases (case code and name)",
    SLOTS: "Slots of a case (CASE/POS, scanned in Put-away)",
    BADGES: "Badges (badge code and holder name)",
}
CODES, IN_CASE, EVERYTHING = "codes", "case", "all"
# Which labels of a kind: the choices, in order (the first is the default).
WHICH: dict[str, tuple[tuple[str, str], ...]] = {
    ASSETS: (
        (CODES, "These asset tags (type or scan them below)"),
        (IN_CASE, "Every asset slotted in this case"),
        (EVERYTHING, "Every asset (not the retired ones)"),
    ),
    CASES: ((CODES, "These case codes (type or scan them below)"), (EVERYTHING, "Every case")),
    SLOTS: ((IN_CASE, "Every slot of this case"),),
    BADGES: (
        (CODES, "These badges (type or scan them below)"),
        (EVERYTHING, "Every active holder"),
    ),
}
SYMBOLOGIES = (("Code 128", core_labels.CODE128), ("QR code", core_labels.QR))
NOUNS = {ASSETS: "asset", CASES: "case", SLOTS: "slot", BADGES: "badge"}


@dataclass(frozen=True)
class Sheet:
    """A PDF written: where, how many pages, "10 slot labels", "avery-l7651, Code 128"."""

    path: Path
    pages: int
    what: str
    how: str
    warnings: tuple[str, ...] = ()  # labels whose bars are too narrow (core.labels.narrow_bars)


def scanned_codes(text: str) -> list[str]:
    """One code per non-blank line, as typed or scanned (the matching strips a scan's edges)."""
    return [line for line in text.splitlines() if line.strip()]


class LabelsDialog(QDialog):
    """What to label, on which stock, and where the PDF goes; Make PDF writes it."""

    def __init__(
        self,
        engine: Engine,
        parent: QWidget | None = None,
        kind: str | None = None,
        codes: Sequence[str] | None = None,
        case: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setObjectName("labelsDialog")
        self.setWindowTitle("Print labels — AssetTrack")
        self.written: Path | None = None  # the PDF made last
        self._notes: list[str] = []  # what the last sheet's labels note (a retired asset)
        self._suggested = ""  # the file name filled in, until the person types their own
        self.worker = Background(self)
        self.worker.finished.connect(self._written)
        self.worker.failed.connect(self._failed)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("labelsKind")
        for key, title in KINDS.items():
            self.kind_combo.addItem(title, key)
        form.addRow("&Labels for:", self.kind_combo)
        self.which_combo = QComboBox(self)
        self.which_combo.setObjectName("labelsWhich")
        form.addRow("&Which:", self.which_combo)
        self.case_chooser = CaseChooser(None, self)
        self.case_chooser.setObjectName("labelsCase")
        form.addRow("&Case:", self.case_chooser)
        self.codes_edit = QPlainTextEdit(self)
        self.codes_edit.setObjectName("labelsCodes")
        self.codes_edit.setPlaceholderText("one code per line: type it, or scan it here")
        self.codes_edit.setProperty(SCAN_AS_TEXT, True)  # a scan stays text, its Enter a new line
        self.codes_edit.setTabChangesFocus(True)
        self.codes_edit.setFixedHeight(self.fontMetrics().height() * 6)
        form.addRow("Co&des:", self.codes_edit)
        self.layout_combo = QComboBox(self)
        self.layout_combo.setObjectName("labelsLayout")
        for name, stock in core_labels.LAYOUTS.items():
            self.layout_combo.addItem(f"{name} — {stock.title}", name)
        form.addRow("La&yout:", self.layout_combo)
        self.symbology_combo = QComboBox(self)
        self.symbology_combo.setObjectName("labelsSymbology")
        for title, key in SYMBOLOGIES:
            self.symbology_combo.addItem(title, key)
        form.addRow("&Barcode:", self.symbology_combo)
        self.start_spin = QSpinBox(self)
        self.start_spin.setObjectName("labelsStart")
        self.start_spin.setToolTip(
            "The first label position to print on, counted row by row from the top left: "
            "skips the labels already used on a partly used sheet"
        )
        form.addRow("&Start at label:", self.start_spin)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("labelsPath")
        self.path_edit.setProperty(SCAN_AS_TEXT, True)  # typed at once, even in a modal dialog
        self.choose_button = QPushButton("C&hoose…", self)
        self.choose_button.setObjectName("labelsChoose")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        path_label = QLabel("&PDF file:", self)
        path_label.setBuddy(self.path_edit)  # Alt+P: the file name
        form.addRow(path_label, row)
        layout.addLayout(form)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("labelsMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setMinimumWidth(560)
        layout.addWidget(self.message_label)
        buttons = QHBoxLayout()
        self.make_button = QPushButton("&Make PDF", self)
        self.make_button.setObjectName("labelsMake")
        self.open_button = QPushButton("&Open PDF", self)
        self.open_button.setObjectName("labelsOpen")
        self.open_button.setEnabled(False)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("labelsClose")
        for button in (self.choose_button, self.open_button, self.close_button):
            button.setAutoDefault(False)
        self.make_button.setDefault(True)
        buttons.addStretch(1)
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.which_combo.currentIndexChanged.connect(self._which_changed)
        self.case_chooser.caseChanged.connect(lambda _id: self._suggest_path())
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.choose_button.clicked.connect(self.choose_path)
        self.make_button.clicked.connect(self.make_pdf)
        self.open_button.clicked.connect(self.open_pdf)
        self.close_button.clicked.connect(self.reject)

        self._load_cases()
        self._layout_changed()
        self.preset(kind or ASSETS, codes, case)
        self.kind_combo.setFocus()

    # -- presets and choices --------------------------------------------------------------------

    def preset(
        self, kind: str, codes: Sequence[str] | None = None, case: str | None = None
    ) -> None:
        """Choose ``kind``; with ``codes`` those codes, with ``case`` that case (for a case
        label: its code)."""
        index = self.kind_combo.findData(kind)
        if index < 0:
            raise ValueError(f"no labels for {kind!r}: choose one of {', '.join(KINDS)}")
        self.kind_combo.setCurrentIndex(index)
        self._kind_changed()
        if kind == CASES and case is not None:
            codes, case = [*(codes or []), case], None
        if codes:
            self.codes_edit.setPlainText("\n".join(codes))
            self._set_which(CODES)
        if case is not None:
            found = None
            try:
                found = self.engine.case(case)
            except UserError as exc:
                self._say(str(exc), ok=False)
            if found is None:
                self._say(f"No case {case}.", ok=False)
            else:
                self.case_chooser.select_case(found.id)
                self._set_which(IN_CASE)
        self._suggest_path()

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    @property
    def which(self) -> str:
        return str(self.which_combo.currentData())

    def _set_which(self, which: str) -> None:
        index = self.which_combo.findData(which)
        if index >= 0:
            self.which_combo.setCurrentIndex(index)
        self._which_changed()

    def _load_cases(self) -> None:
        try:
            cases = self.engine.cases()
        except UserError as exc:
            self._say(str(exc), ok=False)
            cases = []
        self._case_codes = {c.id: c.case_code for c in cases}
        self.case_chooser.set_cases(cases, None)

    def _kind_changed(self) -> None:
        self.which_combo.blockSignals(True)
        self.which_combo.clear()
        for key, title in WHICH[self.kind]:
            self.which_combo.addItem(title, key)
        self.which_combo.blockSignals(False)
        self._which_changed()

    def _which_changed(self) -> None:
        self.case_chooser.setEnabled(self.which == IN_CASE)
        self.codes_edit.setEnabled(self.which == CODES)
        self._suggest_path()

    def _layout_changed(self) -> None:
        stock = core_labels.LAYOUTS[str(self.layout_combo.currentData())]
        self.start_spin.setRange(1, stock.per_page)
        self.start_spin.setSuffix(f" of {stock.per_page}")

    def _suggest_path(self) -> None:
        """A file name saying what is on it, in the folder of the current one (home at first);
        kept once the person typed or chose their own."""
        current = self.path_edit.text().strip()
        if current and current != self._suggested:
            return
        name = f"labels-{self.kind}"
        code = self._case_codes.get(self.case_chooser.current_case_id() or 0)
        if self.which == IN_CASE and code is not None:
            name += "-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in code)
        elif self.which == EVERYTHING:
            name += "-all"
        folder = Path(current).parent if current else Path.home()
        self._suggested = str(folder / f"{name}.pdf")
        self.path_edit.setText(self._suggested)

    def choose_path(self) -> None:
        current = self.path_edit.text().strip() or str(Path.home() / f"labels-{self.kind}.pdf")
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save labels as",
            current,
            "PDF files (*.pdf)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # Make PDF asks, for typed names too
        )
        if name:
            self.path_edit.setText(name)
        self.path_edit.setFocus()

    # -- making the PDF -------------------------------------------------------------------------

    def _labels(self) -> list[core_labels.Label]:
        """The labels asked for, from core (an unknown code is ``Refused``, naming it)."""
        engine, which = self.engine, self.which
        codes = scanned_codes(self.codes_edit.toPlainText())
        if which == CODES and not codes:
            raise UserError("Type or scan at least one code (one per line).")
        case_code = ""
        if which == IN_CASE:
            chosen = self._case_codes.get(self.case_chooser.current_case_id() or 0)
            if chosen is None:
                raise UserError("Choose a case.")
            case_code = chosen
        everything = which == EVERYTHING
        if self.kind == ASSETS:
            if which == IN_CASE:
                return core_labels.asset_labels(engine, case=case_code)
            return core_labels.asset_labels(engine, codes, everything=everything)
        if self.kind == CASES:
            return core_labels.case_labels(engine, codes, everything=everything)
        if self.kind == SLOTS:
            return core_labels.slot_labels(engine, case_code)
        return core_labels.badge_labels(engine, codes, everything=everything)

    def destination(self) -> Path | None:
        """The PDF's path, checked like the CLI's ``--pdf`` (asking before replacing a file);
        None if the person said no or the path cannot be used (the message says why)."""
        text = self.path_edit.text().strip()
        if not text:
            self._say("Choose where to save the PDF (Choose…).", ok=False)
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
            self.path_edit.setText(str(path))
        replace = False
        if path.is_file() and not path.is_symlink():
            if not confirm(
                self,
                "Print labels",
                f"{path.name} already exists. Replace it?",
                "Replace",
                f"In {path.parent}. Cancel keeps it; choose another name.",
            ):
                self._say(f"{path} was kept; choose another name.", ok=False)
                return None
            replace = True
        try:
            return Path(check_destination(str(path), force=replace, what="the PDF"))
        except UserError as exc:
            self._say(str(exc), ok=False)
            return None

    def make_pdf(self) -> None:
        if self.worker.busy:
            return
        self.open_button.setEnabled(False)
        layout = str(self.layout_combo.currentData())
        symbology = str(self.symbology_combo.currentData())
        start = self.start_spin.value()
        try:
            core_labels.check_start(core_labels.LAYOUTS[layout], start)
        except UserError as exc:
            self._say(str(exc), ok=False)
            return
        dest = self.destination()
        if dest is None:
            return
        kind = self.kind
        try:
            made = self._labels()
        except UserError as exc:
            self._say(str(exc), ok=False)
            return
        if not made:
            self._say(f"No {NOUNS[kind]}s to label.", ok=False)
            return
        what = plural(len(made), NOUNS[kind] + " label")
        self._notes = [label.note for label in made if label.note]  # retired assets named
        how = f"{layout}, {self.symbology_combo.currentText()}"
        self._say(f"Drawing {what} …", ok=True)
        self.make_button.setEnabled(False)

        def draw() -> Sheet:
            pages = core_labels.write_labels_pdf(
                made, dest, layout=layout, symbology=symbology, start=start
            )
            narrow = core_labels.narrow_bars(made, layout, symbology)
            return Sheet(dest, pages, what, how, tuple(n.message("a QR code") for n in narrow))

        self.worker.start(draw, name="labels-pdf")

    def _written(self, job: int, sheet: Sheet) -> None:
        self.make_button.setEnabled(True)
        self.written = sheet.path
        self._say(
            f"Wrote {sheet.what} ({plural(sheet.pages, 'page')}, {sheet.how}) to {sheet.path}"
            + "".join(f"\nNote: {note}" for note in self._notes)
            + "".join(f"\nWarning: {warning}" for warning in sheet.warnings),
            ok=not sheet.warnings,
        )
        self.open_button.setEnabled(True)
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def _failed(self, job: int, exc: BaseException) -> None:
        self.make_button.setEnabled(True)
        self._say(f"No PDF was written: {failure_text(exc)}", ok=False)

    def open_pdf(self) -> None:
        """Hand the PDF to the desktop's viewer (to print it from there)."""
        if self.written is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written))):
            self._say(f"No PDF viewer could be started. The labels are in {self.written}", ok=False)

    def _say(self, text: str, ok: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("" if ok else "color: #b71c1c; font-weight: bold;")

    def done(self, code: int) -> None:
        self.worker.wait()
        super().done(code)


def open_labels_dialog(
    window: MainWindow,
    kind: str | None = None,
    codes: Sequence[str] | None = None,
    case: str | None = None,
) -> Path | None:
    """File → Print labels…, the case map and the pages: the dialog over ``window`` preset to
    ``kind`` ("assets", "cases", "slots", "badges"), ``codes`` and ``case`` (a case code).
    Returns the PDF written last, or None."""
    dialog = LabelsDialog(window.engine, window, kind, codes, case)
    try:
        run_modal(dialog)
        return dialog.written
    finally:
        dialog.deleteLater()
        window.controller.page.refocus()
