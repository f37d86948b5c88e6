"""The whole ``assettrack-admin`` parser, assembled from the command families in ``--help`` order.

Start-up matters here (a script may run ``show`` hundreds of times), so the parser is lazy:
``build_parser(lazy=True)`` (what ``main`` uses) knows every command's name from
:data:`COMMAND_FAMILIES`, imports only the module of the command being run and builds only that
command's parser. The one-line summaries of ``--help`` are collected only when a help text is
shown, by running every family's register function against stand-in parsers that drop options
(:class:`LazyCommands`). ``build_parser()`` builds everything (tests, ``iter_commands``).

Adding a command family (e.g. ``stocktake …``): write ``cli/stocktake.py`` with
``register_stocktake_commands(commands, common)`` using ``options.add_group`` /
``add_command``, and add its one line to :data:`COMMAND_FAMILIES`. A new command of an
existing family needs no line here. ``tests/cli/test_lazy_parser.py`` checks that
every line names what its module registers; ``tests/test_readme.py`` that it is documented.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from importlib import import_module

from .options import EXIT_CODES, PROG, HelpFormatter, global_options

CommandGroup = Callable[
    ["argparse._SubParsersAction[argparse.ArgumentParser]", argparse.ArgumentParser], None
]

# "module:register function" in this package → the top-level commands it adds, in --help order.
COMMAND_FAMILIES: dict[str, tuple[str, ...]] = {
    "init_db:register_init_command": ("init",),
    "imports:register_import_commands": ("import",),
    "slots:register_slot_commands": ("slot", "move"),
    "custody:register_custody_commands": ("stock-out", "stock-in", "void"),
    "holders:register_holder_commands": ("holder",),
    "cases:register_case_commands": ("case",),
    "assets:register_asset_commands": ("asset",),
    "inspection:register_inspection_commands": ("show", "verify", "backup"),
    "audit:register_audit_commands": ("audit",),  # a stocktake of one case (cli/audit.py)
    "recovery:register_recovery_commands": ("restore", "accept-rollback"),
    "reports:register_report_commands": ("report",),
    "labels:register_label_commands": ("labels",),
}


def family_register(family: str) -> CommandGroup:
    """The register function a :data:`COMMAND_FAMILIES` key names (importing its module)."""
    module, _, function = family.partition(":")
    register: CommandGroup = getattr(import_module(f"{__package__}.{module}"), function)
    return register


class _Unbuilt:
    """Stands in for the parser of a command that is not being run: what a register function
    adds to it (options, defaults, sub-commands) is dropped, only the summaries are kept."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass

    def set_defaults(self, **kwargs: object) -> None:
        pass

    def add_subparsers(self, **kwargs: object) -> _Unbuilt:
        return self

    def add_parser(self, name: str, **kwargs: object) -> _Unbuilt:
        return self

    def add_argument_group(self, *args: object, **kwargs: object) -> _Unbuilt:
        return self

    def add_mutually_exclusive_group(self, **kwargs: object) -> _Unbuilt:
        return self


_UNBUILT = _Unbuilt()

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction  # not subscriptable at run time


class LazyCommands(_SubParsers):
    """The top level's commands: every name is a valid choice from the start, a command's family
    is imported and built when argparse reaches it, the summaries are listed when a help text
    needs them."""

    _common: argparse.ArgumentParser
    _family_of: dict[str, str]
    _listing = False  # running register functions only for their summaries
    _listed = False
    _building: str | None = None  # the command whose family's register function is running

    def declare(self, families: dict[str, tuple[str, ...]], common: argparse.ArgumentParser) -> None:
        """Make every command of ``families`` a choice, to be built when it is parsed."""
        self._common = common
        self._family_of = {}
        for family, names in families.items():
            for name in names:
                self._family_of[name] = family
                self._name_parser_map[name] = _UNBUILT  # type: ignore[assignment]

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
        if self._listing:  # only the summary line is wanted
            if "help" in kwargs:
                help_line = kwargs["help"]
                aliases = kwargs.get("aliases", ())
                self._choices_actions.append(
                    self._ChoicesPseudoAction(name, aliases, help_line)  # type: ignore[arg-type]
                )
            return _UNBUILT  # type: ignore[return-value]
        if self._building not in (None, name) and name in self._family_of:
            return _UNBUILT  # type: ignore[return-value]  # another command of the family
        if self._name_parser_map.get(name) is _UNBUILT:  # a declared command, built now
            del self._name_parser_map[name]
            kwargs.pop("help", None)  # its summary comes from the listing
        return super().add_parser(name, **kwargs)  # type: ignore[arg-type]

    def build(self, name: str) -> argparse.ArgumentParser:
        """The real parser of command ``name`` (built now if it is not yet)."""
        if self._name_parser_map.get(name) is _UNBUILT:
            self._building = name
            try:
                family_register(self._family_of[name])(self, self._common)
            finally:
                self._building = None
        return self._name_parser_map[name]

    def build_all(self) -> None:
        for name in list(self._family_of):
            self.build(name)
        self._get_subactions()

    def _get_subactions(self) -> list[argparse.Action]:
        """The summary lines of --help: every family lists its commands the first time."""
        if not self._listed:
            self._listed, self._listing = True, True
            try:
                for family in dict.fromkeys(self._family_of.values()):
                    family_register(family)(self, self._common)
            finally:
                self._listing = False
        return super()._get_subactions()

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, list) and values
        if values[0] in self._family_of:
            self.build(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser(*, lazy: bool = False) -> argparse.ArgumentParser:
    """The admin parser; ``lazy`` builds a command's options only when that command is parsed."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Administer an AssetTrack stockroom database: set it up, import lists,\n"
        "move custody from scripts, inspect, verify and back up.\n\n"
        "Run 'assettrack-admin COMMAND --help' for each command's details.",
        epilog=EXIT_CODES,
        formatter_class=HelpFormatter,
    )
    global_options(parser, after_command=False)
    common = argparse.ArgumentParser(add_help=False, formatter_class=HelpFormatter)
    global_options(common, after_command=True)
    # prog given: argparse would otherwise format a usage line (and import shutil) to find it.
    commands = parser.add_subparsers(
        title="commands",
        dest="command",
        metavar="COMMAND",
        required=True,
        action=LazyCommands,
        prog=PROG,
    )
    assert isinstance(commands, LazyCommands)
    commands.declare(COMMAND_FAMILIES, common)
    if not lazy:
        commands.build_all()
    return parser


def iter_commands(
    parser: argparse.ArgumentParser | None = None, prefix: str = ""
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and command family, e.g. ("import", …), ("import holders", …)."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            if isinstance(action, LazyCommands):
                action.build_all()
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                yield full, sub
                yield from iter_commands(sub, full)
