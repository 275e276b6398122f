"""Ingest: readers, encodings, bad input, datelines, captions, language, samples."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from rasid.ingest import IngestProblem, read_articles
from rasid.ingest.assemble import content_hash
from rasid.ingest.boilerplate import is_boilerplate_line
from rasid.ingest.captions import find_captions, is_caption_line
from rasid.ingest.dateline import find_dateline, parse_date, parse_dateline
from rasid.ingest.html import extract_html
from rasid.ingest.lang import detect_language
from rasid.records import Article

DATA = Path(__file__).parent / "data" / "ingest"
DEV = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "dev"
SAMPLES = Path(__file__).parents[1] / "src" / "rasid" / "samples"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="development articles not present")

ARABIC = (
    "قُتل جنديان أمريكيان وأصيب ثلاثة آخرون في هجوم بطائرة مسيرة على قاعدة التنف، "
    "وقال المتحدث باسم البنتاغون إن «الرد سيأتي»؛ فيما أعلنت فصائل مسلحة مسؤوليتها.\n"
    "وأسقطت الدفاعات الجوية طائرة ثانية قرب الحدود الأردنية السورية يوم الثلاثاء.\n"
)


def read_all(paths: list[str], **kwargs: object) -> tuple[list[Article], list[IngestProblem]]:
    articles: list[Article] = []
    problems: list[IngestProblem] = []
    for item in read_articles(paths, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, IngestProblem):
            problems.append(item)
        else:
            articles.append(item)
    return articles, problems


def read_table(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, expected = line.split("\t")
            rows.append((text, expected))
    return rows


# -- encodings --------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_decodes_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ARABIC.encode(encoding))
    articles, problems = read_all([str(path)])
    assert problems == []
    assert [a.text for a in articles] == [ARABIC]
    assert articles[0].id == "article"
    assert articles[0].lang == "ar"


def test_mixed_encodings_in_one_directory(tmp_path: Path) -> None:
    for index, encoding in enumerate(ENCODINGS):
        (tmp_path / f"{index:02d}_{encoding}.txt").write_bytes(ARABIC.encode(encoding))
    articles, problems = read_all([str(tmp_path)])
    assert problems == []
    assert [a.id for a in articles] == [f"{i:02d}_{e}" for i, e in enumerate(ENCODINGS)]
    assert {a.text for a in articles} == {ARABIC}
    assert len({a.content_hash for a in articles}) == 1


def test_utf8_and_cp1256_mixed_in_one_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(ARABIC.encode("utf-8") + ARABIC.encode("cp1256"))
    articles, problems = read_all([str(path)])
    assert articles == []
    assert len(problems) == 1
    assert "cannot determine text encoding" in problems[0].reason


def test_cp1256_html_page_with_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1256"><title>خبر</title></head><body><article>'
        f"<p>{ARABIC}</p></article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1256"))
    articles, problems = read_all([str(path)])
    assert problems == []
    assert " ".join(articles[0].text.split()) == " ".join(ARABIC.split())


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n  "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    articles, problems = read_all([str(path)])
    assert articles == []
    assert [(p.path, p.reason) for p in problems] == [(str(path), "empty file")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("doc.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(64)),
        ("archive.jsonl", b"PK\x03\x04" + bytes(range(200))),
        ("noise.txt", bytes(range(256)) * 8),
        ("feed.xml", b"\x00\x01\x02<rss>" + bytes(100)),
        ("unknown.bin", b"\x7fELF\x02\x01\x01" + bytes(100)),
    ],
)
def test_binary_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    articles, problems = read_all([str(path)])
    assert articles == []
    assert [p.reason for p in problems] == ["binary file, not text"]


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARABIC, encoding="utf-8")
    missing = str(tmp_path / "missing.jsonl")
    articles, problems = read_all([missing, str(good)])
    assert [str(p) for p in problems] == [f"{missing}: no such file or directory"]
    assert [a.id for a in articles] == ["good"]


def test_jsonl_bad_lines_are_named_and_the_rest_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": ARABIC, "title": "عنوان"}, ensure_ascii=False),
        '{"id": "broken", "text": "قتل',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a4", "title": "بلا نص"}, ensure_ascii=False),
        "",
        json.dumps({"id": "a6", "text": "   "}),
        json.dumps({"id": "a7", "text": "Two soldiers were killed in a drone attack in Jordan."}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = read_all([str(path)])
    assert [a.id for a in articles] == ["a1", "a7"]
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:7"]
    assert [(p.path, p.line) for p in problems] == [
        (str(path), 2),
        (str(path), 3),
        (str(path), 4),
        (str(path), 6),
    ]
    reasons = [p.reason for p in problems]
    assert reasons[0].startswith("not valid JSON")
    assert reasons[1] == "not a JSON object but a list"
    assert reasons[2] == "no text or html field"
    assert reasons[3] == "text is empty"
    assert str(problems[0]).startswith(f"{path}:2: not valid JSON")
    assert "\n" not in str(problems[0])


def test_jsonl_line_in_cp1256_is_detected(tmp_path: Path) -> None:
    good = json.dumps({"id": "u", "text": ARABIC}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "w", "text": ARABIC}, ensure_ascii=False).encode("cp1256")
    path = tmp_path / "two.jsonl"
    path.write_bytes(good + b"\n" + legacy + b"\n")
    articles, problems = read_all([str(path)])
    assert problems == []
    assert [a.text for a in articles] == [ARABIC, ARABIC]


def test_jsonl_in_utf16(tmp_path: Path) -> None:
    records = [{"id": "x", "text": ARABIC}, {"id": "y", "text": "نص ثان قصير عن الهجوم"}]
    path = tmp_path / "wide.jsonl"
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    path.write_bytes(text.encode("utf-16"))
    articles, problems = read_all([str(path)])
    assert problems == []
    assert [a.id for a in articles] == ["x", "y"]
    assert articles[0].text == ARABIC


def test_file_over_max_bytes_is_refused_and_a_long_jsonl_line_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(ARABIC * 20, encoding="utf-8")
    articles, problems = read_all([str(big)], max_bytes=1000)
    assert articles == []
    assert "larger than 1,000 bytes" in problems[0].reason
    lines = tmp_path / "lines.jsonl"
    short = json.dumps({"id": "s", "text": "نص قصير"}, ensure_ascii=False)
    long = json.dumps({"id": "l", "text": ARABIC * 20}, ensure_ascii=False)
    lines.write_text(f"{short}\n{long}\n{short}\n", encoding="utf-8")
    articles, problems = read_all([str(lines)], max_bytes=1000)
    assert [a.id for a in articles] == ["s", "s"]
    assert [(p.line, "longer than 1,000 bytes" in p.reason) for p in problems] == [(2, True)]


@pytest.mark.parametrize("form", ["txt", "jsonl"])
def test_twenty_megabyte_article_with_bounded_memory(tmp_path: Path, form: str) -> None:
    paragraph = ARABIC.replace("\n", " ").strip() + "\n"
    repeats = 20_000_000 // len(paragraph.encode("utf-8")) + 1
    path = tmp_path / f"huge.{form}"
    with path.open("w", encoding="utf-8") as handle:
        if form == "jsonl":
            handle.write(
                json.dumps({"id": "huge", "text": paragraph * repeats}, ensure_ascii=False)
            )
        else:
            for _ in range(repeats):
                handle.write(paragraph)
    size = path.stat().st_size
    assert size >= 20_000_000
    tracemalloc.start()
    try:
        articles, problems = read_all([str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == []
    assert len(articles[0].text) == repeats * len(paragraph)
    assert (
        articles[0].content_hash
        == hashlib.sha256(" ".join((paragraph * repeats).split()).encode("utf-8")).hexdigest()
    )
    # Bytes, decoded text and the parser's working copies: a few times the file, never more.
    assert peak < 5 * size, f"peak {peak:,} bytes for a {size:,}-byte file"


@pytest.mark.parametrize(("slice_chars"), [1, 2, 3, 5, 64])
@pytest.mark.parametrize(
    "text",
    ["", "   ", "a", " a ", "قتل  جنديان\n\nفي\tهجوم", "\n\u00a0x y\u2003\u2003z\n", "ab cd" * 7],
)
def test_content_hash_is_the_hash_of_collapsed_whitespace(text: str, slice_chars: int) -> None:
    expected = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
    assert content_hash(text, slice_chars=slice_chars) == expected


# -- stdin ------------------------------------------------------------------------------------


def test_stdin_jsonl_bytes() -> None:
    lines = [
        json.dumps({"id": "s1", "text": ARABIC}, ensure_ascii=False),
        "not json",
        json.dumps({"url": "https://example.org/a", "text": "نص"}, ensure_ascii=False),
    ]
    stream = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    articles, problems = read_all(["-"], stdin=stream)
    assert len(articles) == 2
    assert articles[0].id == "s1"
    assert articles[1].id.startswith("u") and articles[1].url == "https://example.org/a"
    assert [(p.path, p.line) for p in problems] == [("<stdin>", 2)]


def test_stdin_text_is_one_article() -> None:
    articles, problems = read_all(["-"], stdin=io.StringIO("الخميس 8 فبراير 2024\n\n" + ARABIC))
    assert problems == []
    assert len(articles) == 1
    assert articles[0].published == "2024-02-08"
    assert articles[0].published_from == "dateline"
    assert articles[0].id == "h" + articles[0].content_hash[:16]


def test_stdin_empty() -> None:
    articles, problems = read_all(["-"], stdin=io.BytesIO(b""))
    assert articles == []
    assert [str(p) for p in problems] == ["<stdin>: empty file"]


# -- JSON Lines fields ------------------------------------------------------------------------


def test_ids_are_stable_and_derived_from_url_or_text(tmp_path: Path) -> None:
    path = tmp_path / "ids.jsonl"
    records = [
        {"id": 42, "text": "نص أول"},
        {"url": "https://example.org/x", "text": "نص ثان"},
        {"text": "نص ثالث"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    first, _ = read_all([str(path)])
    second, _ = read_all([str(path)])
    assert [a.id for a in first] == [a.id for a in second]
    assert first[0].id == "42"
    assert first[1].id[0] == "u" and first[2].id[0] == "h"
    assert first[2].id == "h" + first[2].content_hash[:16]


def test_same_article_from_txt_and_jsonl_has_the_same_hash(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(ARABIC, encoding="utf-8")
    record = {"id": "one", "text": "  " + ARABIC.replace("\n", "\n\n") + "  "}
    (tmp_path / "one.jsonl").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    articles, _ = read_all([str(tmp_path)])
    assert len(articles) == 2
    assert articles[0].content_hash == articles[1].content_hash


def test_record_fields_are_kept_and_lang_respected(tmp_path: Path) -> None:
    record = {
        "id": "r",
        "text": ARABIC,
        "title": "عنوان",
        "url": "https://example.org/r",
        "source": "الجزيرة نت",
        "published": "2024-02-08T21:23:00+04:00",
        "lang": "ar-IQ",
    }
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (article,), _ = read_all([str(path)])
    assert (article.title, article.url, article.source) == (
        "عنوان",
        "https://example.org/r",
        "الجزيرة نت",
    )
    assert (article.published, article.published_from, article.lang) == (
        "2024-02-08T21:23:00+04:00",
        "record",
        "ar",
    )


def test_jsonl_html_field_is_reduced_to_main_text(tmp_path: Path) -> None:
    record = {"id": "h", "html": PAGE}
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (article,), problems = read_all([str(path)])
    assert problems == []
    assert "قُتل جنديان" in article.text
    assert "الرئيسية" not in article.text
    assert article.title == "هجوم على قاعدة التنف"
    assert article.published == "2024-01-28T10:00:00+03:00"


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"id": "j1", "text": "نص"}, 7], ensure_ascii=False), "utf-8")
    articles, problems = read_all([str(path)])
    assert [a.id for a in articles] == ["j1"]
    assert [p.reason for p in problems] == ["item 2: not a JSON object"]


# -- directories ------------------------------------------------------------------------------


def test_directory_is_recursive_sorted_and_skips_unknown_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "z.txt").write_text("نص ب", "utf-8")
    (tmp_path / "a.txt").write_text("نص أ", "utf-8")
    (tmp_path / "c.TXT").write_text("نص ج", "utf-8")
    (tmp_path / "notes.csv").write_text("x,y", "utf-8")
    (tmp_path / ".hidden" / "h.txt").write_text("مخفي", "utf-8")
    (tmp_path / ".secret.txt").write_text("مخفي", "utf-8")
    articles, problems = read_all([str(tmp_path)])
    assert problems == []
    assert [a.id for a in articles] == ["a", "c", "z"]


def test_unknown_extension_given_by_name_is_sniffed(tmp_path: Path) -> None:
    jsonl = tmp_path / "dump.data"
    jsonl.write_text(json.dumps({"id": "d", "text": "نص"}, ensure_ascii=False), "utf-8")
    page = tmp_path / "page.php"
    page.write_text(PAGE, "utf-8")
    articles, problems = read_all([str(jsonl), str(page)])
    assert problems == []
    assert articles[0].id == "d"
    assert articles[1].title == "هجوم على قاعدة التنف"


# -- HTML -------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html lang="ar"><head>
<title>هجوم على قاعدة التنف | موقع الأخبار</title>
<meta property="og:title" content="هجوم على قاعدة التنف">
<meta property="article:published_time" content="2024-01-28T10:00:00+03:00">
</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/iraq">العراق</a></li></ul></nav>
<article><h1>هجوم على قاعدة التنف</h1>
<div class="social-share"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
<figure><img src="a.jpg"><figcaption>جنود أمريكيون في قاعدة التنف (أ.ب)</figcaption></figure>
<p>قُتل جنديان أمريكيان وأصيب ثلاثة آخرون في هجوم بطائرة مسيرة استهدف قاعدة التنف قرب الحدود
السورية الأردنية العراقية فجر الأحد، بحسب ما أعلنت القيادة المركزية الأمريكية في بيان.</p>
<div><h3>اقرأ أيضاً</h3></div>
<ul><li><a href="/1">واشنطن تتوعد بالرد على هجوم التنف</a></li>
<li><a href="/2">الفصائل العراقية تعلن تعليق عملياتها</a></li></ul>
<p>وقال المتحدث باسم البنتاغون إن الهجوم نفذته جماعات مدعومة من إيران، مضيفاً أن الولايات
المتحدة سترد في الوقت والمكان المناسبين.</p>
<p>اقرأ أيضاً: <a href="/3">بايدن يجتمع بفريق الأمن القومي</a></p>
<p>وأعلنت المقاومة الإسلامية في العراق مسؤوليتها عن الهجوم في بيان نشرته على تلغرام.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>"""


