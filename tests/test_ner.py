"""The NER CRF: features, scoring, training data selection, training, and the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.ner.crf import find_entities, first_pass_path, load_tagger, tag_sentences, tag_tokens
from rasid.ner.evaluate import extract_spans, score_entities, to_bio, to_bioes
from rasid.ner.features import (
    Gazetteer,
    add_context_features,
    extract_features,
    load_clusters,
    load_gazetteer,
    load_triggers,
    strip_clitics,
)
from rasid.ner.train import (
    TrainParams,
    parse_tagged_line,
    select_training_sentences,
    split_tagged_sentences,
    train_model,
)
from rasid.text import normalize, split_sentences

# --- the shipped model on sentences written for these tests ----------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "label"),
    [
        ("قال وزير الخارجية سمير العلي إن المحادثات ستستأنف غدا .", "سمير العلي", "PERS"),
        ("وقال وزير الخارجية الأمريكي جون كيري إن بلاده تدعم الحكومة .", "جون كيري", "PERS"),
        ("قال وزير الدفاع خالد المحمد للصحفيين إن القوات جاهزة .", "خالد المحمد", "PERS"),
        ("وقع انفجار في مدينة الرمادي صباح اليوم .", "الرمادي", "LOC"),
        ("سقطت قذيفة في مدينة الموصل شمال العراق .", "الموصل", "LOC"),
        ("وصل الوفد إلى بغداد قادما من عمان .", "بغداد", "LOC"),
    ],
)
def test_model_tags_names_in_context(sentence: str, name: str, label: str) -> None:
    tokens = sentence.split()
    tags = tag_tokens(tokens)
    spans = {(" ".join(tokens[a:b]), kind) for a, b, kind in extract_spans(tags)}
    assert (name, label) in spans


@pytest.mark.parametrize(
    "sentence",
    ["وقال إن الاجتماع سيعقد غدا في الصباح .", "ارتفعت أسعار النفط خلال الأسبوع الماضي ."],
)
def test_model_finds_no_name_where_there_is_none(sentence: str) -> None:
    assert extract_spans(tag_tokens(sentence.split())) == []


def test_find_entities_returns_original_offsets() -> None:
    # Diacritics, tatweel and an Arabic comma make normalized and original offsets differ.
    text = "قالَ وزيرُ الخارجيـة سمير العلي، إنَّ الوفدَ وصلَ إلى مدينة الموصل.\nوقال العلي إنه متفائل."
    norm = normalize(text)
    spans = find_entities(norm, split_sentences(norm))
    surfaces = {(text[a:b], label) for a, b, label in spans}
    assert ("سمير العلي", "PERS") in surfaces
    assert ("الموصل", "LOC") in surfaces
    assert all(0 <= a < b <= len(text) for a, b, _ in spans)


def test_tag_sentences_keeps_shape() -> None:
    sentences = [["وقال", "رامسفيلد", "إن", "القوات", "ستبقى", "."], [], ["في", "بغداد", "."]]
    tags = tag_sentences(sentences)
    assert [len(t) for t in tags] == [6, 0, 3]


# --- features ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "clitics", "stem"),
    [
        ("والعراق", "وال", "عراق"),
        ("بالموصل", "بال", "موصل"),
        ("للجيش", "لل", "جيش"),
        ("وللقوات", "ولل", "قوات"),
        ("الرمادي", "ال", "رمادي"),
        ("فبغداد", "ف", "بغداد"),
        ("بغداد", "?ب", "غداد"),
        ("من", "", "من"),
        ("وعد", "", "وعد"),
    ],
)
def test_strip_clitics(word: str, clitics: str, stem: str) -> None:
    assert strip_clitics(word) == (clitics, stem)


def test_features_are_deterministic_and_normalized() -> None:
    tokens = ["وقال", "الرئيسُ", "جورج", "بوش", "في", "واشنطن", "."]
    first = extract_features(tokens)
    extract_features(["كلمات", "أخرى", "بينهما"])
    assert extract_features(tokens) == first
    # Diacritics and hamza forms do not change the features.
    assert extract_features(["وقال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "."]) == first
    assert "w=الرءيس" in first[1]
    assert "cue=TITLE" in first[1]
    assert "-1:cue=SPEECH" in first[1]
    assert "BOS" in first[0] and "EOS" in first[-1]


def test_glued_punctuation_is_split_from_the_word() -> None:
    feats = extract_features(["كابول؛"])[0]
    assert "w=كابول" in feats
    assert "glued=_;" in feats


def test_triggers_and_clusters_load() -> None:
    triggers = load_triggers()
    assert triggers["مدينه"] == "LOC"
    assert triggers["وزير"] == "TITLE"
    clusters = load_clusters()
    # Two capitals fall in one coarse cluster; a verb of saying does not join them.
    assert clusters["بغداد"][0] == clusters["دمشق"][0]
    assert clusters["قال"][0] != clusters["بغداد"][0]


def test_gazetteer_is_optional_and_matches_longest(tmp_path: Path) -> None:
    assert not load_gazetteer(tmp_path)
    assert not load_gazetteer(None)
    (tmp_path / "places.tsv").write_text(
        "id\tname_en\tname_ar\taliases_ar\n"
        "pl:a\tAin al-Asad\tقاعدة عين الأسد\tعين الأسد\n"
        "pl:b\tAnbar\tالأنبار\t\n",
        encoding="utf-8",
    )
    (tmp_path / "actors.yaml").write_text(
        "- id: ac:x\n  kind: person\n  name_ar: سمير العلي\n  weak_aliases: [العلي]\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(tmp_path)
    feats = extract_features(
        ["وصل", "سمير", "العلي", "إلى", "قاعدة", "عين", "الأسد", "في", "الأنبار"], gaz
    )
    assert "gaz=B-PERS" in feats[1] and "gaz=I-PERS" in feats[2]
    assert "gaz=B-LOC" in feats[4] and "gaz=I-LOC" in feats[6]
    assert "gaz=B-LOC" in feats[8]
    assert not any(f.startswith("gaz=") for f in feats[0])
    (tmp_path / "actors.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    assert not load_gazetteer(tmp_path)


def test_context_features_carry_first_pass_tags_across_sentences() -> None:
    sentences = [["وقال", "رامسفيلد", "إن"], ["ورد", "رامسفيلد", "."], ["رامسفيلد", "."]]
    base = [extract_features(s) for s in sentences]
    first = [["O", "B-PERS", "O"], ["O", "O", "O"], ["O", "O"]]
    stacked = add_context_features(sentences, base, first, window=1)
    assert "doc=PERS" in stacked[1][1]
    assert "p1=O" in stacked[1][1]
    assert "p1-1=B-PERS" in stacked[0][2]
    # The first sentence's own tag is not evidence for itself; the third is out of the window.
    assert not any(f.startswith("doc=") for f in stacked[0][1])
    assert not any(f.startswith("doc=") for f in stacked[2][0])


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PERS", "I-PERS", "O", "B-LOC"], [(0, 2, "PERS"), (3, 4, "LOC")]),
        (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),
        (["B-PERS", "I-LOC", "I-LOC"], [(0, 1, "PERS"), (1, 3, "LOC")]),
        (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
        (["O", "O"], []),
    ],
)
def test_extract_spans_like_conlleval(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert extract_spans(tags) == spans


def test_score_entities_counts_exact_matches_only() -> None:
    gold = [
        ["B-PERS", "I-PERS", "O", "B-LOC", "O"],
        ["B-ORG", "I-ORG", "I-ORG", "O", "B-PERS"],
    ]
    pred = [
        ["B-PERS", "I-PERS", "O", "B-ORG", "O"],  # person right, place typed as ORG
        ["B-ORG", "I-ORG", "O", "O", "B-PERS"],  # organization cut short, person right
    ]
    scores = score_entities(gold, pred)
    assert (scores["PERS"].gold, scores["PERS"].predicted, scores["PERS"].correct) == (2, 2, 2)
    assert scores["PERS"].f1 == 1.0
    assert (scores["ORG"].gold, scores["ORG"].predicted, scores["ORG"].correct) == (1, 2, 0)
    assert (scores["LOC"].gold, scores["LOC"].predicted, scores["LOC"].correct) == (1, 0, 0)
    micro = scores["micro"]
    assert (micro.gold, micro.predicted, micro.correct) == (4, 4, 2)
    assert micro.precision == pytest.approx(0.5)
    assert micro.recall == pytest.approx(0.5)
    assert micro.f1 == pytest.approx(0.5)


def test_score_entities_rejects_misaligned_input() -> None:
    with pytest.raises(ValueError, match="length"):
        score_entities([["O", "B-LOC"]], [["O"]])


@pytest.mark.parametrize(
    ("bio", "bioes"),
    [
        (["B-PERS", "I-PERS", "I-PERS", "O"], ["B-PERS", "I-PERS", "E-PERS", "O"]),
        (["B-LOC", "O", "I-ORG"], ["S-LOC", "O", "S-ORG"]),
    ],
)
def test_bioes_round_trip(bio: list[str], bioes: list[str]) -> None:
    assert to_bioes(bio) == bioes
    assert to_bio(bioes) == to_bio(bio)


# --- training data and training ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "pair"),
    [("بغداد B-LOC\n", ("بغداد", "B-LOC")), (" O\n", None), ("a b O\n", ("a b", "O"))],
)
def test_parse_tagged_line(line: str, pair: tuple[str, str] | None) -> None:
    assert parse_tagged_line(line) == pair


def test_split_tagged_sentences_at_end_punctuation() -> None:
    pairs = [("قال", "O"), ("كذا", "O"), (".", "O"), ("لماذا", "O"), ("؟", "O"), ("ثم", "O")]
    assert [len(s) for s in split_tagged_sentences(pairs)] == [3, 2, 1]


def _write_tiny_corpus(tmp_path: Path) -> tuple[Path, Path]:
    train_part = [
        "وقال O", "سمير B-PERS", "العلي I-PERS", "إن O", "الوضع O", "هادئ O", ". O",
        "وصل O", "الوفد O", "إلى O", "بغداد B-LOC", ". O",
        "وأعلنت O", "وزارة B-ORG", "الدفاع I-ORG", "النتائج O", ". O",
        "وصل O", "الوفد O", "إلى O", "عمان B-LOC", ". O",
        "وقال O", "خالد B-PERS", "المحمد I-PERS", "إن O", "الوضع O", "سيئ O", ". O",
        "وأعلنت O", "وزارة B-ORG", "الداخلية I-ORG", "النتائج O", ". O",
    ]  # fmt: skip
    test_part = ["وصل O", "الوفد O", "إلى O", "دمشق B-LOC", ". O"]
    corpus = tmp_path / "corpus.txt"
    # The test sentence also sits inside the training region once, and must be dropped there.
    lines = train_part + test_part + train_part + test_part
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    test = tmp_path / "test.txt"
    test.write_text("\n".join(test_part) + "\n\n", encoding="utf-8")
    return corpus, test


def test_select_training_sentences_excludes_test(tmp_path: Path) -> None:
    corpus, test = _write_tiny_corpus(tmp_path)
    # Region cut: the test region starts after two copies of the training part and one test copy.
    region = 2 * 34 + 5 + 2
    data = select_training_sentences(corpus, [test], test_region_line=region)
    texts = [" ".join(t for t, _ in s) for s in data.sentences]
    assert "وصل الوفد إلى دمشق ." not in texts
    assert data.dropped_as_test == 1
    assert data.lines_read == region - 2
    assert len(data.sentences) == 12


def test_small_training_run_gives_a_model_that_loads(tmp_path: Path) -> None:
    corpus, test = _write_tiny_corpus(tmp_path)
    data = select_training_sentences(corpus, [test], test_region_line=10_000)
    out = tmp_path / "models" / "tiny.crfsuite"
    params = TrainParams(c1=0.0, c2=0.01, max_iterations=30, folds=2, fold_iterations=10)
    train_model(data.sentences, out, params, Gazetteer())
    assert out.is_file() and first_pass_path(out).is_file()
    assert set(load_tagger(out).labels()) >= {"O", "B-PERS", "B-LOC", "B-ORG"}
    tags = tag_tokens(["وقال", "سمير", "العلي", "إن", "الوضع", "هادئ", "."], out, Gazetteer())
    assert len(tags) == 7
    assert tags[1] == "B-PERS"
