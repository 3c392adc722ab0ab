"""The frozen ``enablement-app`` (PyInstaller entry script)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Spawned extraction workers re-run this executable: this makes them workers.
    multiprocessing.freeze_support()
    from enablement.ui.launch import main

    sys.exit(main())
