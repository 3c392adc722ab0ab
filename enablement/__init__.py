"""Enablement: a sales-enablement content library (the core, free of Qt)."""

__version__ = "0.1.0"
