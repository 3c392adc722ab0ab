"""Usage events, kits (with the merged PDF export) and content requests."""

from __future__ import annotations

import uuid
import zipfile
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from enablement.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from enablement.models.tables import UsageEvent
from enablement.models.dto import TagSelection, UseRecord
from enablement.services.library import Library
from enablement.storage.engine import read_session
from tests.conftest import make_ready
from tests.filemaker_docs import make_docx, make_pdf


def events(library: Library) -> int:
    with read_session(library.ctx.engine) as s:
        return s.exec(select(func.count()).select_from(UsageEvent)).one()


@pytest.fixture
def pieces(library: Library, actors, tmp_path) -> dict[str, int]:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "security-whitepaper.pdf", ["Security review answers", "SOC 2 and encryption"],
             title="Security Whitepaper")
    make_pdf(folder / "case-study.pdf", ["Harbor Mutual case study"], title="Harbor Mutual Case Study")
    make_docx(folder / "faq.docx", ["Questionnaire answers"], title="Security FAQ")
    out = library.importer.import_paths(actors["marketing"], [folder]).value
    ids = {p.title: p.id for p in library.pieces.list()}
    for pid in ids.values():
        library.pieces.publish(actors["marketing"], make_ready(library, actors["marketing"], pid))
    return ids


def test_recording_the_same_event_twice_stores_it_once(library: Library, actors, pieces):
    pid = pieces["Security Whitepaper"]
    tax = library.taxonomy.get()
    gate = tax.stages[2].gates[2]
    use = UseRecord(kind="used_in_call", piece_id=pid, account="Harbor Mutual", deal_stage_id=gate.stage_id,
                    gate_id=gate.id)
    assert library.usage.record(actors["rep"], use).value is True
    assert library.usage.record(actors["rep"], use).value is False
    assert events(library) == 1
    fb = UseRecord(kind="feedback", piece_id=pid, helpful=True, comment="CISO loved it")
    library.usage.record(actors["rep"], fb)
    stats = library.usage.piece_stats(pid)
    assert stats["by_kind"] == {"used_in_call": 1, "feedback": 1}
    assert (stats["users"], stats["helpful_yes"], stats["helpful_no"]) == (1, 1, 0)
    assert library.pieces.get(pid).summary.use_count == 1  # feedback is not a use
    history = library.usage.history(pid)
    assert [h["kind"] for h in history] == ["feedback", "used_in_call"] or len(history) == 2


def test_bad_usage_is_refused_clearly(library: Library, actors, pieces):
    with pytest.raises(InvalidInput, match="Unknown use"):
        library.usage.record(actors["rep"], UseRecord(kind="liked", piece_id=pieces["Security FAQ"]))
    with pytest.raises(InvalidInput, match="UUID"):
        library.usage.record(actors["rep"], UseRecord(kind="opened", piece_id=pieces["Security FAQ"], id="x"))
    with pytest.raises(InvalidInput, match="did it help"):
        library.usage.record(actors["rep"], UseRecord(kind="feedback", piece_id=pieces["Security FAQ"]))
    with pytest.raises(NotFound):
        library.usage.record(actors["rep"], UseRecord(kind="opened", piece_id=9999))
    assert events(library) == 0


