"""The review queue's "tag and publish": marketing tags a rep-made piece (stage, gate), sets
its owner and review date and publishes it in one step; the library's required fields are
shown as they are filled and the button waits for them; the step can be undone."""

from __future__ import annotations

from pathlib import Path

from ui.dialogs.review_dialogs import ReviewQueueDialog


def test_marketing_tags_and_publishes_a_rep_made_piece_in_one_step(demo_ctx, qtbot, tmp_path: Path) -> None:
    rep = demo_ctx
    lib = rep.library
    path = tmp_path / "my-battlecard.txt"
    path.write_text("How we win against the incumbent: faster onboarding, a clear price and a named contact.")
    pid = lib.importer.import_paths(rep.actor, [path], source="rep").value.piece_ids[0]

    marketing = rep("marketing")
    queue = ReviewQueueDialog(marketing)
    qtbot.addWidget(queue)
    queue.show()
    qtbot.waitUntil(lambda: queue.model.row_of(pid) >= 0)
    row = queue.model.row_of(pid)
    queue.view.selectRow(queue.view.model().mapFromSource(queue.model.index(row, 0)).row())
    panel = queue.panel
    assert panel.piece_id == pid and panel.isEnabled()
    # a review date is offered; stage, gate and owner are not there yet, and the step waits for them
    assert panel.needed.text().startswith("Before it can be published it needs: stage, gate and owner.")
    assert "This library requires stage, gate, owner and review date" in panel.needed.text()
    assert not panel.publish_button.isEnabled()

    stage = lib.ctx.taxonomy().stages[2]
    gate = stage.gates[0]
    panel.tags.check("gate", gate.id)  # ticking a gate ticks its stage
    assert panel.needed.text().startswith("Before it can be published it needs: owner.")
    panel.owner.setText("Priya Product Marketing")
    assert panel.needed.text() == "Ready: it has stage, gate, owner and review date."
    assert panel.publish_button.isEnabled()
    review_by = panel.arguments()["review_by"]

    panel.publish_button.click()
    qtbot.waitUntil(lambda: lib.pieces.get(pid).summary.status == "published")
    after = lib.pieces.get(pid).summary
    assert after.review_state == "published" and after.owner == "Priya Product Marketing"
    assert after.ids("stage") == (stage.id,) and after.ids("gate") == (gate.id,) and after.review_by == review_by
    qtbot.waitUntil(lambda: queue.model.row_of(pid) == -1)  # it left the queue

    marketing.undo.undo()  # one step, undone as one: a draft waiting for review again, untagged
    qtbot.waitUntil(lambda: lib.pieces.get(pid).summary.status == "draft")
    back = lib.pieces.get(pid).summary
    assert back.review_state == "pending" and back.owner == "" and back.ids("gate") == ()
