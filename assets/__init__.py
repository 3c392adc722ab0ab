"""Data shipped with the app (taxonomy, demo collateral, icons), installed as ``enablement.assets``.

Found with ``importlib.resources`` (see ``enablement.config.shipped_folder``), never by path.
"""