def test_no_code_path_updates_or_deletes_usage_events():
    """Append-only: the only statements touching usage_events in the code are inserts and reads."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent / "enablement"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text()
        if re.search(r"(update|delete)\s*\(\s*UsageEvent|UPDATE\s+usage_events|DELETE\s+FROM\s+usage_events",
                     text, re.IGNORECASE):
            offenders.append(str(path))
    assert offenders == []


def test_kit_build_export_merged_pdf_and_usage(library: Library, actors, pieces, tmp_path):
    rep = actors["rep"]
    kit = library.kits.create(rep, "Harbor Mutual / security call", account="Harbor Mutual").value
    for title in ("Security Whitepaper", "Harbor Mutual Case Study", "Security FAQ"):
        library.kits.add(rep, kit, pieces[title])
    with pytest.raises(Conflict, match="already in"):
        library.kits.add(rep, kit, pieces["Security FAQ"])
    library.kits.reorder(rep, kit, [pieces["Harbor Mutual Case Study"], pieces["Security Whitepaper"],
                                    pieces["Security FAQ"]])
    library.kits.annotate(rep, kit, pieces["Security FAQ"], "Send after the call")
    with pytest.raises(PermissionDenied):
        library.kits.add(actors["rep2"], kit, pieces["Security FAQ"])
    before = events(library)
    result = library.kits.export(rep, kit, tmp_path / "out", as_zip=True).value
    names = sorted(p.name for p in result.files)
    assert names == ["01 Harbor Mutual Case Study.pdf", "02 Security Whitepaper.pdf", "03 Security FAQ.docx"]
    reader = PdfReader(result.merged_pdf)
    assert result.merged_pages == len(reader.pages) == 1 + 1 + 2
    cover = reader.pages[0].extract_text()
    assert "Harbor Mutual / security call" in cover and "Harbor Mutual" in cover and "Security FAQ" in cover
    # The cover: the account, the buyer questions covered (with the pieces answering each), and
    # each piece with a short summary (the opening of its text here: none has a description).
    assert cover.startswith("PREPARED FOR\nHarbor Mutual\nHarbor Mutual / security call\n3 pieces · ")
    assert "prepared by Rita Rep" in cover
    first_gate = library.taxonomy.get().stages[0].gates[0].question
    assert f"Buyer questions this kit answers\nAwareness\n{first_gate}\npieces 1, 2, 3\nIn this kit" in cover
    assert "1\nHarbor Mutual Case Study\nPDF · 1 page\nHarbor Mutual case study" in cover
    assert "Why it is here: Send after the call" in cover
    assert "Harbor Mutual case study" in reader.pages[1].extract_text()
    assert "SOC 2" in reader.pages[3].extract_text()
    with zipfile.ZipFile(result.zip_path) as zf:
        assert len(zf.namelist()) == 4
    assert events(library) == before + 3
    assert library.pieces.get(pieces["Security FAQ"]).summary.use_count == 1


def test_kit_warns_about_new_versions_and_stale_pieces(library: Library, actors, pieces, tmp_path):
    rep, mk = actors["rep"], actors["marketing"]
    kit = library.kits.create(rep, "Renewal").value
    library.kits.add(rep, kit, pieces["Harbor Mutual Case Study"])
    make_pdf(tmp_path / "v2.pdf", ["Harbor Mutual case study, 2026 update"])
    library.importer.new_version(mk, pieces["Harbor Mutual Case Study"], tmp_path / "v2.pdf")
    library.pieces.update(mk, pieces["Harbor Mutual Case Study"], review_by=datetime(2020, 1, 1).date())
    warnings = library.kits.get(rep, kit).warnings
    assert any("new version" in w for w in warnings) and any("review date" in w for w in warnings)
    library.kits.refresh_item(rep, kit, pieces["Harbor Mutual Case Study"])
    assert not any("new version" in w for w in library.kits.get(rep, kit).warnings)


def test_empty_kit_cannot_be_exported_and_names_are_safe(library: Library, actors, pieces, tmp_path):
    rep = actors["rep"]
    kit = library.kits.create(rep, "../../etc/passwd\u202e CON").value
    with pytest.raises(InvalidInput, match="empty"):
        library.kits.export(rep, kit, tmp_path / "out")
    library.kits.add(rep, kit, pieces["Security FAQ"])
    result = library.kits.export(rep, kit, tmp_path / "out").value
    assert result.folder.parent == tmp_path / "out"
    assert "\u202e" not in result.folder.name and "/" not in result.folder.name


def test_kits_delete_with_their_items_but_an_exported_kit_stays(library: Library, actors, pieces, tmp_path):
    rep = actors["rep"]
    kit = library.kits.create(rep, "Renewal call").value
    library.kits.add(rep, kit, pieces["Security FAQ"])
    library.kits.delete(rep, kit)  # items go first: no foreign-key error
    assert library.kits.list(rep) == []
    exported = library.kits.create(rep, "Security review").value
    library.kits.add(rep, exported, pieces["Security FAQ"])
    library.kits.export(rep, exported, tmp_path / "out")
    with pytest.raises(Conflict, match="was exported and its uses are on record"):
        library.kits.delete(rep, exported)
    assert [k.id for k in library.kits.list(rep)] == [exported]


def test_request_life_cycle(library: Library, actors, pieces):
    rep, mk = actors["rep"], actors["marketing"]
    tax = library.taxonomy.get()
    gate = next(g for s in tax.stages for g in s.gates if g.key == "advocate")
    persona = tax.facets["persona"][0]
    rid = library.requests.create(rep, "Reference video", "Buyer wants a peer", gate_id=gate.id,
                                  persona_id=persona.id, account="Calder").value
    other = library.requests.create(actors["rep2"], "Nonprofit pricing").value
    with pytest.raises(PermissionDenied):
        library.requests.fulfil(rep, rid, pieces["Security FAQ"])
    assert [r.id for r in library.requests.list(rep)] == [rid]  # a rep sees their own
    assert {r.id for r in library.requests.list(mk)} == {rid, other}
    info = library.requests.get(rid)
    assert (info.stage_id, info.gate, info.persona) == (gate.stage_id, gate.question, persona.label)
    library.requests.start(mk, rid)
    library.requests.fulfil(mk, rid, pieces["Harbor Mutual Case Study"])
    done = library.requests.get(rid)
    assert done.status == "fulfilled" and done.piece_title == "Harbor Mutual Case Study"
    assert done.resolved_by == "Maya Marketing"
    with pytest.raises(Conflict, match="already fulfilled"):
        library.requests.decline(mk, rid, "no")
    with pytest.raises(InvalidInput, match="Say why"):
        library.requests.decline(mk, other, "")
    library.requests.decline(mk, other, "Not offered")
    assert library.requests.get(other).decline_reason == "Not offered"
    with pytest.raises(InvalidInput):
        library.requests.create(rep, "  ")


def test_a_one_piece_kit_cover_says_1_piece_and_the_description(library: Library, actors, pieces, tmp_path):
    rep, mk = actors["rep"], actors["marketing"]
    library.pieces.update(mk, pieces["Security Whitepaper"],
                          description="How we protect customer data: SOC 2 Type II, encryption at rest and in "
                                      "transit, access reviews, and the evidence a security team can ask for. " * 3)
    kit = library.kits.create(rep, "Security review").value
    library.kits.add(rep, kit, pieces["Security Whitepaper"])
    result = library.kits.export(rep, kit, tmp_path / "out").value
    cover = PdfReader(result.merged_pdf).pages[0].extract_text()
    assert cover.startswith("CALL KIT\nSecurity review\n1 piece · ")
    summary = cover.split("PDF · 2 pages\n", 1)[1].replace("\n", " ")
    assert summary.startswith("How we protect customer data: SOC 2 Type II") and "…" in summary
    assert len(summary) < 300  # a short summary, not the description thrice
