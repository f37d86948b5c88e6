"""The Devices page (Ctrl+8): every asset with where it is, searched by tag (also without its
dashes), serial or description; register one (tag, serial, description, optionally straight
into a slot), change its serial or description (an ASSET_EDIT event), retire it (lost, broken
or disposed, with a reason) and reinstate it. A tag scanned while the page is in front selects
that device.

The list is read a page at a time (``core.directory``: keyset paging in tag order), so 100,000
devices cost one page until someone scrolls. Every change is the engine call the admin CLI makes
(``commit_register``, ``edit_asset``, ``commit_retire``, ``commit_reinstate``); a refusal is
shown in the engine's words and nothing typed is lost.

Keyboard: the search box has the keyboard when the page is shown (Ctrl+F comes back to it, Down
goes to the list); Enter opens the selected device's editor (serial and description);
Alt+G register, Alt+C change serial or description, Alt+I retire, Alt+N reinstate, Alt+P labels.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from assettrack_gui.core import matching, rules
from assettrack_gui.core.directory import PAGE_SIZE, DeviceRow, Directory
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import UserError
from assettrack_gui.core.model import NewAsset, Retirement, plural

from .admin_widgets import (
    AdminPage,
    CodeField,
    Column,
    FormDialog,
    RowsModel,
    open_labels,
    table_view,
)
from .widgets import CaseChooser

__all__ = ["DevicesPage"]

KIND_WORDS = {
    Retirement.LOST: "Lost",
    Retirement.BROKEN: "Broken (beyond repair)",
    Retirement.DISPOSED: "Disposed of (sold, scrapped, returned to the vendor)",
}


class DevicesPage(AdminPage):
    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(
            "Fin&d:", "Tag, serial or description (letter case ignored) — or scan a tag", parent
        )
        self.setObjectName("devicesPage")
        self.engine = engine
        self.directory = Directory(engine.store)
        self._search = ""
        self.model: RowsModel[DeviceRow] = RowsModel(
            [
                Column("Tag", lambda d: d.asset_tag),
                Column("Serial", lambda d: d.serial),
                Column("Description", lambda d: d.description),
                Column("Where", lambda d: d.place),
            ],
            self,
            fetch=self._fetch,
            dimmed=lambda d: d.retired,
        )
        self.table = table_view(self.model, "devicesTable", self)
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 140)
        self.table.setColumnWidth(2, 260)

        self.register_button = QPushButton("Re&gister device…")
        self.edit_button = QPushButton("&Change serial or description…")
        self.retire_button = QPushButton("Ret&ire…")
        self.retire_button.setToolTip("Lost, broken or disposed: out of stock, kept in history")
        self.reinstate_button = QPushButton("Rei&nstate…")
        self.reinstate_button.setToolTip("A retired device back in storage (in no slot)")
        self.labels_button = QPushButton("&Print labels…")
        self.labels_button.setToolTip("Asset-tag labels of the selected device — the labels dialog")
        self.register_button.clicked.connect(self.register_device)
        self.edit_button.clicked.connect(self.edit_device)
        self.retire_button.clicked.connect(self.retire_device)
        self.reinstate_button.clicked.connect(self.reinstate_device)
        self.labels_button.clicked.connect(self.print_labels)

        buttons = (
            self.register_button,
            self.edit_button,
            self.retire_button,
            self.reinstate_button,
            self.labels_button,
        )
        self._arrange(self.table, buttons)

    # -- the list ------------------------------------------------------------------------------

    def _fetch(self, last: DeviceRow | None) -> list[DeviceRow]:
        return self.directory.devices(
            self._search, after=last.asset_tag if last is not None else None, limit=PAGE_SIZE
        )

    def reload(self, select: int | None = None) -> None:
        """Read the first page again (and the count); keep the selected device if it can."""
        keep = select if select is not None else self._selected_id()
        self._search = self.search.text().strip()
        try:
            self.model.restart()
            total = self.directory.device_count()
            shown = self.directory.device_count(self._search) if self._search else total
        except UserError as exc:
            self.say(str(exc), ok=False)
            return
        found = keep is not None and self._select_id(keep)
        if not found and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
        if not self.model.rowCount():
            self._current_changed(QModelIndex(), QModelIndex())
        self.say(
            plural(total, "device")
            if not self._search
            else f"{shown} of {plural(total, 'device')} match {self._search!r}"
        )

    def _show_matches(self, text: str, select: int | None = None) -> None:
        self.reload(select)  # the search runs in the database, a page at a time

    def _select_id(self, asset_id: int) -> bool:
        """Put the cursor on a device among those loaded (loading further pages while the
        device may still come)."""
        device = self.directory.device(asset_id)
        if device is None:
            return False
        row = self.model.find(lambda d: d.id == asset_id)
        while row < 0 and self.model.canFetchMore():
            last = self.model.row_at(self.model.rowCount() - 1)
            if last is not None and last.asset_tag > device.asset_tag:
                break
            self.model.fetchMore()
            row = self.model.find(lambda d: d.id == asset_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def select_device(self, asset_id: int, tag: str) -> None:
        """Show one device: a search that hides it makes way for its tag."""
        if self._select_id(asset_id):
            return
        self.search.blockSignals(True)
        self.search.setText(tag)
        self.search.blockSignals(False)
        self.reload(select=asset_id)

    def selected(self) -> DeviceRow | None:
        return super().selected()  # type: ignore[no-any-return]

    def _update_buttons(self) -> None:
        device = self.selected()
        self.edit_button.setEnabled(device is not None)
        self.labels_button.setEnabled(device is not None)
        self.retire_button.setEnabled(device is not None and not device.retired)
        self.reinstate_button.setEnabled(device is not None and device.retired)

    def _refresh_selected(self, asset_id: int) -> None:
        """After a change: the list read again, the cursor on the changed device."""
        device = self.directory.device(asset_id)
        self.reload(select=asset_id)
        if device is not None and self._selected_id() != asset_id:
            self.select_device(asset_id, device.asset_tag)

    # -- scans -------------------------------------------------------------------------------------

    def take_scan(self, text: str) -> tuple[bool, str]:
        """An asset tag selects that device; anything else is said, and changes nothing."""
        try:
            m = self.engine.classify(text)
        except UserError as exc:
            return False, str(exc)
        if m.kind == matching.ASSET and m.id is not None:
            device = self.directory.device(m.id)
            if device is not None:
                self.select_device(device.id, device.asset_tag)
                said = f"Scanned {device.asset_tag}: {device.place}"
                self.say(said)
                self.table.setFocus()
                return True, said
        holder = self.engine.holder(m.id) if m.kind == matching.HOLDER and m.id else None
        problem = rules.not_an_asset(m, holder).message
        self.say(problem, ok=False)
        return False, problem

    # -- register ----------------------------------------------------------------------------------

    def register_device(self) -> None:
        dialog = FormDialog(
            "Register device",
            "A new asset. With a case and position it goes straight into that empty slot; "
            "without, it waits in storage until Put-away places it.",
            "Re&gister",
            self,
            name="registerDialog",
        )
        tag = CodeField()
        tag.setObjectName("tagField")
        tag.setPlaceholderText("scan the asset-tag label, or type it")
        serial = CodeField()
        serial.setObjectName("serialField")
        description = QLineEdit()
        description.setObjectName("descriptionField")
        case = CaseChooser("— no slot: storage, put away later —")
        case.setObjectName("caseField")
        case.set_cases(self.engine.cases(), None)
        position = QSpinBox()
        position.setObjectName("positionField")
        position.setEnabled(False)

        def case_changed(case_id: object) -> None:
            chosen = self.engine.case(case_id) if isinstance(case_id, int) else None
            position.setEnabled(chosen is not None)
            if chosen is not None:
                position.setRange(1, chosen.size)
                free = [s.position for s in self.engine.case_slots(chosen.id) if s.empty]
                position.setValue(free[0] if free else 1)

        case.caseChanged.connect(case_changed)
        dialog.add_row("&Tag:", tag)
        dialog.add_row("&Serial:", serial)
        dialog.add_row("&Description:", description)
        dialog.add_row("&Case:", case)
        dialog.add_row("&Position:", position)
        made: list[tuple[str, str]] = []

        def submit() -> str | None:
            case_id = case.current_case_id()
            chosen = self.engine.case(case_id) if case_id is not None else None
            item = NewAsset(
                tag.text(),
                serial.text(),
                description.text(),
                chosen.case_code if chosen is not None else "",
                position.value() if chosen is not None else None,
            )
            result = self.engine.commit_register([item])
            line = result.preview.lines[0]
            note = f" — note: {line.warning.message}" if line.warning is not None else ""
            made.append((tag.text(), f"Registered {line.asset_tag}: {line.to}{note}"))
            return None

        dialog.submit = submit
        if dialog.run(tag) and made:
            new_tag, said = made[0]
            asset = self.engine.asset(new_tag)
            if asset is not None:
                self.select_device(asset.id, asset.asset_tag)
            self.say(said)
        self.table.setFocus()

    # -- edit ---------------------------------------------------------------------------------------

    def open_editor(self) -> None:
        self.edit_device()

    def edit_device(self) -> None:
        device = self.selected()
        if device is None:
            return
        dialog = FormDialog(
            "Change serial or description",
            f"{device.asset_tag} ({device.place}). The tag stays; history keeps the old values.",
            "&Save",
            self,
            name="editDeviceDialog",
        )
        serial = CodeField(device.serial)
        serial.setObjectName("serialField")
        description = QLineEdit(device.description)
        description.setObjectName("descriptionField")
        dialog.add_row("&Serial:", serial)
        dialog.add_row("&Description:", description)
        said: list[str] = []

        def submit() -> str | None:
            info = self.engine.edit_asset(
                device.asset_tag, serial=serial.text(), description=description.text()
            )
            if not info.batch_id:
                said.append(f"{device.asset_tag}: nothing changed")
            else:
                note = f" — note: {info.warning.message}" if info.warning is not None else ""
                said.append(f"{device.asset_tag}: serial and description saved{note}")
            return None

        dialog.submit = submit
        if dialog.run(serial) and said:
            self._refresh_selected(device.id)
            self.say(said[0])
        self.table.setFocus()

    # -- retire and reinstate -------------------------------------------------------------------------

    def retire_device(self) -> None:
        device = self.selected()
        if device is None or device.retired:
            return
        leaves = {
            "IN_CUSTODY": f"Custody of {device.place} ends (they no longer have it).",
            "STORAGE": (
                f"Its slot {device.place} is vacated." if device.case_code is not None else ""
            ),
        }.get(device.location_type, "")
        dialog = FormDialog(
            "Retire device",
            f"Retire {device.asset_tag} ({device.description or 'no description'}, "
            f"{device.place})? {leaves} A retired device cannot be stocked out or put away; "
            "it stays in history and reports, and can be reinstated.",
            "Ret&ire",
            self,
            name="retireDialog",
        )
        kind = QComboBox()
        kind.setObjectName("kindField")
        for value, words in KIND_WORDS.items():
            kind.addItem(words, value.value)
        reason = QLineEdit()
        reason.setObjectName("reasonField")
        reason.setPlaceholderText("why, e.g. “dropped in the car park, screen cracked”")
        dialog.add_row("&Kind:", kind)
        dialog.add_row("&Reason:", reason)
        said: list[str] = []

        def submit() -> str | None:
            chosen = str(kind.currentData())
            result = self.engine.commit_retire([device.asset_tag], chosen, reason.text())
            said.append(
                f"Retired {device.asset_tag} as {chosen.lower()} (batch {result.batch_id})"
            )
            return None

        dialog.submit = submit
        if dialog.run(kind) and said:
            self._refresh_selected(device.id)
            self.say(said[0])
        self.table.setFocus()

    def reinstate_device(self) -> None:
        device = self.selected()
        if device is None or not device.retired:
            return
        dialog = FormDialog(
            "Reinstate device",
            f"Reinstate {device.asset_tag} ({device.place})? It comes back to storage in no "
            "slot; Put-away places it again.",
            "Rei&nstate",
            self,
            name="reinstateDialog",
        )
        reason = QLineEdit()
        reason.setObjectName("reasonField")
        reason.setPlaceholderText("why, e.g. “found in meeting room 3”")
        dialog.add_row("&Reason:", reason)
        said: list[str] = []

        def submit() -> str | None:
            result = self.engine.commit_reinstate([device.asset_tag], reason.text())
            said.append(
                f"Reinstated {device.asset_tag}: storage (no slot) (batch {result.batch_id})"
            )
            return None

        dialog.submit = submit
        if dialog.run(reason) and said:
            self._refresh_selected(device.id)
            self.say(said[0])
        self.table.setFocus()

    def print_labels(self) -> None:
        """The labels dialog, preset to the selected device's tag."""
        device = self.selected()
        open_labels(self, "assets", [device.asset_tag] if device is not None else None)
        self.table.setFocus()
