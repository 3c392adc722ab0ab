"""Every Qt model of the app passes qtmodeltester, filled with real library data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt

from enablement.models.dto import FileOutcome
from ui.models.import_outcome_model import ImportOutcomeTableModel
from ui.models.piece_table_model import COL_USES, PieceIdRole, PieceRole, PieceTableModel, SortRole
from ui.models.submission_table_model import SubmissionTableModel
from ui.models.version_table_model import VersionTableModel


def test_piece_table_model(qtmodeltester, demo_ctx):
    pieces = demo_ctx.library.pieces.list()
    model = PieceTableModel()
    model.set_pieces(pieces[:20], {pieces[0].id: "a <b>snippet</b>"})
    qtmodeltester.check(model)
    model.append_pieces(pieces[15:])
    qtmodeltester.check(model)
    assert model.rowCount() == len(pieces)
    assert model.index(0, 0).data(PieceRole) == pieces[0]
    assert model.index(1, 0).data(PieceIdRole) == pieces[1].id
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_USES, Qt.SortOrder.DescendingOrder)
    uses = [proxy.index(r, COL_USES).data(SortRole) for r in range(proxy.rowCount())]
    assert uses == sorted(uses, reverse=True) and isinstance(uses[0], int)


def test_version_table_model(qtmodeltester, demo_ctx):
    piece = next(p for p in demo_ctx.library.pieces.list() if p.kind != "link")
    detail = demo_ctx.library.pieces.get(piece.id)
    model = VersionTableModel()
    model.set_versions(detail.versions, detail.current_version_id)
    qtmodeltester.check(model)
    assert "(current)" in model.index(0, 0).data()


def test_import_outcome_model(qtmodeltester):
    model = ImportOutcomeTableModel()
    model.set_outcomes([FileOutcome("/x/a.pdf", "ok", piece_id=1, pages=2),
                        FileOutcome("/x/b.pdf", "failed", "damaged PDF"),
                        FileOutcome("/x/c.pdf", "duplicate", "already there", duplicate_of="Security whitepaper"),
                        FileOutcome("/x/d.exe", "rejected", "executable program")])
    qtmodeltester.check(model)
    assert model.index(2, 1).data() == "duplicate of Security whitepaper"
    assert Path(model.index(0, 0).data()).name == "a.pdf"


def test_submission_model(qtmodeltester, demo_ctx):
    details = [demo_ctx.library.pieces.get(p.id) for p in demo_ctx.library.pieces.list()[:3]]
    model = SubmissionTableModel()
    model.set_details(details)
    qtmodeltester.check(model)
