"""The office renderer (LibreOffice) for the tests that draw Word and PowerPoint pages.

tests/conftest.py sets ENABLEMENT_OFFICE=none so that no other test waits for LibreOffice;
the ``office`` fixture hands a test the real renderer. Where none is installed, those tests
skip with the reason — unless ENABLEMENT_REQUIRE_LIBREOFFICE=1 (set by .ci/run, which
installs Debian's libreoffice-*-nogui packages), where they fail instead.
"""

from __future__ import annotations

import os
import shutil

import pytest

from enablement.extract.convert import COMMANDS, OFFICE_ENV


def _require() -> bool:
    return os.environ.get("ENABLEMENT_REQUIRE_LIBREOFFICE") == "1"


@pytest.fixture
def office(monkeypatch: pytest.MonkeyPatch) -> str:
    """The installed office renderer's command, made the one every library in this test uses."""
    found = next((shutil.which(name) for name in COMMANDS if shutil.which(name)), None)
    if found is None:
        message = "LibreOffice (soffice) is not installed: renditions cannot be drawn here"
        if _require():
            pytest.fail(message + " and ENABLEMENT_REQUIRE_LIBREOFFICE=1 makes it required")
        pytest.skip(message)
    monkeypatch.setenv(OFFICE_ENV, found)
    return found
