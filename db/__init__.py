"""Alembic migrations for the library database (SQLite and PostgreSQL)."""
