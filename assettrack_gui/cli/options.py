"""Building blocks of the ``assettrack-admin`` parser: the global options, ``add_command`` and
``add_group`` for command families, and the checkers that turn option text into values.

A checker raises ``argparse.ArgumentTypeError``, so a bad value is a usage error (exit 2) that
names the option, before any database is opened.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..core import paths
from ..core.errors import UsageError

if TYPE_CHECKING:
    from .context import Context

PROG = "assettrack-admin"

Handler = Callable[[argparse.Namespace, "Context"], int]

EXIT_CODES = """\
exit codes:
  0  done
  1  refused: nothing was changed; one reason per line on stderr, naming the scan or
     the CSV line ("line 7: ..."); also when the database is busy, damaged or too new
  2  usage error: bad arguments, missing or unreadable file, bad CSV header, no database
"""


# -- option values ---------------------------------------------------------------------------------


def given(text: str) -> str:
    """An option's value: an empty one (``--db ''``) is a mistake, never "use the default"."""
    if text == "":
        raise argparse.ArgumentTypeError("the value is empty; give one or leave the option out")
    return text


def operator_name(text: str) -> str:
    given(text)
    try:
        from ..core.rules import check_operator

        return check_operator(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def expected_head(text: str) -> tuple[int, str]:
    """``--expect COUNT:HASH``: an event count and that event's 64-hex-digit hash."""
    count, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not count.strip().isdigit() or len(digest) != 64 or not all(
        c in "0123456789abcdef" for c in digest
    ):
        raise argparse.ArgumentTypeError(
            f"expected COUNT:HASH (events count, then the 64-hex-digit head hash), not {text!r}"
        )
    return int(count), digest


def overdue_days(text: str) -> int:
    """``--days N``: the same range the settings file allows for ``overdue_days``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    from ..core.settings import RANGES

    low, high = RANGES["overdue_days"]
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"days must be {low}..{high} (got {value})")
    return value


# -- parser building blocks --------------------------------------------------------------------------


def global_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    # After the command the defaults are SUPPRESS, so they never overwrite a value given before it.
    default = argparse.SUPPRESS if after_command else None
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        type=given,
        default=default,
        help=f"database file, or a PostgreSQL database as postgresql://user@host:port/dbname "
        f"(default: ${paths.DB_ENV_VAR}, else {paths.data_dir() / paths.DB_FILENAME})",
    )
    parser.add_argument(
        "--operator",
        metavar="NAME",
        type=operator_name,
        default=default,
        help="name recorded on every event (default: the OS user)",
    )


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    func: Handler,
    summary: str,
    description: str = "",
) -> argparse.ArgumentParser:
    """A command: ``summary`` is its line in the parent's --help, ``description`` its own."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{description}".rstrip() if description else summary,
        epilog=EXIT_CODES,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    return parser


def add_group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    summary: str,
    description: str = "",
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command family such as ``holder add|rename|…``; returns where its commands go."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{description}".rstrip() if description else summary,
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser.add_subparsers(
        title="commands", dest=f"{name}_command", metavar="COMMAND", required=True
    )
