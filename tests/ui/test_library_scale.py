"""The library page with 10,000 pieces, built in memory: no library on disk, so this is about
the Qt side alone. The model passes qtmodeltester at that size, a sort/filter proxy over it
sorts by native values, the view scrolls to the end, and painting never touches the disk
(thumbnails come from a cache that a worker fills). Nothing here is timed: counting calls
shows the work stays bounded by what is on screen, not by the size of the library."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QImage

from enablement.models.dto import Actor, PieceSummary, Tag, TaxonomyInfo
from enablement.services.identity import LocalUser, UserContext
from ui.context import AppContext
from ui.models.piece_table_model import COL_TITLE, COL_USES, PieceRole
from ui.models.row_table_model import SortRole
from ui.pages.library_page import LibraryPage
from ui.tasks import TaskHandle, TaskRunner
from ui.widgets import piece_delegate
from ui.widgets.thumbnails import load_or_render_thumbnail

pytestmark = pytest.mark.ui

N = 10_000
TYPES = (("pdf", "Case Study"), ("docx", "FAQ"), ("pptx", "Deck"), ("pdf", "Whitepaper"))


def make_pieces(n: int = N) -> list[PieceSummary]:
    start = datetime(2026, 1, 1, 9)
    pieces = []
    for i in range(n):
        file_type, label = TYPES[i % len(TYPES)]
        tags = (Tag("stage", 1 + i % 7, f"Stage {1 + i % 7}"), Tag("gate", 100 + i % 18, f"Gate question {i % 18}?"),
                Tag("content_type", 200 + i % len(TYPES), label))
        pieces.append(PieceSummary(
            id=i + 1, title=f"{label} {i:05d}", kind="file", status="published", source="marketing",
            review_state="none", owner=f"Owner {i % 12}", review_by=date(2026, 6, 1) + timedelta(days=i % 400),
            stale=i % 10 == 0, file_type=file_type, page_count=1 + i % 30, outcome="ok", outcome_detail="",
            updated_at=start + timedelta(minutes=i), use_count=(i * 7919) % 500, tags=tags))
    return pieces


class NoLibrary:
    """Stands in for the library: any use of it on the GUI thread fails the test."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the view touched the library ({name}) on the GUI thread")


class RecordingRunner(TaskRunner):
    """Queues tasks without running them, so a test can see what a view asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[tuple] = []

    def _start(self, pool, fn, on_done, on_error, args, kwargs, progress):  # type: ignore[no-untyped-def]
        self.tasks.append((fn, on_done, on_error, args))
        return TaskHandle(None, threading.Event())

    def thumbnail_requests(self) -> list[tuple]:
        return [t for t in self.tasks if t[0] is load_or_render_thumbnail]


@pytest.fixture(scope="module")
def pieces() -> list[PieceSummary]:
    return make_pieces()


@pytest.fixture
def page(qtbot, pieces) -> LibraryPage:  # type: ignore[no-untyped-def]
    user = UserContext(NoLibrary(), Actor(1, "Scale Rep", "rep"), LocalUser("Scale Rep"))  # type: ignore[arg-type]
    app = AppContext(user, RecordingRunner(), TaxonomyInfo((), {}, ()))
    page = LibraryPage(app)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    qtbot.waitExposed(page)
    page.model.set_rows(pieces, {p.id: f"snippet of {p.title}" for p in pieces[:50]})
    return page


def test_the_big_model_passes_qtmodeltester(page, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    assert page.model.rowCount() == N
    qtmodeltester.check(page.model)


def test_sort_and_filter_through_a_proxy(page, pieces) -> None:  # type: ignore[no-untyped-def]
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(page.model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_USES, Qt.SortOrder.DescendingOrder)
    uses = [proxy.index(r, COL_USES).data(SortRole) for r in range(proxy.rowCount())]
    assert len(uses) == N and uses == sorted(uses, reverse=True) and isinstance(uses[0], int)

    proxy.setFilterKeyColumn(COL_TITLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterFixedString("whitepaper 09")
    expected = sorted((p for p in pieces if "whitepaper 09" in p.title.casefold()), key=lambda p: -p.use_count)
    shown = [proxy.index(r, 0).data(PieceRole) for r in range(proxy.rowCount())]
    assert 0 < len(shown) < N
    assert [p.use_count for p in shown] == [p.use_count for p in expected]
    assert {p.id for p in shown} == {p.id for p in expected}
    proxy.setFilterFixedString("")
    assert proxy.rowCount() == N


class CountingDelegate(piece_delegate.PieceDelegate):
    """The page's delegate, counting the rows it is asked to measure and paint."""

    def __init__(self, *args) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args)
        self.hints: list[int] = []
        self.paints: list[int] = []

    def sizeHint(self, option, index):  # type: ignore[no-untyped-def]
        self.hints.append(index.row())
        return super().sizeHint(option, index)

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        self.paints.append(index.row())
        super().paint(painter, option, index)


def test_scrolling_to_the_end_paints_only_what_is_on_screen(page) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    delegate = CountingDelegate(page.thumbnails, view)
    view.setItemDelegate(delegate)
    hints, paints = delegate.hints, delegate.paints
    page.app.runner.tasks.clear()  # what the first screen asked for (before this delegate counted) is not counted
    view.scrollToBottom()
    view.viewport().grab()  # paint now
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0
    last = page.model.index(N - 1, 0)
    assert view.viewport().rect().intersects(view.visualRect(last))
    visible = view.viewport().height() // piece_delegate.ROW_HEIGHT + 2
    assert paints and max(paints) == N - 1 and len(set(paints)) <= visible
    assert len(hints) < 50  # uniform item sizes: the view does not measure 10,000 rows
    # Thumbnails were asked for the rows painted, each once, never for the whole library.
    asked = page.app.runner.thumbnail_requests()
    assert 0 < len(asked) <= len(set(paints))
    assert len({t[3][1].id for t in asked}) == len(asked)


def test_paint_reads_thumbnails_from_the_cache_a_worker_fills(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    runner: RecordingRunner = page.app.runner
    page.view.viewport().grab()
    asked = runner.thumbnail_requests()
    assert asked, "the first PDF rows ask for their thumbnails"
    # Painting again asks for nothing new: a request is made once per piece.
    page.view.viewport().grab()
    assert len(runner.thumbnail_requests()) == len(asked)

    # A worker's result arrives (on the GUI thread, as the runner delivers it): cached, scaled once.
    _fn, on_done, _on_error, args = asked[0]
    piece = args[1]
    image = QImage(120, 160, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    with qtbot.waitSignal(page.thumbnails.ready) as ready:
        on_done(image)
    assert ready.args == [piece.id]
    cached = page.thumbnails.pixmap(piece)
    assert cached is not None
    size = cached.deviceIndependentSize()
    assert size.width() <= piece_delegate.THUMB.width() and size.height() <= piece_delegate.THUMB.height()
    page.view.viewport().grab()
    assert len(runner.thumbnail_requests()) == len(asked)

    # A failed render is logged, not shown, and the row keeps its file-type tile.
    _fn, _on_done, on_error, args = asked[-1]
    on_error(OSError("unreadable file"))
    assert page.thumbnails.pixmap(args[1]) is None
