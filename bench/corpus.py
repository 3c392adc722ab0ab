"""A deterministic corpus of realistic sales collateral.

Words follow a Zipf-like law over a ~20,000-word vocabulary: English function words at the
top, then business vocabulary, then a long tail of product, company and jargon words; sentences
carry business phrases ("total cost of ownership", "security review") so phrase queries mean
something. Each piece gets a title from its content type, a description, ~1,000 words of body
(log-normal lengths, 150–6,000), stages, gates and facets, a status, an owner and dates.

Two ways to use it:
- ``build_library(root, n)``: a library of ``n`` pieces inserted directly as rows with stored
  text (no blobs, no parsing) — the search, reindex, report and app benchmarks start from it;
- ``write_files(folder, n)``: real PDF (≈40%, reportlab), DOCX (30%) and PPTX (30%) files for
  the import benchmark.

Everything is a function of (seed, piece number): the first 1,000 pieces of the 10,000-piece
library are the 1,000-piece library.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterator

CORPUS_VERSION = 3
BASE_DAY = datetime(2026, 6, 30, 12, 0, 0)   # "now" of the corpus; dates spread over 3 years before it

FUNCTION_WORDS = """the of and to a in for is on that with by this as are be it from at or your we our
can an will you their more not have which all has its they was into how than also when these
each but other most up what them one out new about so who only over use such time may both
where while through across every without between within per very any those""".split()

BUSINESS_WORDS = """customer customers team teams platform data security revenue cost costs pricing
price value sales pipeline deal deals buyer buyers process processes workflow workflows analytics
report reports dashboard integration integrations mobile cloud deployment implementation onboarding
renewal expansion risk compliance review audit policy policies contract contracts procurement legal
budget investment return payback savings efficiency productivity growth market markets competitor
competitors competitive advantage differentiation strategy roadmap feature features capability
capabilities module modules api apis user users admin administrators access permissions role roles
identity authentication encryption backup recovery availability uptime performance scale scalability
support service services success adoption training enablement content collateral campaign campaigns
lead leads account accounts opportunity opportunities forecast quota territory partner partners channel
channels reseller vendor vendors supplier suppliers solution solutions architecture infrastructure
network storage database migration upgrade release version versions license licenses subscription
subscriptions tier tiers plan plans package packages discount discounts quote quotes invoice invoices
billing payment payments finance financial operations operational manager managers director directors
executive executives board stakeholder stakeholders champion champions sponsor sponsors evaluation
pilot proof concept trial demo demos requirement requirements criteria checklist questionnaire
assessment benchmark benchmarks metric metrics kpi kpis outcome outcomes result results impact
benefit benefits challenge challenges problem problems pain pains need needs priority priorities
initiative initiatives project projects program programs rollout timeline milestone milestones phase
phases week weeks month months quarter quarters year years industry industries healthcare retail
manufacturing banking insurance government public sector technology education logistics hospital
clinic patients patient claims underwriting inventory supply chain warehouse store stores shopper
shoppers plant plants factory quality maintenance downtime throughput regulatory regulation
regulations gdpr hipaa soc iso certification certified privacy residency region regions europe
germany france spain global local language languages translation support sla incident incidents
response escalation ticket tickets help desk knowledge base article articles guide guides playbook
playbooks template templates email emails call calls meeting meetings agenda slide slides deck decks
datasheet datasheets whitepaper whitepapers case study studies story stories reference references
testimonial testimonials webinar webinars video videos calculator calculators spreadsheet model
models comparison comparisons matrix overview summary brief one pager faq questions answers objection
objections handling battlecard battlecards messaging positioning persona personas segment segments
enterprise midmarket smb small medium large organization organizations company companies business
businesses department departments function functions hr it finance marketing legal engineering
product products roadmap launch launches announcement announcements update updates change changes
manual automated automation automate real time visibility insight insights decision decisions faster
better lower higher reduce reduced reduces increase increased increases improve improved improves
accelerate accelerates simplify simplifies consolidate consolidates replace replaces secure secures
protect protects comply complies measure measures track tracks manage manages deliver delivers
support supports connect connects scale scales save saves spend spends approve approves sign signs
renew renews expand expands switch switching alternative alternatives hidden total ownership
operating expense capital headcount hours minutes days seconds percent million thousand hundred
first second third next last key critical essential proven trusted leading modern legacy existing
current future typical average median annual monthly weekly daily quarterly""".split()

PHRASES = [
    "return on investment", "total cost of ownership", "security review", "single sign-on",
    "customer success", "data residency", "proof of concept", "time to value", "supply chain",
    "net revenue retention", "service level agreement", "data protection", "business case",
    "risk of switching", "executive sponsor", "quarterly business review", "help desk",
    "change management", "role based access", "audit trail", "real time visibility",
    "case study", "reference customer", "security questionnaire", "implementation plan",
    "mobile app", "operating expense", "procurement process", "legal review", "price increase",
    "multi year contract", "go live", "end users", "pilot program", "success plan",
    "integration partners", "open api", "data warehouse", "patient records", "claims processing",
    "store operations", "plant maintenance", "public sector", "financial services",
    "cost savings", "hidden cost", "manual operations", "competitive landscape", "win rate",
]

PRODUCTS = ["Flow Platform", "Flow Analytics", "Flow Integrations", "Flow Mobile"]
COMPETITORS = ["BrightGrid", "Kitestring", "Tessellate Ops", "Northwind Suite", "Corvane", "Helix Desk"]
COMPANIES = ["Harbor Mutual", "Calder Precision", "Fernway Grocers", "St Aldric Health", "Marrow County",
             "Bluefin Logistics", "Quarry Lane Bank", "Oakridge Foods", "Vela Robotics", "Northgate Clinic",
             "Alder & Finch", "Redmoor Energy", "Castellan Retail", "Juniper Freight", "Solace Insurance"]
TOPICS = ["security review", "ROI", "pricing", "onboarding", "migration", "data residency", "renewal",
          "integrations", "mobile rollout", "procurement", "total cost of ownership", "compliance",
          "analytics adoption", "executive alignment", "pilot", "support", "expansion"]
OWNERS = ["Priya Shah", "Tom Becker", "Lena Okafor", "Marco Silva", "Hannah Lee", "Dev Patel", "Ines Moreau",
          "Jonas Berg", "Aiko Tanaka", "Sara Novak", "Omar Haddad", "Julia Costa", "Felix Wagner",
          "Grace Kim", "Nadia Rossi", "Ben Carter", "Maya Cohen", "Luis Ortega", "Chloe Martin",
          "Kwame Mensah", "Elena Petrova", "Ravi Iyer", "Zoe Turner", "Sam Rivera", ""]
SYLLABLES = ["ka", "lo", "ven", "tri", "mar", "sol", "dex", "qui", "ber", "nal", "cor", "fen", "gra",
             "hul", "ix", "jun", "kel", "lum", "mor", "nex", "opt", "pra", "rel", "sta", "tor", "ul",
             "vor", "wil", "xen", "yar", "zen", "ta", "ri", "on", "el", "ar"]
VOCAB_SIZE = 20_000
ZIPF_S = 1.07


@lru_cache(maxsize=1)
def vocabulary() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(words by rank, cumulative Zipf weights)."""
    words: list[str] = []
    seen: set[str] = set()
    for w in FUNCTION_WORDS + BUSINESS_WORDS:
        if w not in seen:
            seen.add(w)
            words.append(w)
    rng = random.Random(7)
    while len(words) < VOCAB_SIZE:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if w not in seen and len(w) >= 4:
            seen.add(w)
            words.append(w)
    weights = [1.0 / (rank + 2.7) ** ZIPF_S for rank in range(len(words))]
    return tuple(words), tuple(itertools.accumulate(weights))


