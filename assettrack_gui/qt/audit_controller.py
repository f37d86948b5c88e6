"""Between the Audit page and the core ``AuditSession``: scans, the case, finishing, fixing.

Every scan made while the Audit page is shown reaches :meth:`AuditController.on_scan` (the
window's one entry point, ``MainWindow.on_scan``, routes it here), which hands it to the core
session and emits :attr:`scanHandled` exactly once (the scanner's sound follows it). The
controller reaches the database only through the session and its engine; the page only shows.

An audit is saved after every scan (``core.pending``); the first time the page is shown, an
audit a previous run left unfinished is offered back (Enter continues it, Esc discards it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from assettrack_gui.core import matching
from assettrack_gui.core.audit import (
    FIX_TITLES,
    AuditScan,
    AuditSession,
    AuditStatus,
    counts_text,
)
from assettrack_gui.core.engine import Engine
from assettrack_gui.core.errors import Refused, StoreError, UserError
from assettrack_gui.core.model import CommitResult, plural

from .audit_page import AuditPage, FixDialog
from .dialogs import ask, confirm, message, run_modal

__all__ = ["AuditController"]


class AuditController(QObject):
    """Drives one :class:`AuditPage` from one :class:`AuditSession` (GUI thread only)."""

    scanHandled = Signal(bool, str)  # accepted, message: once per scan
    statusShown = Signal(str, bool)  # text, ok
    committed = Signal()  # a fix batch or an audit was written: other pages may re-read

    def __init__(
        self, engine: Engine, db_path: object, page: AuditPage, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.session = AuditSession(engine, db_path)
        self.page = page
        self.last_fix: str = ""  # the batch id of the last fix committed here
        page.scanEntered.connect(self.on_scan)
        page.caseChosen.connect(self.choose_case)
        page.finishRequested.connect(self.finish)
        page.fixRequested.connect(self.fix)
        page.followUpRequested.connect(self.follow_up)
        page.retireRequested.connect(self.retire_missing)
        page.discardRequested.connect(self.discard)
        page.bySlotToggled.connect(lambda _on: self.refresh_view())
        page.firstShown.connect(self.offer_saved)
        self.reload_cases()

    def _parent(self) -> QWidget:
        return self.page.window()

    def _say(self, text: str, ok: bool) -> None:
        self.statusShown.emit(text, ok)
        self.page.show_feedback(text, ok)

    # -- scans

    def on_scan(self, text: str, source: str = "manual") -> None:
        """The one entry point for a scan while the Audit page is shown."""
        try:
            outcome = self._scan(text)
        except StoreError as exc:
            self._say(f"Database problem: {exc}", ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        except UserError as exc:
            self._say(str(exc), ok=False)
            self.scanHandled.emit(False, str(exc))
            return
        self.refresh_view()
        self.page.select_finding(outcome.finding, self.session.audit)
        self._say(outcome.message, outcome.accepted)
        self.scanHandled.emit(outcome.accepted, outcome.message)

    def _scan(self, text: str) -> AuditScan:
        s = self.session
        if not s.active:
            # No audit under way (or the last one is recorded): a case code starts one.
            m = self.engine.classify(text)
            if m.kind == matching.CASE and m.id is not None:
                new = s.start(m.id)
                return AuditScan(True, f"Auditing {new.case.case_code}: scan what is in it")
            return AuditScan(False, "Scan a case code (or choose a case) to start an audit")
        outcome = s.scan(text)
        audit = s.audit
        if outcome.other_case is not None and audit is not None and audit.scan_count == 0:
            started = s.start(outcome.other_case.id)
            return AuditScan(True, f"Auditing {started.case.case_code}: scan what is in it")
        if outcome.other_case is not None:
            return AuditScan(
                False,
                f"{outcome.message} — finish or discard this audit to audit "
                f"{outcome.other_case.case_code}",
                recorded=False,
            )
        return outcome

    # -- the case

    def reload_cases(self) -> None:
        try:
            cases = self.engine.cases()
        except StoreError as exc:
            self.statusShown.emit(str(exc), False)
            return
        audit = self.session.audit
        self.page.set_cases(cases, audit.case.id if audit is not None else None)

    def choose_case(self, case_id: object) -> None:
        s = self.session
        current = s.audit
        if not isinstance(case_id, int):
            self.refresh_view()
            return
        if current is not None and current.case.id == case_id:
            return
        if s.active and current is not None and current.scan_count:
            sure = confirm(
                self._parent(),
                "Another case",
                f"Discard the audit of {current.case.case_code} "
                f"({plural(current.scan_count, 'scan')}) and audit another case?",
                "Discard and switch",
                "Nothing of the audit in progress is recorded. Esc keeps it.",
            )
            self.page.refocus()
            if not sure:
                self.refresh_view()
                return
        try:
            audit = s.start(case_id)
        except (StoreError, UserError) as exc:
            self._say(str(exc), ok=False)
            return
        self.refresh_view()
        self._say(f"Auditing {audit.case.case_code}: scan what is in it", ok=True)
        self.page.scan_entry.setFocus()

    # -- finishing, discarding, restoring

    def finish(self) -> None:
        s = self.session
        audit = s.audit
        if not s.active or audit is None:
            return
        refused = audit.refusal()  # the engine's rule (an audit with no scans), asked first
        if refused is not None:
            self._say(refused.message, ok=False)
            return
        sure = confirm(
            self._parent(),
            "Finish audit",
            f"Record the audit of {audit.case.case_code}?",
            "Record",
            f"{counts_text(audit.counts())}.\n\nOne AUDIT event is recorded; no asset changes. "
            "Fix the differences afterwards with the Fix buttons. Esc goes back to scanning.",
        )
        self.page.refocus()
        if not sure:
            return
        try:
            recorded = s.finish()
        except (StoreError, Refused) as exc:
            message(self._parent(), "Audit not recorded", str(exc), details="Scan on and try again.")
            self.page.refocus()
            return
        self.refresh_view()
        self._say(
            f"Audit of {recorded.case_code} recorded (batch {recorded.batch_id})", ok=True
        )
        self.committed.emit()

    def discard(self) -> None:
        s = self.session
        audit = s.audit
        if audit is None:
            return
        if s.active and audit.scan_count:
            sure = confirm(
                self._parent(),
                "Discard audit",
                f"Discard the audit of {audit.case.case_code} "
                f"({plural(audit.scan_count, 'scan')})?",
                "Discard",
                "Nothing is recorded. Esc keeps it.",
            )
            self.page.refocus()
            if not sure:
                return
        s.discard()
        self.refresh_view()
        self._say("No audit under way: choose or scan a case", ok=True)

    def offer_saved(self) -> bool:
        """An audit a previous run left unfinished: Enter continues it, Esc discards it."""
        saved = self.session.saved()
        if saved is None or self.session.active:
            return False
        started = saved.started_at.replace("T", " ")[:16] + " UTC"
        keep = ask(
            self._parent(),
            "Continue the audit?",
            f"An unfinished audit of {saved.case.case_code} "
            f"({plural(saved.scan_count, 'scan')}, started {started}) was left. Continue it?",
            "Continue",
            "Discard",
            "Enter continues where it was; Esc discards it (nothing of it was recorded).",
        )
        self.page.refocus()
        if keep:
            self.session.restore(saved)
            self._say(f"Audit of {saved.case.case_code} restored", ok=True)
        else:
            self.session.discard()
        self.refresh_view()
        return keep

    # -- fixing

    def fix(self, kind: str) -> None:
        """Prepare a fix batch, show the engine's preview, commit it whole on Enter."""
        try:
            batch = self.session.prepare_fix(kind)
        except (StoreError, UserError) as exc:
            self._say(str(exc), ok=False)
            return
        if batch.count == 0 and not batch.left_out:
            self._say(f"Nothing to fix with {FIX_TITLES[kind]}", ok=True)
            return
        dialog = FixDialog(batch, self._parent())
        accepted = bool(run_modal(dialog)) and batch.ready  # Enter (Commit) is Accepted
        dialog.deleteLater()
        self.page.refocus()
        if not accepted:
            return
        result = self._commit_previewed(
            lambda: self.session.commit_fix(batch),
            "Fix refused",
            "Nothing was changed: the database changed since the preview.",
            "Press the Fix button again.",
        )
        if result is not None:
            self._committed(
                f"{batch.title}: {plural(result.count, 'asset')} done, batch {result.batch_id}",
                result,
            )

    def _commit_previewed(
        self, commit: Callable[[], CommitResult], title: str, refused: str, again: str
    ) -> CommitResult | None:
        """Commit what a dialog previewed; a refusal (the database changed since) or a store
        error is said in a message, and None comes back."""
        try:
            return commit()
        except Refused as exc:
            message(
                self._parent(), title, refused, details="\n".join(exc.reasons[:20]) + f"\n\n{again}"
            )
        except StoreError as exc:
            message(self._parent(), "Could not save", str(exc), QMessageBox.Icon.Critical)
        self.page.refocus()
        return None

    def _committed(self, words: str, result: CommitResult) -> None:
        self.last_fix = result.batch_id
        self._say(words, ok=True)
        self.refresh_view()
        self.committed.emit()

    def follow_up(self) -> None:
        try:
            plan = self.session.plan()
        except StoreError as exc:
            self._say(str(exc), ok=False)
            return
        lines = [f"{tag}: {why}" for tag, why in plan.follow_up]
        message(
            self._parent(),
            "Follow-up",
            "No batch can fix these:" if lines else "Nothing needs follow-up.",
            QMessageBox.Icon.Information,
            "\n".join(lines[:40]) + (f"\n… and {len(lines) - 40} more" if len(lines) > 40 else ""),
        )
        self.page.refocus()

    def _selected_missing(self) -> set[str]:
        """The missing assets among the list's selected rows (by scan, or slot by slot)."""
        audit = self.session.audit
        if audit is None:
            return set()
        findings = audit.findings()
        missing = {f.tag for f in findings if f.status == AuditStatus.MISSING}
        rows = self.page.selected_rows()
        if self.page.by_slot.isChecked():
            slots = audit.slot_rows()
            picked = {slots[r].expected for r in rows if r < len(slots)}
        else:
            picked = {findings[r].tag for r in rows if r < len(findings)}
        return {tag for tag in picked if tag in missing}

    def retire_missing(self) -> None:
        """Retire missing assets (lost, broken, disposed, with a reason): the selected ones are
        ticked (all, if none is selected), the engine previews exactly the ticked ones, the
        dialog asks first, and ``Engine.commit_retire`` retires them all in one batch — or,
        if anything changed since the preview, none (the reasons are shown)."""
        from .retire_dialog import RetireDialog

        audit = self.session.audit
        if audit is None:
            return
        try:
            plan = self.session.plan()
        except StoreError as exc:
            self._say(str(exc), ok=False)
            return
        if not plan.retirable:
            missing = audit.counts()[AuditStatus.MISSING.value]
            self._say(
                "Nothing to retire: every missing asset is retired already"
                if missing
                else "Nothing to retire: no asset is missing",
                ok=True,
            )
            return
        expected = {
            f.tag: f for f in audit.findings() if f.status == AuditStatus.MISSING
        }
        candidates = [
            (tag, f"expected in {expected[tag].expected_slot}"
             + (f", {expected[tag].description}" if expected[tag].description else ""))
            for tag in plan.retirable
        ]
        selected = self._selected_missing() & set(plan.retirable)
        ticked = selected or set(plan.retirable)
        count = plural(len(plan.retirable), "missing asset")
        intro = (
            f"Retire missing assets of {audit.case.case_code}: "
            + (f"the {plural(len(ticked), 'selected one')} ticked" if selected else
               f"all {count} ticked")
            + ". Untick those to keep looking for."
        )
        dialog = RetireDialog(
            candidates,
            ticked,
            lambda tags, kind, reason: self.engine.preview_retire(tags, kind, reason),
            intro,
            self._parent(),
        )
        accepted = bool(run_modal(dialog))
        tags, kind, reason = dialog.choice()
        dialog.deleteLater()
        self.page.refocus()
        if not accepted:
            return
        result = self._commit_previewed(
            lambda: self.engine.commit_retire(tags, kind, reason),
            "Retirement refused",
            "Nothing was retired: the database changed since the preview.",
            "Press Retire missing again.",
        )
        if result is not None:
            self._committed(
                f"Retired {plural(result.count, 'asset')} as {kind}, batch {result.batch_id}",
                result,
            )

    # -- state → page

    def refresh_view(self) -> None:
        s = self.session
        recorded = s.recorded
        self.page.show_audit(
            s.audit, finished=recorded is not None, batch_id=recorded.batch_id if recorded else ""
        )
