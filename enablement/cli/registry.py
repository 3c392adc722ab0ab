"""One registry of commands. Each module of ``enablement.cli.commands`` is a command group: it
declares ``ORDER`` (its place in ``--help``) and ``register(registry)``, which adds its commands.
Adding a group is adding one module; nothing else names it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from enablement.models.dto import Actor
    from enablement.services.library import Library

# Runs in the open library as the acting user (the usual kind).
LibraryHandler = Callable[[argparse.Namespace, "Library", "Actor"], int]
# Gets the library folder and opens (or creates) the library itself: init, demo, restore.
FolderHandler = Callable[[argparse.Namespace, Path], int]

COMMAND_PACKAGE = "enablement.cli.commands"
HANDLER = "cli_command"  # the parsed namespace's attribute that holds the chosen Command


@dataclass(frozen=True)
class Command:
    """A command's name and how it runs: exactly one of ``run`` and ``run_in_folder``."""

    name: str
    run: LibraryHandler | None = None
    run_in_folder: FolderHandler | None = None


class Registry:
    """The command line's commands by name, each with its argparse sub-parser."""

    def __init__(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self._subparsers = subparsers
        self.commands: dict[str, Command] = {}

    def add(self, name: str, run: LibraryHandler, *, help: str | None = None,
            **parser_options: Any) -> argparse.ArgumentParser:
        """A command that runs in the open library as the acting user; returns its parser."""
        return self._add(Command(name, run=run), help, parser_options)

    def add_folder_command(self, name: str, run: FolderHandler, *, help: str | None = None,
                           **parser_options: Any) -> argparse.ArgumentParser:
        """A command that opens (or creates) the library folder itself; returns its parser."""
        return self._add(Command(name, run_in_folder=run), help, parser_options)

    def _add(self, command: Command, help: str | None, parser_options: dict[str, Any]) -> argparse.ArgumentParser:
        if command.name in self.commands:
            raise ValueError(f"two commands are called {command.name!r}")
        if help is not None:
            parser_options["help"] = help
        parser: argparse.ArgumentParser = self._subparsers.add_parser(command.name, **parser_options)
        parser.set_defaults(**{HANDLER: command})
        self.commands[command.name] = command
        return parser


def command_groups() -> list[ModuleType]:
    """Every module of the commands package, in ``ORDER``."""
    package = importlib.import_module(COMMAND_PACKAGE)
    modules = [importlib.import_module(f"{COMMAND_PACKAGE}.{info.name}")
               for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")]
    return sorted(modules, key=lambda module: (module.ORDER, module.__name__))


def register_all(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> Registry:
    """A registry holding every command group's commands."""
    registry = Registry(subparsers)
    for module in command_groups():
        module.register(registry)
    return registry
