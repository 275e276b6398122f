"""Token features for the Arabic NER sequence model (CRF).

Each token becomes a list of string features (binary, as crfsuite takes them) built from:
- the word normalized with ``normalize_key`` and its stem after the proclitics و ف ب ل ك and the
  article (ال، لل), with which clitics were stripped;
- prefixes and suffixes of one to four letters of the word and of the stem;
- shape: digits, Latin letters, punctuation, length;
- position in the sentence;
- cue words from ``triggers.tsv`` (titles, verbs of saying, parts of names, place, body and
  event nouns) on the token and its neighbours;
- neighbours at -2..+2: their words, stems, short affixes and cue classes, plus word bigrams;
- optionally, a gazetteer: token runs that match a name in the knowledge base (longest match,
  on stems) give ``gaz=B-LOC`` / ``gaz=I-ORG``-style features.

Guards: features are a pure function of the tokens (and the gazetteer passed in), so the same
sentence always gives the same features. Risky: stripping a proclitic also strips a first letter
that belongs to the word (بغداد → غداد); the model sees both the word and the stem, and learns
which to trust.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rasid.ner.evaluate import extract_spans
from rasid.text import charsets as cs
from rasid.text import normalize_key

log = logging.getLogger(__name__)

# wa- and fa- come before bi-/li-/ka- when a word carries two proclitics ("وبـ", "فلـ").
_CONJUNCTIONS = frozenset("\u0648\u0641")  # و ف
_PREPOSITIONS = cs.PROCLITIC_LETTERS - _CONJUNCTIONS  # ب ل ك
_LAM = "\u0644"
_ARABIC_LETTERS = frozenset(
    chr(c)
    for a, b in ((0x0621, 0x063A), (0x0641, 0x064A), (0x0671, 0x06D3))
    for c in range(a, b + 1)
)
_EDGE_PUNCT = "\"'()[]{}<>.,;:!?-_/\\*|«»"
_MIN_STEM = 2  # never strip down to fewer letters than this
_MAX_AFFIX = 4


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Known names as token sequences of stems, with their NER label (PERS, LOC, ORG, MISC)."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    prefixes: frozenset[tuple[str, ...]] = frozenset()  # every leading run of every name

    def __bool__(self) -> bool:
        return bool(self.names)


def strip_clitics(word: str) -> tuple[str, str]:
    """Split a normalized word into its proclitics (conjunction, preposition, article) and stem.

    The proclitic string spells what was removed ("و", "وب", "ال", "لل"); a stem is never left
    shorter than two letters, so short words stay whole.
    """
    stem = word
    clitics = ""
    if len(stem) > _MIN_STEM + 1 and stem[0] in _CONJUNCTIONS:
        clitics += stem[0]
        stem = stem[1:]
    if stem.startswith(cs.LIL) and len(stem) > _MIN_STEM + 2:
        # "لل" is li- fused with the article whose alef is dropped.
        return clitics + cs.LIL, stem[2:]
    if len(stem) > _MIN_STEM + 1 and stem[0] in _PREPOSITIONS and stem[1:3] == cs.ARTICLE:
        clitics += stem[0]
        stem = stem[1:]
    if stem.startswith(cs.ARTICLE) and len(stem) > _MIN_STEM + 2:
        return clitics + cs.ARTICLE, stem[2:]
    if len(stem) > _MIN_STEM + 2 and stem[0] in _PREPOSITIONS and clitics == "":
        # A bare preposition without the article: "بغداد" may be bi- + غداد or the name itself;
        # mark it as a guess so the model can weigh it.
        return "?" + stem[0], stem[1:]
    return clitics, stem


def _shape(word: str) -> str:
    """A coarse shape class: digits, Latin, Arabic, punctuation or mixed."""
    if word.isdigit():
        return "digits"
    if any(c.isdigit() for c in word):
        return "hasdigit"
    if all(c in _ARABIC_LETTERS for c in word):
        return "arabic"
    if word.isascii() and word.isalpha():
        return "latin"
    if not any(c.isalnum() for c in word):
        return "punct"
    return "mixed"


def _latin_case(token: str) -> str:
    """Case of the Latin letters of the raw token ("CNN", "Dell"), lost by normalization."""
    letters = [c for c in token if c.isascii() and c.isalpha()]
    if not letters:
        return ""
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    return "title" if letters[0].isupper() else "lower"


@lru_cache(maxsize=1)
def load_triggers() -> dict[str, str]:
    """Cue words (normalized) to their class, from the package's ``triggers.tsv``."""
    text = resources.files("rasid.ner").joinpath("triggers.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if line and not line.startswith("#")),
        delimiter="\t",
    )
    table: dict[str, str] = {}
    for row in rows:
        key = normalize_key(row["word"])
        if key:
            table[key] = row["class"]
    return table


