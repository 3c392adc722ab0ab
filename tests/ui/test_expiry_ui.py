"""Expiry in the app: marketing sets the date in the editor; opening the app archives what has
expired (or the piece says EXPIRED when the library flags instead)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate

from tests.conftest import make_ready
from tests.ui.pages_support import actor
from ui import flows


def test_the_editor_sets_an_expiry_date_and_opening_the_app_archives_it(make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = make_ready(lib, ctx.actor, lib.importer.add_link(ctx.actor, "https://example.com/o", "Spring offer").value)
    lib.pieces.publish(ctx.actor, pid)
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert not detail.editor.has_expiry.isChecked() and not detail.editor.expires_on.isEnabled()
    detail.editor.has_expiry.setChecked(True)
    detail.editor.expires_on.setDate(QDate(2030, 3, 31))
    detail.editor.save_button.click()
    assert lib.pieces.get(pid).summary.expires_on == date(2030, 3, 31)
    qtbot.waitUntil(lambda: "expires 31 Mar 2030" in detail.trust.text())
    detail.close()

    lib.pieces.update(ctx.actor, pid, expires_on=lib.ctx.today() - timedelta(days=1))
    again = make_window(ctx)  # opening the app
    assert lib.pieces.get(pid).summary.status == "archived"
    assert again.statusBar().currentMessage() == "Archived 1 expired piece."


def test_a_flagged_piece_says_expired_and_a_rep_opening_the_app_archives_nothing(make_app_ctx, make_window, qtbot):
    marketing = make_app_ctx("marketing")
    lib = marketing.library
    pid = make_ready(lib, marketing.actor,
                     lib.importer.add_link(marketing.actor, "https://example.com/f", "Old offer").value)
    lib.pieces.update(marketing.actor, pid, expires_on=lib.ctx.today())
    lib.pieces.publish(marketing.actor, pid)
    rep = make_app_ctx("rep", library=lib)
    make_window(rep)
    assert lib.pieces.get(pid).summary.status == "published"  # a rep may not archive
    lib.settings.set_expiry_action(actor(lib, "admin"), "flag")
    window = make_window(marketing)
    assert lib.pieces.get(pid).summary.status == "published"
    detail = flows.open_piece(window, marketing, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert "EXPIRED" in detail.trust.text()
