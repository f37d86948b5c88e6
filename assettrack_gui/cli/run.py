"""``main``: parse the arguments, run one command, and turn every expected failure into a message
on stderr and an exit code (0 done, 1 refused, 2 usage error) instead of a traceback.

Database errors reach this module already translated by ``core.store.user_errors``; one that
cannot be translated is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ..core.errors import Refused, UserError
from .context import Context
from .output import warn
from .parser import build_parser


def _tolerant_streams() -> None:
    """Never crash on a character the terminal cannot show (→, ×, names in any script)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    args = build_parser().parse_args(argv)  # --help and usage errors end here, before any core
    from ..core.store import user_errors

    ctx = Context(args)
    try:
        with user_errors(ctx.target):
            code: int = args.func(args, ctx)
            sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except Refused as exc:
        for reason in exc.reasons:
            warn(reason)
        return 1
    except UserError as exc:
        warn(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        # Output piped into e.g. `head`, which stopped reading: the work itself is done.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A path the user gave cannot be created or written (permissions, read-only media).
        where = f": {exc.filename}" if exc.filename else ""
        warn(f"{exc.strerror or exc}{where}")
        return 2
    except KeyboardInterrupt:
        warn("Interrupted.")
        return 130
    except Exception as exc:
        # A bug: keep the traceback (Python prints it), and put it in the log file too.
        from ..core.logs import log_unexpected

        try:
            path = log_unexpected(type(exc), exc, exc.__traceback__, where="assettrack-admin")
        except OSError:
            raise exc from None
        warn(f"unexpected error; details were written to {path}")
        raise
    finally:
        ctx.close()