@lru_cache(maxsize=1)
def load_clusters() -> dict[str, tuple[str, ...]]:
    """Word (normalized) to its cluster ids, coarse to fine, and its frequency band, from the
    package's ``clusters.tsv`` (built by ``rasid.ner.clusters``); empty when the file is absent."""
    source = resources.files("rasid.ner").joinpath("clusters.tsv")
    if not source.is_file():
        log.warning("no clusters.tsv: NER runs without word-cluster features")
        return {}
    table: dict[str, tuple[str, ...]] = {}
    rank = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("word\t"):
            continue
        word, *ids = line.split("\t")
        rank += 1
        # The file lists words from most to least frequent; the band is log2 of the rank.
        table[word] = (*ids, str(rank.bit_length()))
    return table


def _cluster_of(word: str, stem: str, clusters: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    found = clusters.get(word)
    if found is None and stem != word:
        found = clusters.get(stem) or clusters.get(cs.ARTICLE + stem)
    return found or ()


def _trigger_class(word: str, stem: str, triggers: dict[str, str]) -> str:
    found = triggers.get(word) or triggers.get(stem)
    if found is None and word.startswith(cs.ARTICLE):
        found = triggers.get(word[2:])
    if found is None:
        # "والرئيس" → stem "رئيس"; the titled form "الرئيس" is listed too.
        found = triggers.get(cs.ARTICLE + stem)
    return found or ""


@dataclass(frozen=True, slots=True)
class _TokenView:
    """What one token contributes: its own features and the short form its neighbours see."""

    own: tuple[str, ...]
    word: str
    stem: str
    cue: str
    suffix2: str
    prefix2: str
    shape: str
    gaz_key: str
    cluster: tuple[str, ...]


@lru_cache(maxsize=262144)
def _view_token(token: str) -> _TokenView:
    raw = normalize_key(token).replace(" ", "_") or "<empty>"
    # Corpus tokens sometimes keep punctuation glued on ("كابول؛", "(د"); the word is what is
    # left, and the glued marks become a feature of their own.
    word = raw.strip(_EDGE_PUNCT) or raw
    clitics, stem = strip_clitics(word)
    # "وDell": the shape is the stem's once a sure proclitic is off.
    shape = _shape(stem if clitics and not clitics.startswith("?") else word)
    cue = _trigger_class(word, stem, load_triggers())
    feats = [
        "w=" + word,
        "stem=" + stem,
        "clitic=" + clitics,
        "shape=" + shape,
        "len=" + str(min(len(stem), 9)),
    ]
    if word.startswith(cs.ARTICLE):
        feats.append("al")
    for k in range(1, _MAX_AFFIX + 1):
        if len(word) > k:
            feats.append(f"p{k}={word[:k]}")
            feats.append(f"s{k}={word[-k:]}")
        if stem != word and len(stem) > k:
            feats.append(f"sp{k}={stem[:k]}")
            feats.append(f"ss{k}={stem[-k:]}")
    if word != raw:
        feats.append("glued=" + raw.replace(word, "_", 1))
    case = _latin_case(token)
    if case:
        feats.append("case=" + case)
    if len(stem) > 4:
        # Letter trigrams inside longer words: transliterated foreign names share them.
        feats.extend({"g3=" + stem[k : k + 3] for k in range(1, len(stem) - 3)})
    if cue:
        feats.append("cue=" + cue)
    cluster = _cluster_of(word, stem, load_clusters())
    if cluster:
        *ids, band = cluster
        feats.extend(f"c{level}={cid}" for level, cid in enumerate(ids))
        feats.append("band=" + band)
    else:
        feats.append("c=none")
    return _TokenView(
        own=tuple(feats),
        word=word,
        stem=stem,
        cue=cue,
        suffix2=word[-2:],
        prefix2=word[:2],
        shape=shape,
        gaz_key=stem if clitics != "" and not clitics.startswith("?") else word,
        cluster=cluster,
    )


def _longest_name(views: Sequence[_TokenView], i: int, gazetteer: Gazetteer) -> tuple[int, str]:
    """Length and label of the longest known name starting at token ``i`` (0 when none)."""
    best, label = 0, ""
    key: tuple[str, ...] = (views[i].gaz_key,)
    end = i + 1
    while key in gazetteer.prefixes:
        found = gazetteer.names.get(key)
        if found is not None:
            best, label = end - i, found
        if end >= len(views):
            break
        key = (*key, views[end].word)
        end += 1
    if not best:
        found = gazetteer.names.get((views[i].word,))
        if found is not None:
            best, label = 1, found
    return best, label


def _gazetteer_tags(views: Sequence[_TokenView], gazetteer: Gazetteer) -> list[str]:
    """BIO tags from the longest gazetteer match at each position (left to right)."""
    tags = [""] * len(views)
    i = 0
    while i < len(views):
        length, label = _longest_name(views, i, gazetteer)
        if length:
            tags[i] = "B-" + label
            for j in range(i + 1, i + length):
                tags[j] = "I-" + label
            i += length
        else:
            i += 1
    return tags


def extract_features(tokens: Sequence[str], gazetteer: Gazetteer | None = None) -> list[list[str]]:
    """Features of every token of one sentence, in order."""
    views = [_view_token(t) for t in tokens]
    gaz = _gazetteer_tags(views, gazetteer) if gazetteer else [""] * len(views)
    n = len(views)
    out: list[list[str]] = []
    for i, v in enumerate(views):
        feats = ["bias", *v.own]
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        if gaz[i]:
            feats.append("gaz=" + gaz[i])
        for off in (-2, -1, 1, 2):
            j = i + off
            if j < 0 or j >= n:
                feats.append(f"{off}:pad")
                continue
            u = views[j]
            feats.append(f"{off}:w={u.word}")
            feats.append(f"{off}:stem={u.stem}")
            if u.cue:
                feats.append(f"{off}:cue={u.cue}")
            if gaz[j]:
                feats.append(f"{off}:gaz={gaz[j]}")
            if u.cluster:
                feats.append(f"{off}:c0={u.cluster[0]}")
                if abs(off) == 1:
                    feats.append(f"{off}:c1={u.cluster[1]}")
                    feats.append(f"{off}:c2={u.cluster[2]}")
            if abs(off) == 1:
                feats.append(f"{off}:s2={u.suffix2}")
                feats.append(f"{off}:p2={u.prefix2}")
                feats.append(f"{off}:shape={u.shape}")
        if i > 0:
            feats.append(f"-1|0={views[i - 1].word}|{v.word}")
        if i + 1 < n:
            feats.append(f"0|+1={v.word}|{views[i + 1].word}")
        out.append(feats)
    return out


# --- gazetteer from the knowledge base (optional) -------------------------------------------

_KB_LABELS = {
    "person": "PERS",
    "place": "LOC",
}


def _split_aliases(value: str) -> list[str]:
    for sep in ("|", ";", "،", ","):
        if sep in value:
            return [p.strip() for p in value.split(sep) if p.strip()]
    return [value.strip()] if value.strip() else []


def _arabic_names(values: Iterable[object]) -> list[str]:
    names: list[str] = []
    for value in values:
        if isinstance(value, str):
            names.extend(n for n in _split_aliases(value) if any(c in _ARABIC_LETTERS for c in n))
        elif isinstance(value, list):
            names.extend(_arabic_names(value))
        elif isinstance(value, dict):
            names.extend(_arabic_names(value.values()))
    return names


def _name_fields(entry: dict[str, object]) -> list[object]:
    # Weak aliases are ordinary words that name an entity only in context; they would fire on
    # every sentence, so they stay out of the gazetteer.
    keys = [k for k in entry if not k.lower().startswith("weak")]
    return [entry[k] for k in keys if "name" in k.lower() or "alias" in k.lower()]


def _actor_label(entry: dict[str, object]) -> str:
    kind = str(entry.get("kind", entry.get("type", ""))).lower()
    if kind in _KB_LABELS:
        return _KB_LABELS[kind]
    if kind in ("state", "country"):
        return "LOC"
    return "ORG"


def _iter_actor_entries(data: object) -> Iterable[dict[str, object]]:
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                yield item
    elif isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list):
                yield from _iter_actor_entries(value)


