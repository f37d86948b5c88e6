"""A batch's lines with their verdicts, its preview and its commit result.

Re-exported by ``core.model`` (``from .model import Line`` keeps working) but kept in a module of
their own: they are dataclasses, and the ``dataclasses`` module (with ``inspect``, ``ast`` and
``dis``: ~5 ms) is not needed by read-only work such as ``assettrack-admin show``, which imports
``core.model`` but never makes a line (docs/architecture.md, "Start-up").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import CaseInfo, Code, HolderInfo, Operation, Verdict

__all__ = ["CommitResult", "Line", "Preview"]


@dataclass
class Line:
    """One scanned (or imported) line and its verdict."""

    index: int
    scan: str
    ok: bool = False
    reason: str = ""
    code: Code | None = None  # why it is refused (None when ok)
    asset_id: int | None = None
    asset_tag: str | None = None  # the database's canonical value
    serial: str = ""
    description: str = ""
    now: str = ""  # where it is now: "CART-A/3", "Dana Reyes (B-1001)", "new"
    to: str = ""  # where it will go
    from_slot_id: int | None = None
    to_slot_id: int | None = None
    holder_id: int | None = None
    via: str = ""  # "exact" / "dashless"
    label: str = ""  # how to name this line in messages (scan, or "line 7")
    duplicate_of: int | None = None  # index of the earlier line with the same asset
    home_slot: bool = False  # stock-in: the slot is the one the asset left
    # A note that does not refuse the line (stock-in into another asset's home slot); ``to``
    # already says it in words, this is for callers that branch or colour.
    warning: Verdict | None = None
    # An import row equal to the existing record with its code (``--skip-existing``): accepted,
    # changes nothing; ``warning`` holds the EXISTS_IDENTICAL note.
    skipped: bool = False

    def refuse(self, verdict: Verdict | Code, reason: str = "") -> Line:
        if isinstance(verdict, Verdict):
            code, reason = verdict.code, verdict.message
        else:
            code = verdict
        self.ok, self.code, self.reason = False, code, reason
        return self

    def accept(self) -> Line:
        self.ok, self.code, self.reason = True, None, ""
        return self

    @property
    def name(self) -> str:
        """How a refusal names this line: its label, else the scan, else its place (empty scan)."""
        from .text import visible

        return self.label or visible(self.scan) or f"scan {self.index + 1}"

    @property
    def ref(self) -> str:
        """How another line's message points here: its label ("line 7" of a CSV) or its place
        among the scans ("scan 2"); "line" is kept for CSV files, which have lines."""
        return self.label or f"scan {self.index + 1}"


@dataclass
class Preview:
    """A batch checked line by line (``lines``) and as a whole (``problems``): what the GUI
    shows and what a commit re-checks inside its transaction."""

    operation: Operation
    lines: list[Line]
    problems: list[Verdict] = field(default_factory=list)  # batch-level: custodian, return case
    holder: HolderInfo | None = None
    return_case: CaseInfo | None = None

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.problems and all(line.ok for line in self.lines)

    def has_problem(self, code: Code) -> bool:
        return any(p.code == code for p in self.problems)

    def reasons(self) -> list[str]:
        out = [p.message for p in self.problems]
        if not self.lines and not (self.operation == Operation.VOID and self.problems):
            out.append("nothing to commit: the batch is empty")
        if len(self.lines) == 1 and not self.lines[0].label and not self.lines[0].scan:
            # One item (holder add, slot, …) with nothing to name it by: the reason alone,
            # not a "scan 1:" that points at nothing.
            out += [line.reason for line in self.lines if not line.ok]
            return out
        out += [f"{line.name}: {line.reason}" for line in self.lines if not line.ok]
        return out


@dataclass(frozen=True)
class CommitResult:
    """A committed batch: its id, how many lines it wrote, and the preview it carried out."""

    batch_id: str  # "" when every line was skipped and nothing was written
    count: int
    preview: Preview

    @property
    def skipped(self) -> int:
        return sum(1 for line in self.preview.lines if line.skipped)
