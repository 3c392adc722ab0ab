"""The fast text fields index exactly what the stock Whoosh analyzer chains index.

The reference is the schema as Whoosh stores it: unpickled, every field is a stock ``TEXT``
with its analyzer chain. The fast path must yield the same (term, frequency, weight, value
bytes) postings, in the same order, for any text, and whole indexes built both ways must
be the same files, byte for byte.
"""

from __future__ import annotations

import pickle
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import columns, fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.filedb.filestore import FileStorage
from whoosh.support.charset import accent_map

from enablement.search import whoosh_fields
from enablement.search.documents import IndexDoc
from enablement.search.whoosh_fields import FastText
from enablement.search.whoosh_schema import KEY_FIELDS, SINGLE_FIELDS, build_schema, doc_fields, stem

FAST = build_schema()
STOCK = pickle.loads(pickle.dumps(FAST, 2))
TEXT_FIELDS = [name for name, field in FAST.items() if isinstance(field, FastText)]

# Words that stress each step: case and accents (folding may change the length), long words
# around the 40-character limit, digits, scripts without case, marks, ligatures, underscores.
HOSTILE_WORDS = [
    "Café", "CAFÉ", "cafe\u0301", "Résumé", "naïve", "Straße", "ǅemal", "İstanbul", "ﬁnance",
    "Œuvre", "Ærø", "ÀÉÎÕÜ", "ŁÓDŹ", "Ωmega", "ΣΊΣΥΦΟΣ", "москва", "東京都", "مرحبا", "हिन्दी",
    "١٢٣", "²³", "Ⅻ", "x" * 39, "y" * 40, "z" * 41, "é" * 40, "É" * 41, "ß" * 40, "İ" * 30,
    "v1", "2024", "0", "a", "I", "soc", "running", "runs", "ran", "generalizations",
    "api_key", "e-mail", "don't", "🙂", "\u200b", "a\u0308", "\ufb01", "ǰ", "ŉ",
]
SEPARATORS = [" ", "\n", " ... ", "--", "_", "__", ",", "\t", "!!!", "\u00a0", "/", "·", "’"]


def _word_texts() -> st.SearchStrategy[str]:
    words = st.sampled_from(HOSTILE_WORDS) | st.text(min_size=1, max_size=50)
    pieces = st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), max_size=60)
    return pieces.map(lambda items: "".join(w + s for w, s in items))


def _postings(schema: fields.Schema, name: str, text: str) -> list[tuple[bytes, int, float, bytes]]:
    return list(schema[name].index(text))


def _assert_same(text: str) -> None:
    for name in TEXT_FIELDS:
        assert _postings(FAST, name, text) == _postings(STOCK, name, text), (name, text)


def test_reference_schema_is_the_stock_chain() -> None:
    assert TEXT_FIELDS == ["content", "owner", "tags", "title", "title_words", "words"]
    for name in TEXT_FIELDS:
        assert type(STOCK[name]) is fields.TEXT
        assert type(STOCK[name].format) is type(FAST[name].format)


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text() | _word_texts())
def test_fast_postings_equal_stock_postings(text: str) -> None:
    _assert_same(text)


@pytest.mark.parametrize("text", [
    "", " ", "___", "!!! ... ---", "a", "A a A", "\u0301", "x" * 41, ("x" * 41 + " ") * 3 + "kept words",
    "kept " + "y" * 60 + " after a dropped word", "z" * 45 + " first dropped then kept kept",
    " ".join(HOSTILE_WORDS), " ".join(reversed(HOSTILE_WORDS)) * 3,
    "Return on investment: the ROI of SOC 2 (v1.2) for CFOs — café, cafés, caf\u00e9s.",
    "word " * 5000, " ".join(str(n) for n in range(3000)), "α" * 100_000,
])
def test_fast_postings_on_hostile_texts(text: str) -> None:
    _assert_same(text)


def test_huge_varied_text() -> None:
    rng = random.Random(7)
    words = HOSTILE_WORDS + ["pricing", "price", "prices", "security", "review", "the", "of"]
    _assert_same(" ".join(rng.choice(words) + rng.choice(SEPARATORS) for _ in range(200_000)))


def test_memo_forgets_old_words_without_changing_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whoosh_fields, "MAX_REMEMBERED_WORDS", 5)
    _assert_same(" ".join(f"word{n} Word{n % 7} wörd{n}" for n in range(50)))
    assert len(FAST["content"]._terms) <= 5


def test_other_values_take_the_stock_path() -> None:
    for value in (["Alpha", "beta"], ("Gamma",)):
        assert list(FAST["content"].index(value)) == list(STOCK["content"].index(value))
    assert (list(FAST["content"].index("Cafés ran", mode="index"))
            == list(STOCK["content"].index("Cafés ran", mode="index")))