def _add_name(names: dict[tuple[str, ...], str], name: str, label: str) -> None:
    words = [_view_token(t) for t in normalize_key(name).split()]
    if not words:
        return
    key = tuple(v.gaz_key if j == 0 else v.word for j, v in enumerate(words))
    names.setdefault(key, label)


def load_gazetteer(kb_dir: Path | None) -> Gazetteer:
    """Names from ``places.tsv`` and ``actors.yaml`` in ``kb_dir``; empty when they are absent.

    The knowledge base is optional for the model: a missing or unreadable file gives an empty
    gazetteer and a log line, never an error, so the model trains and tags without it.
    """
    names: dict[tuple[str, ...], str] = {}
    if kb_dir is None:
        return Gazetteer()
    places = kb_dir / "places.tsv"
    actors = kb_dir / "actors.yaml"
    try:
        if places.is_file():
            with places.open(encoding="utf-8") as fh:
                lines = (line for line in fh if line.strip() and not line.startswith("#"))
                for row in csv.DictReader(lines, delimiter="\t"):
                    entry: dict[str, object] = {k: v for k, v in row.items() if k and v}
                    for name in _arabic_names(_name_fields(entry)):
                        _add_name(names, name, "LOC")
        if actors.is_file():
            import yaml

            data = yaml.safe_load(actors.read_text(encoding="utf-8"))
            for entry in _iter_actor_entries(data):
                label = _actor_label(entry)
                for name in _arabic_names(_name_fields(entry)):
                    _add_name(names, name, label)
    except (OSError, ValueError, csv.Error, ImportError) as exc:
        log.warning("gazetteer not loaded from %s: %s", kb_dir, exc)
        return Gazetteer()
    except Exception as exc:  # yaml errors have no common base we can name without yaml
        log.warning("gazetteer not loaded from %s: %s", kb_dir, exc)
        return Gazetteer()
    prefixes = frozenset(key[:k] for key in names for k in range(1, len(key) + 1))
    return Gazetteer(names=names, prefixes=prefixes)


