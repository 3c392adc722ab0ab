"""The command groups: one module each, found by ``enablement.cli.registry``.

A module declares ``ORDER`` (its place in ``--help``) and ``register(registry)``, which adds its
commands with ``registry.add(name, run, help=...)`` (runs in the open library as the acting user)
or ``registry.add_folder_command(...)`` (opens or creates the library folder itself).
"""