@dataclass(frozen=True)
class Taxo:
    """Taxonomy ids and keys of a library, as the generator needs them."""

    stages: tuple[tuple[int, str, tuple[tuple[int, str], ...]], ...]   # (id, key, ((gate id, key), ...))
    facets: dict[str, tuple[tuple[int, str, str], ...]]                 # facet → ((id, key, label), ...)

    @classmethod
    def from_info(cls, info) -> "Taxo":  # type: ignore[no-untyped-def]
        stages = tuple((s.id, s.key, tuple((g.id, g.key) for g in s.gates if not g.retired))
                       for s in info.stages if not s.retired)
        facets = {f: tuple((v.id, v.key, v.label) for v in vs if not v.retired) for f, vs in info.facets.items()}
        return cls(stages, facets)


@dataclass(frozen=True)
class PieceSpec:
    number: int
    title: str
    description: str
    body: str
    words: int
    stage_ids: tuple[int, ...]
    gate_ids: tuple[int, ...]
    facet_ids: tuple[int, ...]
    status: str
    owner: str
    file_type: str
    pages: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    review_by: date | None
    source: str


def _sentences(rng: random.Random, n_words: int, product: str, topic_phrases: list[str]) -> str:
    words, cum = vocabulary()
    tokens = rng.choices(words, cum_weights=cum, k=n_words)
    out: list[str] = []
    para: list[str] = []
    i = 0
    while i < len(tokens):
        length = rng.randint(8, 22)
        sentence = tokens[i:i + length]
        i += length
        roll = rng.random()
        if roll < 0.35:
            sentence.insert(rng.randrange(len(sentence) + 1), rng.choice(topic_phrases))
        elif roll < 0.50:
            sentence.insert(rng.randrange(len(sentence) + 1), rng.choice(PHRASES))
        elif roll < 0.58:
            sentence.insert(rng.randrange(len(sentence) + 1), product)
        text = " ".join(sentence)
        para.append(text[:1].upper() + text[1:] + ".")
        if len(para) >= rng.randint(3, 7):
            out.append(" ".join(para))
            para = []
    if para:
        out.append(" ".join(para))
    return "\n\n".join(out)