# --- second pass: what the first pass found elsewhere in the document ------------------------

CONTEXT_WINDOW = 15  # sentences before and after that count as "the same document"


def _is_name_like(view: _TokenView) -> bool:
    return (view.shape == "arabic" and len(view.stem) >= 3) or view.shape == "latin"


def add_context_features(
    sentences: Sequence[Sequence[str]],
    features: Sequence[Sequence[Sequence[str]]],
    first_pass: Sequence[Sequence[str]],
    window: int = CONTEXT_WINDOW,
) -> list[list[list[str]]]:
    """Second-pass features: the first pass's tags here and for the same word nearby.

    A name is often tagged with confidence where a title or a verb of saying introduces it, and
    missed where it comes back alone ("رامسفيلد" after "وزير الدفاع دونالد رامسفيلد"). Each
    token gets the first pass's tag on itself and its neighbours, and the entity types the first
    pass gave the same stem in the other sentences within ``window`` of this one.
    """
    views = [[_view_token(t) for t in s] for s in sentences]
    found: list[dict[str, Counter[str]]] = []
    for sent_views, tags in zip(views, first_pass, strict=True):
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        for start, end, label in extract_spans(tags):
            for i in range(start, end):
                seen[sent_views[i].stem][label] += 1
        found.append(seen)
    out: list[list[list[str]]] = []
    for k, (sent_views, feats, tags) in enumerate(zip(views, features, first_pass, strict=True)):
        nearby = [found[j] for j in range(max(0, k - window), min(len(views), k + window + 1))]
        nearby = [d for j, d in enumerate(nearby, start=max(0, k - window)) if j != k and d]
        sent_out: list[list[str]] = []
        for i, view in enumerate(sent_views):
            row = [*feats[i], "p1=" + tags[i]]
            if i > 0:
                row.append("p1-1=" + tags[i - 1])
            if i + 1 < len(tags):
                row.append("p1+1=" + tags[i + 1])
            if nearby and _is_name_like(view):
                counts: Counter[str] = Counter()
                for seen in nearby:
                    hit = seen.get(view.stem)
                    if hit:
                        counts.update(hit)
                if counts:
                    row.extend("doc=" + label for label in sorted(counts))
                    top = max(sorted(counts), key=lambda label: counts[label])
                    row.append("docmaj=" + top)
            sent_out.append(row)
        out.append(sent_out)
    return out
