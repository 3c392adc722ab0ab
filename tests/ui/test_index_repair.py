"""The window repairs a stale or missing search index in the background at start."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.ui


def test_a_deleted_index_is_rebuilt_when_the_window_opens(demo_ctx, make_window):
    ctx = demo_ctx(role="rep") if callable(demo_ctx) else demo_ctx
    index = ctx.library.ctx.index
    index.close()
    shutil.rmtree(ctx.library.ctx.paths.index)
    make_window(ctx)
    assert index.repaired > 0
    outcome = ctx.library.search.search(ctx.actor, "security")
    assert outcome.results.total > 0
