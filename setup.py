"""Packages for the wheel, found from the repository's folders (pyproject.toml holds the rest).

The repository keeps ``ui/``, ``db/`` and ``assets/`` at the top; the wheel mounts them inside
the ``enablement`` package (``enablement.ui``, ``enablement.db``, ``enablement.assets``) so that
nothing with a generic name lands at the top of site-packages. ``bench/`` is not shipped.
Imports inside ``ui/`` are relative, so the same code runs as ``ui`` from a checkout and as
``enablement.ui`` from a wheel; data is found with ``importlib.resources``.
"""

from setuptools import find_packages, setup

MOUNTED = {"enablement.ui": "ui", "enablement.db": "db", "enablement.assets": "assets"}


def _packages() -> list[str]:
    found = find_packages(include=["enablement", "enablement.*"])
    for name, folder in MOUNTED.items():
        found += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(
    packages=_packages(),
    package_dir=MOUNTED,
    package_data={
        "enablement.assets": ["taxonomy.json", "demo/*", "icons/*"],
        "enablement.db": ["alembic.ini", "script.py.mako"],
    },
)