def _title(rng: random.Random, ctype: str, product: str, industry: str) -> str:
    company = rng.choice(COMPANIES)
    topic = rng.choice(TOPICS)
    templates = {
        "Datasheet": [f"{product} datasheet", f"{product} {topic} datasheet"],
        "Case Study": [f"Case study: {company} cuts {topic} time with {product}",
                       f"{company} customer story: {topic}"],
        "Deck": [f"{product} overview for {industry}", f"{_cap(topic)} pitch deck — {industry}"],
        "Battlecard": [f"Battlecard: {product} vs {rng.choice(COMPETITORS)}"],
        "ROI Calculator": [f"{product} ROI calculator for {industry}", f"{_cap(topic)} payback model"],
        "Whitepaper": [f"Whitepaper: the hidden cost of {topic} in {industry}", f"{_cap(topic)} in {industry}"],
        "Email Template": [f"Email template: {topic} follow-up", f"{_cap(topic)} email for {industry} buyers"],
        "One-pager": [f"{product} one-pager: {topic}", f"{_cap(topic)} at a glance"],
        "Guide": [f"{_cap(topic)} guide for {industry}", f"{product} {topic} guide"],
        "Video Link": [f"Video: {product} {topic} walkthrough"],
        "FAQ": [f"{_cap(topic)} FAQ", f"{product} {topic} questions answered"],
    }
    choices = templates.get(ctype, [f"{product} {topic}"])
    title = rng.choice(choices)
    if rng.random() < 0.3:
        title += f" ({rng.choice(['2024', '2025', '2026', 'v2', 'v3', 'EMEA', 'NA', 'APAC'])})"
    return title


