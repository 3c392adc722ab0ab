"""The ``enablement`` command line: ``main`` parses, opens the library and runs one command from
the registry (``registry.py``); each command group is one module in ``commands/``."""

from enablement.cli.entry import main

__all__ = ["main"]
