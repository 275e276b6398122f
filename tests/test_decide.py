"""The trained decider: the packaged model, its threshold, and training it with `rasid train`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasid.events import propose_events
from rasid.events.decide import (
    SNIPPET_SENTENCES,
    Decider,
    decide_events,
    decider_from_json,
    is_snippet,
    load_decider,
    reset_decider,
    use_decider,
)
from rasid.pipeline import annotate, extract
from rasid.records import Article, Event

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "seeds" / "dev"

STRIKE = Article(
    id="t1",
    text="قصفت طائرات التحالف الدولي مواقع لتنظيم داعش في الموصل يوم الاثنين وقتلت خمسة مسلحين.",
    published="2018-03-20",
)


def rasid(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )


def test_the_packaged_model_is_small_and_decides_every_event() -> None:
    decider = load_decider()
    assert decider is not None
    model = ROOT / "src" / "rasid" / "models" / "event_decider.json"
    assert model.stat().st_size < 500_000
    assert 0.0 < decider.threshold < 1.0
    events = [r for r in extract([STRIKE]) if isinstance(r, Event)]
    for ev in events:
        assert ev.rules.get("decision") == decider.name
        assert ev.confidence >= decider.threshold


def test_a_model_keeps_what_it_trusts_and_names_itself() -> None:
    doc = annotate(STRIKE)
    proposed, _ = propose_events(doc)
    assert any(e.type == "ASSAULT" for e in proposed)
    trusting = Decider(weights={"t=ASSAULT": 3.0}, bias=-1.0, threshold=0.5, name="m.test")
    kept = decide_events_with(trusting, doc, proposed)
    assert [e.type for e in kept if e.type == "ASSAULT"]
    assert all(e.rules["decision"] == "m.test" for e in kept)
    assert all(e.type == "ASSAULT" for e in kept)  # other types score 1/(1+e) < 0.5
    strict = Decider(weights={}, bias=-5.0, threshold=0.5, name="m.none")
    assert decide_events_with(strict, doc, proposed) == []


def decide_events_with(decider: Decider, doc: object, proposed: list[Event]) -> list[Event]:
    use_decider(decider)
    try:
        return decide_events(doc, proposed)  # type: ignore[arg-type]
    finally:
        reset_decider()


def test_a_lone_undated_sentence_is_held_to_the_snippet_threshold() -> None:
    """The same strike told as a dated article and as one undated sentence (as GSR's sentences
    are judged): the article meets the type's bar, the sentence the bar chosen for sentences
    alone, and the model's thresholds for the two differ."""
    undated = Article(id="t2", text=STRIKE.text)
    decider = Decider(
        weights={"t=ASSAULT": 1.0},  # every strike scores 0.5
        bias=-1.0,
        threshold=0.9,
        name="m.test",
        thresholds={"ASSAULT": 0.6, "ASSAULT|snippet": 0.4},
    )
    for article, kept in ((STRIKE, False), (undated, True)):
        doc = annotate(article)
        assert is_snippet(doc) is (article is undated)
        proposed, _ = propose_events(doc)
        assert any(e.type == "ASSAULT" for e in proposed)
        types = [e.type for e in decide_events_with(decider, doc, proposed)]
        assert ("ASSAULT" in types) is kept
    # a long undated text is an article without its date, not a snippet
    long_text = " ".join([STRIKE.text] * (SNIPPET_SENTENCES + 1))
    assert not is_snippet(annotate(Article(id="t3", text=long_text)))


def test_min_confidence_zero_keeps_every_proposal() -> None:
    doc = annotate(STRIKE)
    proposed, _ = propose_events(doc)
    os.environ["RASID_MIN_CONFIDENCE"] = "0"
    try:
        kept = decide_events(doc, proposed)
    finally:
        del os.environ["RASID_MIN_CONFIDENCE"]
    assert len(kept) == len(proposed)


