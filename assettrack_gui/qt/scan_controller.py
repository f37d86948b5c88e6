"""Between the Scan page and the core Session: scans, choices, the commit, left-over batches.

Every scan, whoever delivers it (the scan entry's Enter, the keyboard-wedge event filter, the
serial reader), goes through :meth:`ScanController.on_scan`, which hands it to the core
:class:`~assettrack_gui.core.session.Session` and emits :attr:`ScanController.scanHandled`
exactly once with the verdict. The controller reaches the database only through the Session
and its Engine; the :class:`~assettrack_gui.qt.scan_page.ScanPage` only shows what it is given.

What belongs to the window around it leaves as signals: the status bar line
(:attr:`statusShown`), the checked mode action and the remembered mode (:attr:`modeChanged`),
bringing the Scan tab forward (:attr:`scanPageWanted`), which actions are enabled
(:attr:`commandsChanged`, :attr:`receiptChanged`) and the operator's name
(:attr:`operatorChanged`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from assettrack_gui.core import rules
from assettrack_gui.core.errors import Refused, ServerUnavailable, StoreError, UserError
from assettrack_gui.core.model import MODE_TITLES, Mode, plural
from assettrack_gui.core.pending import PendingBatch
from assettrack_gui.core.session import ScanOutcome, Session

from .dialogs import ask, confirm, message, run_modal
from .scan_page import ScanPage, Slots, map_case

__all__ = ["DB_POLL_MS", "ScanController"]

DB_POLL_MS = 1000


class ScanController(QObject):
    """Drives one :class:`ScanPage` from one :class:`Session` (both belong to the GUI thread)."""

    scanHandled = Signal(bool, str)  # accepted, message: once per scan
    statusShown = Signal(str, bool)  # text, ok
    modeChanged = Signal(str)
    scanPageWanted = Signal(bool)  # True: give the scan entry the keyboard even if on the page
    commandsChanged = Signal(bool, bool)  # can commit, the batch has rows
    receiptChanged = Signal(str)  # the batch whose receipt Ctrl+R opens ("" = none)
    operatorChanged = Signal(str)
    restartWanted = Signal()  # a backup was restored: open the database afresh

    def __init__(self, session: Session, page: ScanPage, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.engine = session.engine
        self.page = page
        self.last_receipt = ""
        self.pending_offer_due = False
        self._held_scans: list[tuple[str, str]] = []
        self._in_commit = False
        self._asking = False  # a question about a scan is open; later scans wait for it
        self._data_version = self._safe_data_version()

        page.scanEntered.connect(self.on_scan)
        page.custodianChosen.connect(self._custodian_chosen)
        page.returnCaseChosen.connect(self._return_case_chosen)
        page.placeCaseChosen.connect(self._place_case_chosen)
        page.positionChosen.connect(self._position_chosen)
        page.placeOperationChosen.connect(self._place_operation_chosen)
        page.slotChosen.connect(self._case_map_slot_chosen)
        page.removeRequested.connect(self.remove_selected_rows)
        page.clearRequested.connect(self.clear_batch)
        page.commitRequested.connect(self.commit)
        page.receiptRequested.connect(self.open_receipt)
        page.undoRequested.connect(self.undo_batch)
        page.restoreRequested.connect(self.restore_from_backup)

        # Another station's commit changes what this batch may do: look once a second.
        self.poll = QTimer(self)
        self.poll.setInterval(DB_POLL_MS)
        self.poll.timeout.connect(self.check_database_changed)
        self.poll.start()

    @property
    def mode(self) -> Mode:
        return self.session.mode

    @property
    def committing(self) -> bool:
        """A commit is under way (its questions are on screen); scans wait until it is over."""
        return self._in_commit

    def _dialog_parent(self) -> QWidget:
        return self.page.window()

    def _status(self, text: str, ok: bool) -> None:
        self.statusShown.emit(text, ok)

    def _say(self, text: str, ok: bool, warning: bool = False) -> None:
        """In the status bar and in large type under the scan field."""
        self._status(text, ok)
        self.page.show_scan_feedback(text, ok, warning)

    # -- scans --------------------------------------------------------------------------------

    def on_scan(self, text: str, source: str = "manual") -> None:
        """The one entry point for every scan (entry line, keyboard wedge, serial reader)."""
        if self._in_commit or self._asking:
            self._held_scans.append((text, source))
            return
        if not self.page.isVisibleTo(self.page.window()):
            self.scanPageWanted.emit(False)  # a scan on another page: show the batch it joins
        try:
            outcome = self.session.scan(text)
        except StoreError as exc:
            self._status(f"Database problem: {exc}", ok=False)
            self.page.show_scan_feedback(str(exc), ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        except UserError as exc:
            self._status(str(exc), ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        if outcome.switch_to is not None:
            outcome = self._ask_to_switch_custodian(outcome)
        elif outcome.return_all_of is not None:
            outcome = self._ask_to_return_everything(outcome)
        self.refresh_view()
        if outcome.lookup is not None:
            self.page.show_lookup(self.session.last_lookup)
        if outcome.row is not None:
            self.page.select_row(outcome.row)
        self._say(outcome.message, ok=outcome.accepted, warning=outcome.warning)
        if outcome.added:
            self.page.batch_edited()
            self.page.batch_started()
        self.scanHandled.emit(outcome.accepted, outcome.message)

    def _ask_to_switch_custodian(self, outcome: ScanOutcome) -> ScanOutcome:
        """A second badge while rows wait for the first custodian: Enter hands them over, Esc
        keeps the first. Scans arriving meanwhile wait, and are taken after the answer."""
        s = self.session
        new, current = outcome.switch_to, s.custodian
        assert new is not None and current is not None
        self._asking = True
        try:
            yes = ask(
                self._dialog_parent(),
                "Another custodian?",
                outcome.question,
                f"Hand to {new.name}",
                f"Keep {current.name}",
                "Enter hands the batch over, Esc keeps it as it is.",
            )
        finally:
            self._asking = False
            self.page.refocus()
            QTimer.singleShot(0, self._release_held_scans)
        if not yes:
            return ScanOutcome(False, rules.custodian_kept(current))
        try:
            s.set_custodian(new.id)
        except StoreError as exc:
            return ScanOutcome(False, str(exc))
        return ScanOutcome(True, f"Custodian: {new.label}")

    def _ask_to_return_everything(self, outcome: ScanOutcome) -> ScanOutcome:
        """Stock-In, a holder's badge: Enter adds all they hold to the return, Esc adds nothing.
        Scans arriving meanwhile wait, and are taken after the answer."""
        holder = outcome.return_all_of
        assert holder is not None
        self._asking = True
        try:
            yes = ask(
                self._dialog_parent(),
                "Return everything?",
                outcome.question,
                "Add them",
                "Not now",
                "Enter adds every asset they hold to this return, Esc adds nothing.",
            )
        finally:
            self._asking = False
            self.page.refocus()
            QTimer.singleShot(0, self._release_held_scans)
        if not yes:
            return ScanOutcome(False, f"Nothing added for {holder.label}")
        try:
            return self.session.return_everything(holder.id)
        except StoreError as exc:
            return ScanOutcome(False, str(exc))

    # -- modes and choices ----------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        mode = Mode(mode)
        try:
            self.session.set_mode(mode)
        except StoreError as exc:
            self._status(str(exc), ok=False)
        self.modeChanged.emit(mode)
        self.page.show_mode(mode)
        self.refresh_view()
        self.scanPageWanted.emit(True)

    def focus_custodian(self) -> None:
        """Ctrl+K: Stock-Out's custodian picker, its text selected for typing a name."""
        if self.mode != Mode.STOCK_OUT:
            self.set_mode(Mode.STOCK_OUT)
        self.page.focus_custodian()

    def _session_call(self, fn: Callable[..., object], *args: object) -> None:
        try:
            fn(*args)
        except StoreError as exc:
            self._status(str(exc), ok=False)
        self.refresh_view()

    def _custodian_chosen(self, holder_id: int | None) -> None:
        self._session_call(self.session.set_custodian, holder_id)

    def _return_case_chosen(self, case_id: int | None) -> None:
        self._session_call(self.session.set_return_case, case_id)

    def _place_case_chosen(self, case_id: int | None) -> None:
        self._session_call(self.session.set_place_case, case_id)

    def _place_operation_chosen(self, operation: str) -> None:
        self._session_call(self.session.set_place_operation, operation)

    def _position_chosen(self, value: int) -> None:
        try:
            self.session.set_place_position(value or None)
        except StoreError as exc:
            self._status(str(exc), ok=False)
        self.page.case_map.select_position(value or None)
        self._warn_if_taken(value or None)

    def _warn_if_taken(self, position: int | None) -> bool:
        """Say so when the put-away target is an occupied slot (nothing can go there)."""
        try:
            verdict = self.session.target_problem(position)
        except StoreError:
            return False
        if verdict is None:
            return False
        words = verdict.message
        self._say(f"{words[:1].upper()}{words[1:]}: choose an empty slot", ok=False)
        return True

    def _case_map_slot_chosen(self, position: int) -> None:
        """Enter or a click on a slot of the map: the next asset goes there, if it is empty."""
        s = self.session
        if self.mode != Mode.PLACE or s.place_case is None:
            return
        if position == s.place_position and s.slot_refusal is None:
            return
        try:
            verdict = s.choose_position(s.place_case, position)
        except StoreError as exc:
            self._status(str(exc), ok=False)
            return
        if verdict is not None:
            self.page.show_position(s.place_position)  # none: the next asset waits
            self._say(s.refusal_text(verdict), ok=False)
            return
        s.set_place_position(position)
        self.page.show_position(position)
        self._say(f"Slot {s.place_case.case_code}/{position}: the next asset goes here", ok=True)

    # -- the batch ----------------------------------------------------------------------------

    def remove_selected_rows(self) -> None:
        rows = self.page.selected_rows()
        if not rows:
            return
        self.page.preview_model.remove_rows(rows)
        self._session_call(self.session.remove_rows, rows)
        self.page.batch_edited()
        self._status(f"Removed {plural(len(rows), 'row')}", ok=True)

    def remove_last_scan(self) -> None:
        if self.mode == Mode.LOOKUP or not self.session.rows:
            return
        self._session_call(self.session.undo_last)
        self.page.batch_edited()
        self._status("Removed the last scan", ok=True)

    def clear_batch(self) -> None:
        n = len(self.session.rows)
        if self.mode == Mode.LOOKUP or n == 0:
            return
        sure = confirm(
            self._dialog_parent(),
            "Clear batch",
            f"Remove all {plural(n, 'scan')} from the {MODE_TITLES[self.mode]} batch?",
            "Clear batch",
            "Nothing in the database changes.",
        )
        self.page.refocus()
        if sure:
            self._session_call(self.session.clear)
            self.page.batch_edited()
            self._status("Batch cleared", ok=True)

    def commit(self) -> None:
        """Ask, commit, and say how it went; scans arriving meanwhile wait for the end."""
        s = self.session
        if self._in_commit or not s.can_commit:
            return
        self._in_commit = True
        parent = self._dialog_parent()
        banner = self.page.banner
        try:
            text = s.confirmation_text()
            sure = confirm(
                parent, "Commit batch", text + "?", "Commit", "Enter commits, Esc cancels."
            )
            self.page.refocus()
            if not sure:
                self._status("Commit cancelled; the batch is unchanged", ok=True)
                return
            try:
                result = s.commit()
            except Refused as exc:
                self.refresh_view()
                banner.show_problem(
                    "Not committed: the database changed since these scans were checked. "
                    "The refused rows are marked; remove them and commit again.",
                    kind="refused",
                    mode=s.mode,
                )
                message(
                    parent,
                    "Batch refused",
                    "Nothing was changed: the database refused the batch.",
                    details="\n".join(exc.reasons[:20]),
                )
                self.page.refocus()
                return
            except StoreError as exc:
                gone = isinstance(exc, ServerUnavailable)  # its words say the batch is kept
                banner.show_problem(
                    f"Not committed: {exc}" + ("" if gone else " The batch is kept."), mode=s.mode
                )
                self.check_database_state()
                message(
                    parent,
                    "The server is not reachable" if gone else "Could not save",
                    str(exc),
                    QMessageBox.Icon.Critical,
                    "Your batch is kept; commit again once the status bar says the server is "
                    "connected."
                    if gone
                    else "Your batch is kept; commit again when the problem is solved.",
                )
                self.page.refocus()
                return
            done = f"{text}: done. Batch {result.batch_id} · {plural(result.count, 'asset')}"
            has_receipt = s.mode in (Mode.STOCK_OUT, Mode.STOCK_IN)
            banner.show_success(done, result.batch_id, receipt=has_receipt, mode=s.mode)
            self.last_receipt = result.batch_id if has_receipt else ""
            self.receiptChanged.emit(self.last_receipt)
            self._status(f"Committed batch {result.batch_id}", ok=True)
            self._data_version = self._safe_data_version()
            self.reload_lists()
        finally:
            self._in_commit = False
            self.refresh_view()
            self._release_held_scans()

    def _release_held_scans(self) -> None:
        held, self._held_scans = self._held_scans, []
        for text, source in held:
            self.on_scan(text, source)

    def check_database_state(self) -> bool:
        """A damaged or rolled-back database gets a banner that stays (with Restore from
        backup…): nothing more is saved to it, and the batch on screen is kept (it is saved in
        the pending file after every change). True if the database is in such a state."""
        store = self.engine.store
        try:
            rollback = store.rollback()
        except StoreError:
            rollback = None  # a damaged file: Store.damaged says so
        if store.damaged is not None:
            text, kind = store.damaged, "damaged"
        elif rollback is not None:
            text, kind = rollback.message, "rolled back"
        else:
            return False
        self.page.banner.show_problem(
            f"{text} The scans on screen are kept.", kind=kind, mode=str(self.mode)
        )
        self._status("The database cannot be changed: see the banner", ok=False)
        return True

    def restore_from_backup(self) -> None:
        """File → Restore from backup…: choose a backup, say what happens, put it in place (the
        current file is kept aside) and open the database afresh."""
        from PySide6.QtWidgets import QFileDialog

        from assettrack_gui.core.backups import backup_dir, restore

        from .dialogs import confirm

        store = self.engine.store
        if getattr(store, "backend", "sqlite") == "postgresql":  # server (issue 14)
            message(
                self._dialog_parent(),
                "Restore from backup",
                f"{store.path.name} is a database on a server, shared by every counter: a dump "
                "of it is put back by its administrator with 'assettrack-admin --db "
                f"{store.path} restore DUMP' (README: PostgreSQL).",
                QMessageBox.Icon.Information,
                "The scans on screen are kept.",
            )
            self.page.refocus()
            return
        start = backup_dir(store.path)
        chosen, _ = QFileDialog.getOpenFileName(
            self._dialog_parent(),
            "Restore from backup",
            str(start if start.is_dir() else store.path.parent),
            "AssetTrack backups (*.db);;All files (*)",
        )
        self.page.refocus()
        if not chosen:
            return
        if not confirm(
            self._dialog_parent(),
            "Restore from backup",
            f"Put {chosen} in place of the database?",
            "Restore",
            f"The current file is kept aside beside {store.path.name} (nothing is deleted). "
            "AssetTrack then opens the restored database; the scans on screen are kept.",
        ):
            return
        try:
            done = restore(store.path, chosen)
        except UserError as exc:
            message(self._dialog_parent(), "Restore from backup", str(exc))
            return
        lost = (
            f" The replaced file had {plural(done.lost, 'event')} the backup does not."
            if done.lost
            else ""
        )
        message(
            self._dialog_parent(),
            "Restore from backup",
            f"Restored from {done.backup}; the replaced file is kept at {done.kept_aside}.{lost}",
            QMessageBox.Icon.Information,
        )
        self.restartWanted.emit()

    def undo_batch(self, batch_id: str) -> None:
        """Undo last commit… on the success banner: void that batch (what goes back where is shown first)."""
        from .void_dialog import undo_batch

        result = undo_batch(self._dialog_parent(), self.engine, batch_id)
        self.page.refocus()
        if result is None:
            return
        self.page.banner.show_success(
            f"Batch {batch_id} undone by batch {result.batch_id}: "
            f"{plural(result.count, 'asset')} back where they were",
            result.batch_id,
            receipt=False,
            mode=self.mode,
            undo=False,  # an undo is not undone in turn
        )
        self._session_call(self.session.refresh)
        self.reload_lists()
        self.refresh_view()

    def open_receipt(self, batch_id: str) -> None:
        """Open the PDF receipt of a batch (hand-over or return)."""
        from assettrack_gui.qt.receipts import open_receipt

        open_receipt(self._dialog_parent(), self.engine.store, batch_id)
        self.page.refocus()

    def open_last_receipt(self) -> None:
        if self.last_receipt:
            self.open_receipt(self.last_receipt)

    def change_operator(self) -> None:
        dialog = QInputDialog(self._dialog_parent())
        dialog.setObjectName("operatorDialog")
        dialog.setWindowTitle("Operator")
        dialog.setLabelText("Name recorded on every event from this station:")
        dialog.setTextValue(self.engine.operator)
        accepted = run_modal(dialog)
        self.page.refocus()
        name = dialog.textValue().strip()
        if accepted and name:
            try:
                self.engine.operator = name  # refuses control characters (core rule)
            except UserError as exc:
                self._status(str(exc), ok=False)
                return
            self.operatorChanged.emit(self.engine.operator)
            self._status(f"Operator is now {self.engine.operator}", ok=True)

    # -- state → page -------------------------------------------------------------------------

    def reload_lists(self) -> None:
        """Holders and cases from the database (at start and when another station changed them)."""
        try:
            holders = self.engine.active_holders()
            cases = self.engine.cases()
        except StoreError as exc:
            self._status(str(exc), ok=False)
            return
        s = self.session
        self.page.set_lists(
            holders,
            cases,
            s.return_case.id if s.return_case else None,
            s.place_case.id if s.place_case else None,
        )

    def refresh_view(self) -> None:
        can = self.session.can_commit and not self._in_commit
        self.page.refresh_view(self.session, self._map_slots(), can)
        self.commandsChanged.emit(can, self.page.preview_model.rowCount() > 0)

    def _map_slots(self) -> Slots:
        case = map_case(self.session)
        if case is None:
            return []
        try:
            return self.engine.case_slots(case.id)
        except StoreError:  # the map is a convenience; the status bar says more
            return []

    # -- a batch left over from last time -----------------------------------------------------

    def offer_pending_batch_when_active(self, fallback_ms: int = 2000) -> None:
        """At start: ask about a left-over batch once the window has the keyboard.

        Asking before that could put the question on screen just as the window is given the
        keyboard (on an X server without a window manager nobody hands it on to the dialog, and
        the clerk's Enter would be lost). If the window is never activated, ask anyway. The
        window calls :meth:`offer_if_due` when it is activated.
        """
        self.pending_offer_due = True
        QTimer.singleShot(fallback_ms, self.offer_if_due)
        if self.page.window().isActiveWindow():
            QTimer.singleShot(0, self.offer_if_due)

    def offer_if_due(self) -> None:
        if self.pending_offer_due:
            self.pending_offer_due = False
            self.offer_pending_batch()

    def offer_pending_batch(self) -> bool:
        """If the last session left uncommitted scans, ask whether to take them back."""
        batch = self.session.pending_batch()
        if batch is None:
            return False
        parts = []
        if batch.stock_out:
            who = f" for {self._holder_label(batch.custodian)}" if batch.custodian else ""
            parts.append(f"Stock-Out: {plural(len(batch.stock_out), 'scan')}{who}")
        if batch.stock_in:
            parts.append(f"Stock-In: {plural(len(batch.stock_in), 'scan')}")
        if batch.placements:
            parts.append(f"Put-away / Move: {plural(len(batch.placements), 'scan')}")
        when = batch.saved_at.replace("T", " ")[:19] + " UTC" if batch.saved_at else "earlier"
        restore = confirm(
            self._dialog_parent(),
            "Restore batch",
            f"An uncommitted batch was left from {when}. Restore it?",
            "Restore",
            "\n".join(parts)
            + "\n\nCancel discards it. Restored scans are checked again."
            + (
                "\nThe scans made since the app started stay, after the restored ones."
                if not self.session.to_pending().is_empty
                else ""
            ),
        )
        self.page.refocus()
        if restore:
            self.restore_pending(batch)
        else:
            self.session.discard_pending()
        return restore

    def _holder_label(self, badge: str) -> str:
        """ "Dana Reyes (B-1001)" for a saved badge; the badge alone if it names nobody now."""
        try:
            holder = self.engine.holder(badge)
        except (UserError, StoreError):
            holder = None
        return holder.label if holder is not None else badge

    def restore_pending(self, batch: PendingBatch) -> None:
        try:
            self.session.restore(batch)
        except StoreError as exc:
            self._status(str(exc), ok=False)
        self.set_mode(self.session.mode)
        self._status(f"Restored {plural(batch.scan_count, 'scan')}", ok=True)

    # -- database changes by other stations ---------------------------------------------------

    def _safe_data_version(self) -> int:
        try:
            return self.session.data_version()
        except Exception:  # noqa: BLE001 - polled; a broken connection shows up on the next action
            return -1

    def check_database_changed(self) -> None:
        """Another station committed: new lists, the batch checked again, the page redrawn."""
        if self._in_commit or QApplication.activeModalWidget() is not None:
            return
        version = self._safe_data_version()
        if version == self._data_version:
            return
        self._data_version = version
        self.reload_lists()
        try:
            self.session.refresh()
        except StoreError as exc:
            self._status(str(exc), ok=False)
        self.refresh_view()

    def stop(self) -> None:
        """Stop looking for other stations' changes (the window is closing)."""
        self.poll.stop()