def piece_spec(number: int, taxo: Taxo, seed: int) -> PieceSpec:
    """Piece ``number`` of the corpus (deterministic in seed and number only)."""
    rng = random.Random(seed * 1_000_003 + number)
    ctypes = taxo.facets.get("content_type", ())
    ctype = ctypes[rng.randrange(len(ctypes))] if ctypes else (0, "", "Guide")
    products = taxo.facets.get("product", ())
    product_value = rng.choice(products) if products else (0, "", "Platform")
    product = f"Flow {product_value[2]}"
    industries = taxo.facets.get("industry", ())
    industry_value = rng.choice(industries) if industries and rng.random() < 0.7 else None
    industry = industry_value[2] if industry_value else "every industry"
    personas = taxo.facets.get("persona", ())
    persona_values = rng.sample(personas, k=min(len(personas), rng.choice((1, 1, 2, 3)))) if personas else []
    languages = taxo.facets.get("language", ())
    language = languages[0] if languages and rng.random() < 0.88 else (rng.choice(languages) if languages else None)

    # Stages: 1-2 adjacent stages, biased to the middle of the journey; gates of those stages.
    stage_weights = [3, 5, 6, 5, 3, 2, 2][:len(taxo.stages)] or [1]
    first = rng.choices(range(len(taxo.stages)), weights=stage_weights)[0] if taxo.stages else None
    stage_idx = [first] if first is not None else []
    if first is not None and first + 1 < len(taxo.stages) and rng.random() < 0.3:
        stage_idx.append(first + 1)
    stage_ids = tuple(taxo.stages[i][0] for i in stage_idx)
    gate_ids: list[int] = []
    for i in stage_idx:
        gates = taxo.stages[i][2]
        if gates and rng.random() < 0.75:
            gate_ids.extend(g for g, _ in rng.sample(gates, k=rng.choice((1, 1, 2)) if len(gates) > 1 else 1))

    topic_phrases = [t.lower() for t in rng.sample(TOPICS, 3)] + [industry.lower()]
    n_words = int(min(6000, max(150, rng.lognormvariate(6.75, 0.55))))
    body = _sentences(rng, n_words, product, topic_phrases)
    title = _title(rng, ctype[2], product, industry)
    description = (f"{ctype[2]} for {', '.join(p[2] for p in persona_values) or 'every buyer'} in {industry}: "
                   f"{topic_phrases[0]} and {topic_phrases[1]} with {product}.")
    facet_ids = tuple(v[0] for v in [ctype, product_value, industry_value, language, *persona_values] if v)

    roll = rng.random()
    status = "published" if roll < 0.85 else ("draft" if roll < 0.95 else "archived")
    created = BASE_DAY - timedelta(days=rng.uniform(0, 3 * 365))
    updated = created + timedelta(days=rng.uniform(0, max(0.0, (BASE_DAY - created).days)))
    published = created + timedelta(days=rng.uniform(0, 14)) if status != "draft" else None
    review_by = (updated + timedelta(days=rng.choice((90, 180, 365)))).date() if status == "published" else None
    file_type = rng.choices(("pdf", "docx", "pptx"), weights=(4, 3, 3))[0]
    words_per_page = {"pdf": 380, "docx": 420, "pptx": 70}[file_type]
    return PieceSpec(
        number=number, title=title, description=description, body=body, words=n_words,
        stage_ids=stage_ids, gate_ids=tuple(dict.fromkeys(gate_ids)), facet_ids=tuple(dict.fromkeys(facet_ids)),
        status=status, owner=rng.choice(OWNERS), file_type=file_type,
        pages=max(1, n_words // words_per_page), created_at=created.replace(microsecond=0),
        updated_at=updated.replace(microsecond=0), published_at=published.replace(microsecond=0) if published else None,
        review_by=review_by, source="rep" if rng.random() < 0.06 else "marketing")


# --- libraries ---------------------------------------------------------------------------------

BENCH_USERS = [("Ada Admin", "admin", "Ops"), ("Maya Marketing", "marketing", "Marketing"),
               ("Morgan Manager", "manager", "Sales"), ("Rita Rep", "rep", "East")]


def library_marker(root: Path) -> dict:
    try:
        return json.loads((root / "bench-corpus.json").read_text())
    except (OSError, ValueError):
        return {}


def build_library(root: Path, n: int, seed: int, *, progress=None, database_url: str | None = None,  # type: ignore[no-untyped-def]
                  with_text: bool = True) -> dict:
    """Create a library at ``root`` with ``n`` generated pieces inserted as rows (no index yet).

    Returns what was built (pieces, words, text bytes, seconds). Reuses an existing library with
    the same (n, seed, corpus version) when ``database_url`` is None.
    """
    from enablement.config import Settings
    from enablement.services.library import Library

    want = {"pieces": n, "seed": seed, "version": CORPUS_VERSION, "with_text": with_text}
    marker = library_marker(root)
    if database_url is None and all(marker.get(k) == v for k, v in want.items()):
        return marker
    if database_url is None and root.exists():
        import shutil

        shutil.rmtree(root)
    started = time.perf_counter()
    library = Library.open(root, settings=Settings(workers=2), database_url=database_url, with_index=False)
    try:
        ensure_users(library)
        taxo = Taxo.from_info(library.ctx.taxonomy())
        stats = insert_pieces(library.ctx.engine, taxo, n, seed, progress=progress, with_text=with_text)
    finally:
        library.close()
    stats.update(want)
    stats["build_seconds"] = round(time.perf_counter() - started, 2)
    if database_url is None:
        (root / "bench-corpus.json").write_text(json.dumps(stats))
    return stats


def ensure_users(library) -> None:  # type: ignore[no-untyped-def]
    if library.users.find(BENCH_USERS[0][0]) is None:
        library.users.create(None, *BENCH_USERS[0])
    admin = library.users.actor(BENCH_USERS[0][0])
    for name, role, team in BENCH_USERS[1:]:
        if library.users.find(name) is None:
            library.users.create(admin, name, role, team)


def insert_pieces(engine, taxo: Taxo, n: int, seed: int, *, progress=None, with_text: bool = True,  # type: ignore[no-untyped-def]
                  start: int = 0) -> dict:
    """Bulk-insert pieces ``start .. start+n-1`` (ids = number + 1) with versions and tags."""
    from enablement.models.tables import Piece, PieceFacet, PieceGate, PieceStage, PieceVersion

    pieces_t, versions_t = Piece.__table__, PieceVersion.__table__
    words = text_bytes = 0
    batch = 1000
    with engine.begin() as conn:
        for lo in range(start, start + n, batch):
            specs = [piece_spec(i, taxo, seed) for i in range(lo, min(lo + batch, start + n))]
            prow, vrow, srow, grow, frow = [], [], [], [], []
            for sp in specs:
                pid = sp.number + 1
                prow.append(dict(id=pid, title=sp.title, description=sp.description, kind="file", url="",
                                 status=sp.status, source=sp.source,
                                 review_state="none" if sp.source == "marketing" else "published",
                                 review_note="", merged_into_id=None, owner=sp.owner, review_by=sp.review_by,
                                 current_version_id=pid, created_by_id=None, created_at=sp.created_at,
                                 updated_at=sp.updated_at, published_at=sp.published_at, is_demo=False))
                text = sp.body if with_text else ""
                vrow.append(dict(id=pid, piece_id=pid, number=1, blob_sha256=None,
                                 original_name=f"piece-{pid}.{sp.file_type}", file_type=sp.file_type,
                                 size=len(text) * 2, page_count=sp.pages, doc_title=sp.title, doc_author=sp.owner,
                                 text=text, outcome="ok", outcome_detail="", note="", created_by_id=None,
                                 created_at=sp.created_at))
                srow += [dict(piece_id=pid, stage_id=s) for s in sp.stage_ids]
                grow += [dict(piece_id=pid, gate_id=g) for g in sp.gate_ids]
                frow += [dict(piece_id=pid, facet_value_id=f) for f in sp.facet_ids]
                words += sp.words
                text_bytes += len(sp.title.encode()) + len(sp.description.encode()) + len(sp.body.encode())
            conn.execute(pieces_t.insert(), prow)
            conn.execute(versions_t.insert(), vrow)
            for table, rows in ((PieceStage.__table__, srow), (PieceGate.__table__, grow),
                                (PieceFacet.__table__, frow)):
                if rows:
                    conn.execute(table.insert(), rows)
            if progress is not None:
                progress(min(lo + batch, start + n) - start, n)
        if engine.dialect.name == "postgresql":
            for table in ("pieces", "piece_versions"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT MAX(id) FROM {table}))")
    return {"pieces": n, "words": words, "text_bytes": text_bytes}


