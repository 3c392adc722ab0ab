"""The desktop app (PySide6). Talks to the core only through services, via the task runner."""
