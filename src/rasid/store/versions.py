"""An article whose id is stored with another text: a new version, or a conflict reported.

Articles are keyed by content hash (the same text is stored once, whatever its id) and by id.
A text that comes under an id already stored with another text is an edited or corrected
article, or two sources that chose the same id. Nothing is dropped without a word; what happens
is the policy's (``rasid ingest --on-conflict``, ``on_conflict`` of POST /api/articles):

- ``version`` (the default): the new text is stored as a new version, under the id ``ID~vN``
  (N = 2, 3 ...; the first text, under ID, is version 1), with ``version_of`` = ID and
  ``version`` = N; the old text and what was found in it stay. A note names the new id.
- ``skip``: the new text is not stored; a problem line says so.

The decision is taken before the pipeline runs (the records found in an article carry its id),
against the store and against the ids this job has sent to be stored and not yet written
(``Claims``). A writer that takes the id in between, another job, is caught when the article is
written: the article is then reported as a conflict, never lost silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rasid.records import Article

if TYPE_CHECKING:
    from rasid.store import Store

POLICIES = ("version", "skip")
DEFAULT_POLICY = "version"
ID_CHARS = 300  # the articles table's id column


@dataclass
class Claims:
    """Ids this job sent to be stored and has not written yet, with their content hash."""

    ids: dict[str, str] = field(default_factory=dict)

    def release(self, ids: Sequence[str]) -> None:
        """The articles of a written batch: the store knows them now."""
        for aid in ids:
            self.ids.pop(aid, None)


@dataclass
class Settled:
    """A batch after its ids are settled: the articles to process (versions renamed), those
    whose text is stored already, and a line for each version and each conflict."""

    keep: list[Article] = field(default_factory=list)
    already: int = 0
    versions: dict[str, tuple[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def settle_ids(
    store: Store, batch: Sequence[Article], policy: str, claims: Claims | None = None
) -> Settled:
    """Leave out the articles of ``batch`` already stored (or repeated in it), and apply
    ``policy`` to those whose id is stored, or claimed, with another text."""
    if policy not in POLICIES:
        raise ValueError(f"unknown id conflict policy {policy!r}")
    claims = claims if claims is not None else Claims()
    out = Settled()
    known = store.known_hashes([a.content_hash for a in batch])
    pending: list[Article] = []
    seen: dict[str, str] = {}  # hash -> the id that brings it in this batch
    copies: list[Article] = []
    for a in batch:
        if a.content_hash in known or a.content_hash in seen:
            out.already += 1
            if seen.get(a.content_hash) != a.id:
                copies.append(a)
        else:
            seen[a.content_hash] = a.id
            pending.append(a)
    if copies:
        # a copy's id resolves to the stored text, whichever id was read first; the same id
        # and text read again is no copy
        stored_as = store.hashes_of_ids([a.id for a in copies])
        store.add_aliases([a for a in copies if stored_as.get(a.id) != a.content_hash])
    stored = store.hashes_of_ids([a.id for a in pending])
    for a in pending:
        taken = claims.ids.get(a.id) or stored.get(a.id)
        if taken is None:
            claims.ids[a.id] = a.content_hash
            out.keep.append(a)
            continue
        label = a.origin or a.id
        if taken == a.content_hash:  # the same text, in a batch not written yet
            out.already += 1
        elif policy == "skip":
            out.conflicts.append(conflict_line(label, a.id, "--on-conflict skip"))
        else:
            new_id, number = next_version(store, a.id, claims)
            claims.ids[new_id] = a.content_hash
            out.versions[new_id] = (a.id, number)
            out.keep.append(replace(a, id=new_id))
            out.notes.append(
                f"{label}: id {a.id!r} is stored with another text;"
                f" stored as version {number}, id {new_id!r}"
            )
    return out


def conflict_line(label: str, article_id: str, why: str) -> str:
    return f"{label}: id {article_id!r} is stored with another text; not stored ({why})"


def version_id(base: str, number: int) -> str:
    suffix = f"~v{number}"
    return base[: ID_CHARS - len(suffix)] + suffix


def next_version(store: Store, base: str, claims: Claims) -> tuple[str, int]:
    """The id and number of the next version of ``base``: past every stored or claimed one."""
    number = max(store.last_version(base), 1) + 1
    while True:
        candidate = version_id(base, number)
        if candidate not in claims.ids and not store.hashes_of_ids([candidate]):
            return candidate, number
        number += 1
