"""``python -m enablement`` runs the command line."""

from enablement.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