@pytest.mark.skipif(not DEV.exists(), reason="shared/ dev seeds not beside the checkout")
def test_rasid_train_fits_a_model_that_loads(tmp_path: Path) -> None:
    gsr = tmp_path / "assault.csv"
    rows = ["id,event_type,label,accept,reject,total,text"]
    for k in range(12):
        rows.append(
            f"y{k},assault,yes,3,0,3,قصفت طائرات حربية مواقع في بلدة رقم {k} أمس وقتلت {k + 2} مسلحين."
        )
        rows.append(
            f"n{k},assault,easy no,0,3,3,يخشى السكان أن يشن الجيش هجوما في المستقبل على المدينة {k}."
        )
    gsr.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "decider.json"
    res = rasid(
        "train", "--gold", str(DEV / "gold.json"), "--articles", str(DEV / "articles.jsonl"),
        "--gsr", str(gsr), "-o", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert 0 < summary["threshold"] < 1 and summary["features"] > 10
    model = decider_from_json(json.loads(out.read_text(encoding="utf-8")))
    assert model.weights and model.name


def test_the_threshold_counts_records_not_proposals() -> None:
    """Five mentions of one real event make one right record, and three wrong proposals of
    one sentence one wrong record: kept at 0.3 the records are 2 right and 1 wrong, and the
    threshold that keeps them wins over 0.7, which keeps one event of the three."""
    from rasid.events.train import Example, _best_threshold, _record_scores

    def ex(label: int, events: tuple[str, ...], spot: str) -> Example:
        return Example(("t=ASSAULT",), label, "a1", "gold", events, spot, 3)

    examples = [ex(1, ("g1",), f"a1|ASSAULT|{k}") for k in range(5)]  # p 0.9: one event
    examples += [ex(0, (), "a1|ASSAULT|99")] * 3  # p 0.4: one wrong record
    examples += [ex(1, ("g2",), "a1|ASSAULT|7")]  # p 0.35: a second event
    probs = [0.9] * 5 + [0.4] * 3 + [0.35]
    idx = list(range(len(examples)))
    assert _record_scores(examples, idx, probs, 0.3) == (2, 1)
    assert _record_scores(examples, idx, probs, 0.7) == (1, 0)
    threshold, cv = _best_threshold(examples, idx, probs, 3)
    assert threshold <= 0.35 and cv["recall"] == round(2 / 3, 4)


def test_a_snippet_threshold_is_chosen_for_f1() -> None:
    """GSR's sentences of one type, 80 real events: 32 kept with no wrong record at 0.8, 16 more
    with 32 wrong records at 0.3, 32 never proposed above 0.01. Keeping the lower band gives F1
    0.60 against 0.57 but F-0.75 0.60 against 0.65: the articles' threshold stays above it,
    the snippets' threshold, judged as GSR judges them, by F1, takes it."""
    from rasid.events.train import Example, _type_thresholds

    def ex(label: int, k: int) -> Example:
        events = (f"s{k}",) if label else ()
        return Example(("t=ASSAULT",), label, f"s{k}", "gsr", events, f"s{k}|ASSAULT|0", 1)

    examples = [ex(1, k) for k in range(48)] + [ex(0, k) for k in range(48, 80)]
    examples += [ex(1, k) for k in range(80, 112)]
    probs = [0.8] * 32 + [0.3] * 48 + [0.01] * 32
    thresholds = _type_thresholds(examples, probs)
    assert thresholds["ASSAULT"] > 0.3
    assert thresholds["ASSAULT|snippet"] <= 0.3


def test_rasid_train_refuses_a_test_half_and_no_input(tmp_path: Path) -> None:
    test_half = tmp_path / "ant-test.json"
    test_half.write_text("[]", encoding="utf-8")
    res = rasid("train", "--gold", str(test_half), "-o", str(tmp_path / "m.json"))
    assert res.returncode == 1 and "test half only measures" in res.stderr
    res = rasid("train", "-o", str(tmp_path / "m.json"))
    assert res.returncode == 1 and "--gold" in res.stderr
    assert not (tmp_path / "m.json").exists()


def test_extract_min_confidence_option_reaches_the_decider(tmp_path: Path) -> None:
    article = {"id": "x1", "text": STRIKE.text, "published": "2018-03-20"}
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    everything = rasid("extract", "--min-confidence", "0", str(src))
    nothing = rasid("extract", "--min-confidence", "1", str(src))
    assert everything.returncode == 0 and nothing.returncode == 0
    assert '"actors"' in everything.stdout
    assert '"actors"' not in nothing.stdout


@pytest.mark.skipif(not DEV.exists(), reason="shared/ dev seeds not beside the checkout")
def test_ingest_and_events_take_min_confidence(tmp_path: Path) -> None:
    everything, default = str(tmp_path / "all.sqlite"), str(tmp_path / "default.sqlite")
    src = str(DEV / "articles.jsonl")
    assert rasid("--db", everything, "ingest", "--min-confidence", "0", src).returncode == 0
    assert rasid("--db", default, "ingest", src).returncode == 0

    def count(db: str, *extra: str) -> int:
        res = rasid("--db", db, "events", "--json", "--limit", "1000", *extra)
        assert res.returncode == 0, res.stderr
        return int(json.loads(res.stdout)["total"])

    assert count(everything) > count(default) > 0
    assert count(everything, "--min-confidence", "0.99") < count(everything)
