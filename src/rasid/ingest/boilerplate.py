"""Page furniture: share buttons, "اقرأ أيضاً" blocks, navigation and subscription lines.

What it catches (patterns in boilerplate.txt): HTML elements whose class or id names a share
bar, related-links box, breadcrumb, newsletter, comments, tags or sidebar; an element that starts
with "اقرأ أيضاً" (or a like cue) together with the list of headline links after it; and, in the
extracted text, lines that start with such a cue or consist only of social-network names.

Guards: elements that hold the article (html, body, article, main, or any element with several
long paragraphs) are never removed by class; a cue must be followed by a non-letter, so a
sentence that merely begins with the same word is kept; only short lines can be share-button
lines.

Risky: a real paragraph that starts with "تابعوا" or "اشترك في" is dropped; an embedded tweet
inside a container named "social" is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rasid.ingest.resources import read_data_lines
from rasid.text import normalize_key

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_HEAD_CHARS = 40
MAX_SHARE_WORDS = 10
MAX_BLOCK_CUE_CHARS = 300
MAX_FOLLOWING_LINK_BLOCKS = 6
LINK_DENSITY = 0.6
LONG_PARAGRAPH_CHARS = 150
KEEP_TAGS = frozenset({"html", "body", "article", "main"})
_CLASS_SPLIT = re.compile(r"[\s_\-]+")


@dataclass(frozen=True, slots=True)
class Boilerplate:
    line_starts: tuple[str, ...]
    share_words: frozenset[str]
    class_words: frozenset[str]
    block_starts: tuple[str, ...]


@lru_cache(maxsize=1)
def boilerplate_patterns() -> Boilerplate:
    """The patterns of boilerplate.txt, normalized for matching."""
    kinds: dict[str, list[str]] = {"line": [], "only": [], "class": [], "block": []}
    for row in read_data_lines("boilerplate.txt"):
        kind, pattern = row.split("\t", 1)
        kinds[kind].append(normalize_key(pattern))
    share = {word for phrase in kinds["only"] for word in phrase.split()}
    return Boilerplate(
        line_starts=tuple(sorted(set(kinds["line"]), key=len, reverse=True)),
        share_words=frozenset(share),
        class_words=frozenset(kinds["class"]),
        block_starts=tuple(sorted(set(kinds["block"]), key=len, reverse=True)),
    )


def _starts_with_cue(key: str, cues: tuple[str, ...]) -> bool:
    for cue in cues:
        if key.startswith(cue):
            after = key[len(cue) : len(cue) + 1]
            if not after or not after.isalnum() or not cue[-1].isalnum():
                return True
    return False


def is_boilerplate_line(line: str) -> bool:
    """True when a line of extracted text is page furniture rather than article text."""
    stripped = line.strip()
    if not stripped:
        return False
    patterns = boilerplate_patterns()
    if _starts_with_cue(normalize_key(stripped[:_HEAD_CHARS]), patterns.line_starts):
        return True
    words = stripped.split()
    if len(words) > MAX_SHARE_WORDS:
        return False
    keys = normalize_key(stripped).replace("|", " ").replace("/", " ").split()
    return bool(keys) and all(key.strip(".:-") in patterns.share_words for key in keys)


def drop_boilerplate_lines(text: str) -> str:
    """``text`` without its page-furniture lines (see is_boilerplate_line)."""
    return "\n".join(line for line in text.split("\n") if not is_boilerplate_line(line))


def remove_boilerplate_elements(root: HtmlElement) -> None:
    """Remove share bars, related-links boxes and "اقرأ أيضاً" blocks from a parsed page."""
    patterns = boilerplate_patterns()
    doomed = [el for el in root.iter() if _is_furniture(el, patterns.class_words)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    for el in [el for el in root.iter() if _starts_block_cue(el, patterns.block_starts)]:
        if el.getparent() is None:
            continue
        block = _enclosing_block(el)
        for sibling in _following_link_blocks(block):
            sibling.drop_tree()
        if block.getparent() is not None and block.tag not in KEEP_TAGS:
            block.drop_tree()


def _is_furniture(el: HtmlElement, class_words: frozenset[str]) -> bool:
    if not isinstance(el.tag, str) or el.tag in KEEP_TAGS:
        return False
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if not names.strip():
        return False
    if not any(word in class_words for word in _CLASS_SPLIT.split(names)):
        return False
    # A container holding several long paragraphs is the article itself, whatever its name.
    long_paragraphs = 0
    for p in el.iter("p"):
        if len(p.text_content()) >= LONG_PARAGRAPH_CHARS:
            long_paragraphs += 1
            if long_paragraphs >= 2:
                return False
    return True


def _starts_block_cue(el: HtmlElement, cues: tuple[str, ...]) -> bool:
    if not isinstance(el.tag, str) or el.tag in KEEP_TAGS:
        return False
    own = (el.text or "").strip()
    if not own:
        return False
    return _starts_with_cue(normalize_key(own[:_HEAD_CHARS]), cues)


_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "aside", "li", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "blockquote"}
)


def _enclosing_block(el: HtmlElement) -> HtmlElement:
    block = el
    while block.tag not in _BLOCK_TAGS:
        parent = block.getparent()
        if parent is None or parent.tag in KEEP_TAGS:
            break
        block = parent
    # Climb to the box that holds the cue and its links when that box is small.
    parent = block.getparent()
    while (
        parent is not None
        and parent.tag not in KEEP_TAGS
        and len(parent.text_content()) <= MAX_BLOCK_CUE_CHARS * 3
        and _link_density(parent) >= LINK_DENSITY
    ):
        block, parent = parent, parent.getparent()
    return block


def _following_link_blocks(block: HtmlElement) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    sibling = block.getnext()
    while sibling is not None and len(found) < MAX_FOLLOWING_LINK_BLOCKS:
        if not isinstance(sibling.tag, str) or _link_density(sibling) < LINK_DENSITY:
            break
        found.append(sibling)
        sibling = sibling.getnext()
    return found


def _link_density(el: HtmlElement) -> float:
    total = len(el.text_content().strip())
    if total == 0:
        return 0.0
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return linked / total