def corpus_texts(n: int, taxo: Taxo, seed: int) -> Iterator[PieceSpec]:
    for i in range(n):
        yield piece_spec(i, taxo, seed)


# --- real files --------------------------------------------------------------------------------

def write_files(folder: Path, n: int, seed: int, taxo: Taxo | None = None) -> dict:
    """``n`` real files (≈40% PDF, 30% DOCX, 30% PPTX) in ``folder``; reused when present."""
    marker_path = folder / ".bench-files.json"
    want = {"files": n, "seed": seed, "version": CORPUS_VERSION}
    try:
        marker = json.loads(marker_path.read_text())
        if all(marker.get(k) == v for k, v in want.items()):
            return marker
    except (OSError, ValueError):
        pass
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    taxo = taxo or default_taxo()
    started = time.perf_counter()
    pages = {"pdf": 0, "docx": 0, "pptx": 0}
    counts = {"pdf": 0, "docx": 0, "pptx": 0}
    nbytes = 0
    for i in range(n):
        sp = piece_spec(1_000_000 + i, taxo, seed)   # other numbers than the libraries' pieces
        kind = ("pdf", "pdf", "pdf", "pdf", "docx", "docx", "docx", "pptx", "pptx", "pptx")[i % 10]
        name = folder / f"{i // 100:02d}" / f"{_slug(sp.title)}-{i:05d}.{kind}"
        name.parent.mkdir(exist_ok=True)
        made = {"pdf": _write_pdf, "docx": _write_docx, "pptx": _write_pptx}[kind](name, sp)
        pages[kind] += made
        counts[kind] += 1
        nbytes += name.stat().st_size
    marker = dict(want, pages=pages, counts=counts, bytes=nbytes, seconds=round(time.perf_counter() - started, 1))
    marker_path.write_text(json.dumps(marker))
    return marker