def test_html_main_text_without_furniture(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (article,), problems = read_all([str(path)])
    assert problems == []
    text = article.text
    for dropped in ["الرئيسية", "فيسبوك", "واتساب", "اقرأ أيضاً", "واشنطن تتوعد", "بايدن يجتمع"]:
        assert dropped not in text, dropped
    for kept in ["قُتل جنديان أمريكيان", "وقال المتحدث باسم البنتاغون", "وأعلنت المقاومة"]:
        assert kept in text, kept
    assert article.title == "هجوم على قاعدة التنف"
    assert (article.published, article.published_from) == ("2024-01-28T10:00:00+03:00", "record")
    captions = [text[a:b] for a, b in article.captions]
    assert captions == ["جنود أمريكيون في قاعدة التنف (أ.ب)"]
    assert article.id == "page"


def test_html_title_from_title_tag_and_date_from_dateline(tmp_path: Path) -> None:
    page = (
        "<html><head><title>غارة قرب القائم</title></head><body><article>"
        "<p>الثلاثاء 12 مارس 2024 / 09:40</p>"
        f"<p>{ARABIC}</p><p>{ARABIC}</p></article></body></html>"
    )
    path = tmp_path / "raid.htm"
    path.write_text(page, encoding="utf-8")
    (article,), _ = read_all([str(path)])
    assert article.title == "غارة قرب القائم"
    assert (article.published, article.published_from) == ("2024-03-12T09:40", "dateline")


def test_html_fragment_keeps_blocks_and_captions() -> None:
    page = extract_html(
        "<p>فقرة <b>أولى</b></p><ul><li>بند</li></ul>"
        "<figure><img><figcaption>دورية أمريكية (رويترز)</figcaption></figure>",
        fragment=True,
    )
    assert page.text == "فقرة أولى\nبند\nدورية أمريكية (رويترز)"
    assert page.captions == ("دورية أمريكية (رويترز)",)


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>x</title></head><body><nav>قائمة</nav></body></html>")
    articles, problems = read_all([str(path)])
    assert articles == []
    assert [p.reason for p in problems] == ["no article text found in the page"]


@pytest.mark.parametrize(("line", "expected"), read_table("boilerplate.tsv"))
def test_boilerplate_lines(line: str, expected: str) -> None:
    assert is_boilerplate_line(line) is (expected == "1")


# -- feeds ------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>أخبار راصد</title><link>https://example.org/</link>
<item><title>غارة أمريكية قرب القائم</title><link>https://example.org/1</link>
<pubDate>Tue, 12 Mar 2024 06:40:00 GMT</pubDate>
<description>ملخص قصير</description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[
<p>قُتل أربعة عناصر من كتائب حزب الله في غارة أمريكية قرب القائم.</p>
<figure><img src="x.jpg"/><figcaption>موقع الغارة قرب القائم (رويترز)</figcaption></figure>
<p>وقال المتحدث باسم البنتاغون إن الضربة جاءت رداً على الهجمات.</p>]]></content:encoded>
</item>
<item><title>هجوم على قاعدة حرير</title><link>https://example.org/2</link>
<pubDate>Wed, 13 Mar 2024 08:00:00 +0300</pubDate>
<description>&lt;p&gt;سقط صاروخان قرب قاعدة &lt;b&gt;حرير&lt;/b&gt; شمال أربيل.&lt;/p&gt;</description>
</item>
<item><title>بلا محتوى</title><link>https://example.org/3</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Rasid feed</title>
<id>urn:rasid:feed</id><updated>2024-02-08T21:23:00Z</updated>
<entry><title>Two US soldiers wounded in drone attack</title>
<link href="https://example.org/en/1"/><id>urn:rasid:1</id>
<updated>2024-02-08T21:23:00Z</updated>
<summary>Short summary.</summary>
<content type="html">&lt;p&gt;Two US soldiers were wounded on Wednesday when a drone struck a base
in eastern Syria, a US official said.&lt;/p&gt;</content></entry>
<entry><title>هجوم بطائرة مسيرة</title><link href="https://example.org/ar/2"/><id>urn:rasid:2</id>
<published>2024-02-07T05:00:00+03:00</published><updated>2024-02-07T09:00:00+03:00</updated>
<content type="text">أسقطت الدفاعات الجوية طائرة مسيرة قرب قاعدة الشدادي.</content></entry>
</feed>"""


def test_rss_feed(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, problems = read_all([str(path)])
    assert [p.reason for p in problems] == ["item 3: no content or summary"]
    first, second = articles
    assert first.url == "https://example.org/1"
    assert first.title == "غارة أمريكية قرب القائم"
    assert (first.published, first.published_from) == ("2024-03-12T06:40:00+00:00", "record")
    assert "ملخص قصير" not in first.text and "<p>" not in first.text
    assert first.text.startswith("قُتل أربعة عناصر")
    assert [first.text[a:b] for a, b in first.captions] == ["موقع الغارة قرب القائم (رويترز)"]
    assert first.source == "أخبار راصد"
    assert second.text == "سقط صاروخان قرب قاعدة حرير شمال أربيل."
    assert second.published == "2024-03-13T05:00:00+00:00"
    assert first.origin == f"{path}#1"


def test_atom_feed_sniffed_from_xml(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(ATOM, encoding="utf-8")
    articles, problems = read_all([str(path)])
    assert problems == []
    english, arabic = articles
    assert english.url == "https://example.org/en/1"
    assert english.text.startswith("Two US soldiers were wounded")
    assert english.lang == "en"
    assert english.published == "2024-02-08T21:23:00+00:00"
    assert arabic.published == "2024-02-07T02:00:00+00:00"
    assert arabic.lang == "ar"


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    articles, problems = read_all([str(path)])
    assert articles == []
    assert problems[0].reason.startswith("not an RSS or Atom feed")


# -- datelines --------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), read_table("datelines.tsv"))
def test_datelines(line: str, expected: str) -> None:
    assert parse_dateline(line) == (None if expected == "-" else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("صورة (أ.ب)\nصورة (أ.ب)\nالخميس 8 فبراير 2024 / 21:23\n\nعنوان\n", "2024-02-08T21:23"),
        ("عنوان\n\nعنوان\n\n\n03/05/2021\n\nنص", "2021-05-03"),
        ("١\n٢\n٣\n٤\n٥\n8 فبراير 2024\n", None),  # below the top lines
        ("الموصل ، العراق – قال مسؤولون في 8 فبراير 2024 إن الهجمات تراجعت.\n", None),
        ("", None),
    ],
)
def test_find_dateline(text: str, expected: str | None) -> None:
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-08T21:23:00+04:00", "2024-02-08T21:23:00+04:00"),
        ("2024-02-08", "2024-02-08"),
        ("Thu, 08 Feb 2024 21:23:00 +0000", "2024-02-08T21:23:00+00:00"),
        ("8 فبراير 2024", "2024-02-08"),
        ("قريبا", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_unreadable_record_date_falls_back_to_dateline(tmp_path: Path) -> None:
    record = {"id": "d", "published": "غير معروف", "text": "03/05/2021\n\n" + ARABIC}
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (article,), _ = read_all([str(path)])
    assert (article.published, article.published_from) == ("2021-05-03", "dateline")


# -- captions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), read_table("captions.tsv"))
def test_caption_lines(line: str, expected: str) -> None:
    assert is_caption_line(line) is (expected == "1")


def test_repeated_top_line_is_a_caption_but_a_repeated_headline_is_not() -> None:
    text = "دورية قرب الحدود\nدورية قرب الحدود\n\nعنوان الخبر\n\nعنوان الخبر\n\nنص الخبر."
    spans = find_captions(text, title=None)
    assert [text[a:b] for a, b in spans] == ["دورية قرب الحدود", "دورية قرب الحدود"]
    doubled = "عنوان الخبر\nعنوان الخبر\nنص."
    assert find_captions(doubled, title="عنوان الخبر") == ()


def test_caption_texts_from_html_are_marked() -> None:
    text = "نص أول.\nجنود في القاعدة\nنص ثان."
    spans = find_captions(text, caption_texts=["جنود  في القاعدة"])
    assert [text[a:b] for a, b in spans] == ["جنود في القاعدة"]


# -- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ARABIC, "ar"),
        ("قتل جنديان", "ar"),
        (
            "Two US soldiers were killed and three wounded in a drone attack on a base in Jordan.",
            "en",
        ),
        (
            "Deux soldats américains ont été tués dans une attaque de drone contre une base.",
            "other",
        ),
        (
            "دو سرباز آمریکایی در حمله پهپادی به پایگاهی در اردن کشته شدند و این گروه مسئولیت را پذیرفت",
            "other",
        ),
        ("Два американских солдата погибли при атаке беспилотника на базу в Иордании.", "other"),
        ("2024 - 12345", "other"),
        ("", "other"),
    ],
)
def test_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_english_caption_in_arabic_article_keeps_it_arabic() -> None:
    assert detect_language("AFP via Getty Images\n" + ARABIC * 3) == "ar"


# -- development articles and samples ----------------------------------------------------------


@needs_dev
def test_dev_jsonl_gives_three_articles_with_titles_and_dates() -> None:
    path = DEV / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    articles, problems = read_all([str(path)])
    assert problems == []
    assert [a.id for a in articles] == [r["id"] for r in records]
    assert [a.title for a in articles] == [r["title"] for r in records]
    assert [a.published for a in articles] == [r["published"] for r in records]
    assert [a.text for a in articles] == [r["text"] for r in records]
    assert all(a.lang == "ar" for a in articles)


@needs_dev
@pytest.mark.parametrize(
    ("prefix", "published"),
    [("000", "2024-02-08T21:23"), ("001", "2021-05-03"), ("002", None)],
)
def test_dev_txt_dates_from_datelines(prefix: str, published: str | None) -> None:
    (path,) = DEV.glob(f"{prefix}_*.txt")
    (article,), problems = read_all([str(path)])
    assert problems == []
    assert article.published == published
    assert article.published_from == ("dateline" if published else None)


@needs_dev
@pytest.mark.parametrize(
    ("prefix", "caption_ends"),
    [
        ("000", ["(أ.ب)", "(أ.ب)"]),
        ("001", []),
        ("002", ["(فريد عبد الواحد / ا ف ب)", "(المكتب الصحفي لرئيس الوزراء العراقي عبر AP)"]),
    ],
)
def test_dev_captions_cover_the_caption_lines(prefix: str, caption_ends: list[str]) -> None:
    (path,) = DEV.glob(f"{prefix}_*.txt")
    (article,), _ = read_all([str(path)])
    lines = [article.text[a:b] for a, b in article.captions]
    assert [
        line[-len(end) :] for line, end in zip(lines, caption_ends, strict=True)
    ] == caption_ends
    for start, end in article.captions:
        line_start = article.text.rfind("\n", 0, start) + 1
        line_end = article.text.find("\n", end)
        assert article.text[line_start:start].strip() == ""
        assert article.text[end : line_end if line_end >= 0 else None].strip() == ""


def test_samples_read_cleanly() -> None:
    articles, problems = read_all([str(SAMPLES)])
    assert problems == []
    assert 6 <= len(articles) <= 8
    assert {Path(a.origin or "").suffix.split(":")[0] for a in articles} >= {
        ".jsonl",
        ".txt",
        ".html",
    }
    for article in articles:
        assert article.lang == "ar"
        assert article.published is not None
        assert article.captions, article.id
    assert len({a.content_hash for a in articles}) == len(articles)


def test_problem_is_one_line() -> None:
    assert str(IngestProblem("a.jsonl", 3, "not valid JSON")) == "a.jsonl:3: not valid JSON"
    assert str(IngestProblem("b.txt", None, "empty file")) == "b.txt: empty file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("نص", "utf-8")
    locked.chmod(0)
    articles, problems = read_all([str(locked)])
    assert articles == []
    assert [p.reason for p in problems] == ["permission denied"]