def _original_schema() -> fields.Schema:
    """The schema as it was defined before text fields were indexed fast."""
    analyzer = (RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter(stoplist=(), minsize=1, maxsize=40) | StemFilter(stemfn=stem, cachesize=None))

    def names() -> object:
        return (RegexTokenizer(r"[^\W_]+") | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter(stoplist=(), minsize=1, maxsize=40))

    spec = {
        "pid": fields.ID(unique=True, stored=True),
        "pidn": fields.COLUMN(columns.NumericColumn("q", default=0)),
        "updated": fields.COLUMN(columns.NumericColumn("q", default=0)),
        "stamp": fields.COLUMN(columns.VarBytesColumn()),
        "content": fields.TEXT(analyzer=analyzer),
        "words": fields.TEXT(analyzer=names(), phrase=False),
        "title": fields.TEXT(analyzer=analyzer, stored=True),
        "title_words": fields.TEXT(analyzer=names(), phrase=False),
        "tags": fields.TEXT(analyzer=analyzer),
        "description": fields.STORED(),
        "snippet_text": fields.STORED(),
        "review_by": fields.STORED(),
        "owner": fields.TEXT(analyzer=names()),
    }
    for name in KEY_FIELDS + SINGLE_FIELDS:
        spec[name] = fields.KEYWORD(commas=True, scorable=False)
    return fields.Schema(**spec)


def test_stored_schema_loads_as_the_original() -> None:
    """Pickled in an index's table of contents, the schema loads as the stock one it was."""
    original = _original_schema()
    assert list(STOCK.names()) == list(original.names())
    for name, field in original.items():
        loaded = STOCK[name]
        assert type(loaded) is type(field), name
        if field.column_type is not None:  # column objects compare by identity
            assert loaded.column_type.__dict__ == field.column_type.__dict__, name
        else:
            assert loaded.__dict__ == field.__dict__, name
        if name in TEXT_FIELDS:
            assert loaded.analyzer.items == field.analyzer.items
    assert len(pickle.dumps(FAST, 2)) < len(pickle.dumps(original, 2)) + 500  # no word memo in it


def _docs() -> list[IndexDoc]:
    rng = random.Random(3)
    words = HOSTILE_WORDS + "pricing security review onboarding rollout partner revenue".split()
    out = []
    for n in range(60):
        body = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 3000)))
        out.append(IndexDoc(
            piece_id=n + 1, title=" ".join(rng.sample(words, 4)), description=" ".join(rng.sample(words, 9)),
            body=body, tags_text=rng.choice(["Decision", "Évaluation, ROI", ""]),
            stages=rng.choice([("decision",), ()]), persona=rng.choice([("cfo",), ("cfo", "it"), ()]),
            owner=rng.choice(["Zoë Ödegaard", "Bob Jones", ""]), file_type="pdf",
            updated_at=datetime(2024, 1, 1) + timedelta(hours=n),
            review_by=date(2025, 1, 1) if n % 2 else None, stamp=f"s{n}"))
    return out


def _write_index(folder: Path, schema: fields.Schema, docs: list[IndexDoc]) -> dict[str, bytes]:
    """The files of an index of ``docs``; the table of contents holds the pickled schema
    (compared above), every other file is the index's content."""
    folder.mkdir()
    random.seed(11)  # Whoosh names segments at random: the same names both times
    ix = FileStorage(str(folder)).create_index(schema)
    for start in (0, 40):  # two commits: a segment, then another one (and a merge, if any)
        with ix.writer() as writer:
            for doc in docs[start:start + 40]:
                writer.update_document(**doc_fields(doc))
    ix.close()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".toc"}


def test_indexes_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A compound segment file lists its parts' modification times: the same for both.
    monkeypatch.setattr(FileStorage, "file_modified", lambda self, name: 0.0)
    docs = _docs()
    fast = _write_index(tmp_path / "fast", FAST, docs)
    stock = _write_index(tmp_path / "stock", _original_schema(), docs)
    assert sorted(fast) == sorted(stock)
    assert sum(name.endswith(".seg") for name in fast) == 2  # compound segments: all postings
    assert [name for name in fast if fast[name] != stock[name]] == []


def test_the_engine_writes_through_the_fast_fields(tmp_path: Path) -> None:
    from enablement.search import whoosh_engine

    whoosh_engine.create(tmp_path)
    handle = whoosh_engine.WhooshHandle(tmp_path, busy_timeout=1.0)
    try:
        writer = handle._writer()
        try:
            assert all(type(writer.schema[name]) is FastText for name in TEXT_FIELDS)
        finally:
            writer.cancel()
    finally:
        handle.close()


def test_characters_fields_are_refused() -> None:
    with pytest.raises(ValueError):
        FastText(r"\w+", FAST["content"]._terms, chars=True)