def default_taxo() -> Taxo:
    """The default taxonomy's shape with made-up ids (enough for titles and text)."""
    from enablement.taxonomy import default_taxonomy, slugify

    raw = default_taxonomy()
    counter = itertools.count(1)
    stages = []
    for s in raw.get("stages", []):
        gates = tuple((next(counter), g.get("key") or slugify(g.get("question", ""))) for g in s.get("gates", []))
        stages.append((next(counter), s.get("key") or slugify(s.get("name", "")), gates))
    facets: dict[str, tuple[tuple[int, str, str], ...]] = {}
    for facet, values in (raw.get("facets") or {}).items():
        labels = [v if isinstance(v, str) else v.get("label", "") for v in values]
        facets[facet] = tuple((next(counter), slugify(label), label) for label in labels)
    return Taxo(tuple(stages), facets)


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


def _paragraphs(sp: PieceSpec) -> list[str]:
    return [p for p in sp.body.split("\n\n") if p.strip()]


def _write_pdf(path: Path, sp: PieceSpec) -> int:
    """A text PDF with standard fonts, ~45 lines of ~95 characters per page."""
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, pageCompression=1)
    pdf.setTitle(sp.title)
    pdf.setAuthor(sp.owner or "Marketing")
    lines = [sp.title, ""] + [ln for p in _paragraphs(sp) for ln in textwrap.wrap(p, 95) + [""]]
    pages = 0
    for lo in range(0, len(lines), 45):
        pdf.setFont("Helvetica", 10)
        y = 800
        for line in lines[lo:lo + 45]:
            pdf.drawString(45, y, line)
            y -= 16
        pdf.showPage()
        pages += 1
    pdf.save()
    return pages


def _write_docx(path: Path, sp: PieceSpec) -> int:
    import docx

    document = docx.Document()
    document.core_properties.title = sp.title
    document.core_properties.author = sp.owner or "Marketing"
    document.add_heading(sp.title, level=1)
    document.add_paragraph(sp.description)
    for i, para in enumerate(_paragraphs(sp)):
        if i % 4 == 3:
            document.add_heading(" ".join(para.split()[:5]).rstrip(".").title(), level=2)
        document.add_paragraph(para)
    document.save(str(path))
    return max(1, sp.words // 420)


def _write_pptx(path: Path, sp: PieceSpec) -> int:
    from pptx import Presentation
    from pptx.util import Pt

    deck = Presentation()
    deck.core_properties.title = sp.title
    deck.core_properties.author = sp.owner or "Marketing"
    title_slide = deck.slides.add_slide(deck.slide_layouts[0])
    title_slide.shapes.title.text = sp.title
    title_slide.placeholders[1].text = sp.description
    sentences = [s.strip() for p in _paragraphs(sp) for s in p.split(". ") if s.strip()]
    slides = 1
    for lo in range(0, min(len(sentences), 5 * 30), 5):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        chunk = sentences[lo:lo + 5]
        slide.shapes.title.text = " ".join(chunk[0].split()[:6]).title()
        body = slide.placeholders[1].text_frame
        body.text = chunk[0][:160]
        for sentence in chunk[1:]:
            para = body.add_paragraph()
            para.text = sentence[:160]
            para.font.size = Pt(14)
        slides += 1
    deck.save(str(path))
    return slides


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def run(cfg) -> dict:  # type: ignore[no-untyped-def]
    """The corpus sub-command: build (or reuse) the libraries and files; time the usage generator."""
    from bench import usage
    from bench.common import say

    out: dict = {"libraries": {}}
    for n in cfg.sizes:
        root = cfg.cache / f"library-{n}"
        out["libraries"][str(n)] = build_library(root, n, cfg.seed)
        say(f"corpus: {n} pieces ready")
    out["files"] = write_files(cfg.cache / f"files-{cfg.import_files}", cfg.import_files, cfg.seed)
    say(f"corpus: {cfg.import_files} files ready")
    n = min(cfg.events, 200_000)
    started = time.perf_counter()
    for _ in usage.generate_events(n, list(range(1, 201)), list(range(1, 5001)), cfg.seed):
        pass
    seconds = time.perf_counter() - started
    out["usage"] = {"events": n, "seconds": round(seconds, 2), "events_per_s": round(n / seconds)}
    return out
