"""Two workers drawing the same piece's thumbnail at once (the list's and the grid's caches
ask for it together) each write a temp file of their own: neither fails, the cached PNG is
whole, no temp file is left behind, and dropping the piece's thumbnails never takes a temp file."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtGui import QImage

from enablement.services.caches import drop_thumbnails
from tests.filemaker_docs import make_pdf
from ui.widgets import thumbnails
from ui.widgets.thumbnails import load_or_render_thumbnail, thumbnail_path


def test_two_workers_drawing_one_thumbnail_do_not_collide(make_app_ctx, monkeypatch, tmp_path: Path) -> None:
    ctx = make_app_ctx("marketing")
    path = make_pdf(tmp_path / "battlecard.pdf", ["Battlecard: why we win"])
    pid = ctx.library.importer.import_paths(ctx.actor, [path]).value.piece_ids[0]
    piece = ctx.library.pieces.summaries([pid])[0]
    folder = Path(ctx.library.ctx.paths.thumbnails)

    both_written = threading.Barrier(2, timeout=30)
    temp_names: list[str] = []
    save = QImage.save

    def save_then_wait(image: QImage, name: str, *args: object) -> bool:
        """Each worker writes its temp file, then waits until the other has written too
        (both renames come after both writes: the moment the two used to collide)."""
        saved = save(image, name, *args)
        temp_names.append(Path(name).name)
        assert drop_thumbnails(folder, [pid]) == 0  # a piece's change meanwhile leaves temp files alone
        both_written.wait()
        return saved
    monkeypatch.setattr(QImage, "save", save_then_wait)

    results: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(load_or_render_thumbnail(ctx.library, piece))
        except BaseException as exc:  # noqa: BLE001 - what the test looks for
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 2
    assert all(isinstance(r, QImage) and r.width() == thumbnails.THUMB_WIDTH for r in results)
    assert len(set(temp_names)) == 2  # one temp file each
    target = thumbnail_path(folder, piece)
    assert sorted(p.name for p in folder.iterdir()) == [target.name]  # no temp file left
    assert not QImage(str(target)).isNull()
