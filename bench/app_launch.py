"""``python -m bench.app_launch [main.py arguments]``: the app exactly as ``main.py`` starts it,
plus the start-up probe's one call after the main window is shown (until ``ui/app.py`` makes
that call itself, at which point the benchmark runs ``main.py`` directly)."""

from __future__ import annotations

import sys


def launch(argv: list[str]) -> int:
    import main
    import ui.app as app_module
    from ui import startup_probe

    original = app_module.Startup._show

    def _show(self, actor):  # type: ignore[no-untyped-def]
        original(self, actor)
        startup_probe.watch(self.window)

    app_module.Startup._show = _show  # type: ignore[method-assign]
    return main.main(argv)


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
