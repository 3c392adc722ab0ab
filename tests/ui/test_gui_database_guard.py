"""The guard every UI test runs under: ``ui`` code may reach the database only from a task."""

from __future__ import annotations

import pytest

from tests.ui.conftest import GuiDatabaseAccess
from ui.pages.piece_detail import load_piece_view


def test_ui_code_reading_the_database_on_the_gui_thread_fails_the_test(demo_ctx, gui_database_guard):
    piece_id = demo_ctx.library.pieces.list()[0].id  # the test's own read: no ui code in between
    assert gui_database_guard.violations == []
    with pytest.raises(GuiDatabaseAccess):
        load_piece_view(demo_ctx.library, piece_id)  # a widget calling a service directly
    assert len(gui_database_guard.violations) == 1 and "load_piece_view" in gui_database_guard.violations[0]
    gui_database_guard.violations.clear()  # seen: this test passes only because it expected it


def test_the_same_read_as_a_task_of_the_synchronous_runner_is_allowed(demo_ctx, gui_database_guard):
    piece_id = demo_ctx.library.pieces.list()[0].id
    got: list = []
    demo_ctx.runner.op(load_piece_view, demo_ctx.library, piece_id).success(got.append).read()
    assert got[0].detail.id == piece_id
    assert gui_database_guard.violations == []
