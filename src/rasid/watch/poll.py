"""Polling feeds and sitemaps: one round fetches each due feed (conditionally), fetches each
item's page not seen before, and ingests it through the ingest job (``rasid.jobs.Ingestion``),
the same de-duplication, pipeline, merge and writer as ``rasid ingest``.

A feed is RSS, Atom or an XML sitemap (``rasid.watch.sitemap``). A sitemap's URL is an item
keyed by its URL and ``<lastmod>``, so a page changed since it was read is read again (a new
version when its text changed, skipped by content hash when not); only URLs changed within the
feed's ``days`` are read. The sitemaps of a sitemap index are polled as feeds of their own
(each with its validators), except those whose ``<lastmod>`` is the one recorded when they
were last read in full, or older than ``days``.

Crash safety, in order: an article is written (one transaction), then its item is recorded as
seen, then, once every item of the feed is recorded, the feed's ETag and Last-Modified. A kill
between any two steps loses nothing: the next round fetches the feed in full and an article
already written is skipped by its content hash. An item whose page fails transiently is left
unseen (and the validators unsaved) so the next round tries it again; one whose page is gone
(4xx) is ingested from the feed's own text when it has some, else recorded as failed. A poll
reads at most ``max_items`` new items; the others wait for the next round the same way.

A bad feed (an HTTP error, a timeout, HTML instead of XML, broken XML) is one status line; the
round goes on with the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from rasid.ingest.assemble import Found, build_article, first_text
from rasid.ingest.feeds import looks_like_feed
from rasid.ingest.problem import IngestProblem
from rasid.records import Article
from rasid.watch import state
from rasid.watch.config import FeedSpec, WatchConfig
from rasid.watch.fetch import Fetched, Fetcher
from rasid.watch.sitemap import (
    SitemapEntry,
    SitemapError,
    looks_like_sitemap,
    read_sitemap,
    recent,
)

log = logging.getLogger(__name__)

MAX_DEPTH = 2  # an index of indexes of sitemaps, no deeper


@dataclass
class FeedRound:
    """What one poll of one feed did; ``line`` is its status line."""

    url: str
    ok: bool = True
    not_modified: bool = False
    new: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    sitemaps: int = 0  # sitemaps of an index read this poll
    complete: bool = True  # every item recorded: the validators may be saved
    error: str | None = None

    @property
    def line(self) -> str:
        if self.error is not None:
            return f"{self.url}: error: {self.error}"
        if self.not_modified:
            return f"{self.url}: ok, not modified"
        line = (
            f"{self.url}: ok, {self.new} new ({self.stored} stored, {self.skipped} already there,"
            f" {self.failed} failed)"
        )
        return line + (f" from {self.sitemaps} sitemaps" if self.sitemaps else "")

    def add(self, other: FeedRound) -> None:
        """Count a child sitemap's poll in its index's."""
        self.sitemaps += 1
        self.new += other.new
        self.stored += other.stored
        self.skipped += other.skipped
        self.failed += other.failed
        self.complete = self.complete and other.complete and other.error is None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a feed lists: its items (key, entry) and title, and a sitemap index's sitemaps."""

    items: list[tuple[str, Any]]
    title: str | None = None
    children: tuple[SitemapEntry, ...] = ()


class ListingError(ValueError):
    """The feed's body is no feed (the message is its status)."""


def _read_feed(body: bytes) -> Listing:
    import feedparser

    parsed = feedparser.parse(body)
    keyed = [(k, e) for e in parsed.get("entries") or [] if (k := _item_key(e))]
    if not keyed and parsed.get("bozo"):  # a broken feed's whole items are still read
        raise ListingError(f"broken XML ({parsed.get('bozo_exception')})")
    return Listing(keyed, first_text([parsed.get("feed", {}).get("title")]))


def _sitemap_item(entry: SitemapEntry) -> tuple[str, dict[str, Any]]:
    """A sitemap's URL as a feed entry; its key changes when its ``<lastmod>`` does."""
    key = f"{entry.loc} {entry.lastmod}" if entry.lastmod else entry.loc
    return key, {
        "id": key,
        "link": entry.loc,
        "title": entry.title,
        "published": entry.published,
        "updated": entry.lastmod,
    }


def _newest_first(entry: SitemapEntry) -> str:
    return entry.lastmod or entry.published or ""


def read_listing(got: Fetched, feed: FeedSpec) -> Listing:
    """The items of a fetched feed or sitemap; raises ListingError when it is neither."""
    if looks_like_sitemap(got.body):
        try:
            sitemap = read_sitemap(got.body)
        except SitemapError as exc:
            raise ListingError(str(exc)) from exc
        fresh = sorted(
            (e for e in sitemap.entries if recent(e, feed.days)), key=_newest_first, reverse=True
        )
        if sitemap.is_index:
            return Listing([], children=tuple(fresh))
        return Listing([_sitemap_item(e) for e in fresh])
    if looks_like_feed(got.body):
        return _read_feed(got.body)
    kind = got.headers.get("content-type", "unknown type").split(";")[0]
    raise ListingError(f"not an RSS or Atom feed or a sitemap (got {kind})")


def _item_key(entry: Any) -> str | None:
    return first_text([entry.get("id"), entry.get("link")])


def _decode(page: Fetched) -> str:
    from charset_normalizer import from_bytes

    try:
        return page.body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(page.body).best()
        return str(best) if best is not None else page.body.decode("utf-8", "replace")


def _article_of(
    entry: Any, page: Fetched | None, feed_url: str, source: str | None
) -> Article | None:
    """The item's article: its page's text and metadata, else the feed's own text."""
    from rasid.ingest.feeds import _entry_date, _read_entry
    from rasid.ingest.html import extract_html

    link = first_text([entry.get("link")])
    if page is not None and page.ok:
        html = extract_html(_decode(page))
        if html.text.strip():
            return build_article(
                Found(
                    text=html.text,
                    origin=link or feed_url,
                    title=html.title or first_text([entry.get("title")]),
                    url=link,
                    source=source,
                    published=html.published or _entry_date(entry),
                    caption_texts=html.captions,
                )
            )
    item = _read_entry(entry, feed_url, 0, source)
    return None if isinstance(item, IngestProblem) else item


def _ingest_one(job: Any, article: Article) -> tuple[str, str | None]:
    """Ingest one article through the job; (outcome, stored id)."""
    from rasid.jobs import _process_batch

    before = (job.report.stored, job.report.versions, job.report.skipped)
    kept = job.fresh([article])
    if kept:
        job.write(_process_batch(kept))
    stored, versions, skipped = job.report.stored, job.report.versions, job.report.skipped
    if (stored, versions) != before[:2]:
        return "stored", kept[0].id
    if skipped != before[2]:
        return "already_there", job.store.id_of_hash(article.content_hash)
    return "failed", None


def poll_feed(
    job: Any, fetcher: Fetcher, feed: FeedSpec, *, lastmod: str | None = None, depth: int = 0
) -> FeedRound:
    """One poll of one feed (or sitemap, with the sitemaps of an index); never raises for what
    the feed or its pages do. ``lastmod`` is the one an index gave this sitemap."""
    store = job.store
    out = FeedRound(feed.url)
    known = state.feed_state(store, feed.url)
    got = fetcher.get(feed.url, etag=known.get("etag"), last_modified=known.get("last_modified"))
    listing = None
    if got.status == 304:
        out.not_modified = True
    elif got.error is not None or got.status != 200:
        out.error = got.error or f"HTTP {got.status}"
    else:
        try:
            listing = read_listing(got, feed)
        except ListingError as exc:
            out.error = str(exc)
    if listing is None:
        out.ok = out.error is None
        out.complete = out.ok
        state.record_poll(store, feed.url, status=out.line, ok=out.ok)
        return out
    for child in listing.children:
        if depth >= MAX_DEPTH:
            log.warning("%s: sitemap index nested too deep, %s not read", feed.url, child.loc)
            break
        if child.lastmod and child.lastmod == state.feed_state(store, child.loc).get("lastmod"):
            continue  # read in full since it last changed
        out.add(
            poll_feed(
                job, fetcher, replace(feed, url=child.loc), lastmod=child.lastmod, depth=depth + 1
            )
        )
    source = feed.outlet or listing.title or urlsplit(feed.url).netloc
    _read_items(job, fetcher, feed, listing.items, source, out)
    state.record_poll(
        store,
        feed.url,
        status=out.line,
        ok=True,
        new_items=out.stored,
        validators=(got.headers.get("etag"), got.headers.get("last-modified"))
        if out.complete
        else None,
        lastmod=lastmod if out.complete else None,
    )
    return out


def _read_items(
    job: Any,
    fetcher: Fetcher,
    feed: FeedSpec,
    items: list[tuple[str, Any]],
    source: str,
    out: FeedRound,
) -> None:
    """Fetch, ingest and record each item not seen before, at most ``feed.max_items``."""
    store = job.store
    seen = state.seen_keys(store, [k for k, _ in items])
    read = 0
    for key, entry in items:
        if key in seen:
            continue
        if read >= feed.max_items:  # the rest wait for the next round
            out.complete = False
            break
        seen.add(key)
        read += 1
        out.new += 1
        link = first_text([entry.get("link")])
        page = fetcher.get(link) if link else None
        if page is not None and page.status == 0:  # transient: try again next round
            out.complete = False
            out.failed += 1
            log.warning("%s: %s", link, page.error)
            continue
        article = _article_of(entry, page, feed.url, source)
        outcome, article_id = ("failed", None) if article is None else _ingest_one(job, article)
        if outcome == "stored":
            out.stored += 1
        elif outcome == "already_there":
            out.skipped += 1
        else:
            out.failed += 1
        state.mark_seen(store, key, feed.url, link, article_id, outcome)


@dataclass
class RoundReport:
    feeds: list[FeedRound] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    delivered: int = 0
    pending: int = 0


def run_round(
    store_url: str, config: WatchConfig, fetcher: Fetcher, feeds: list[FeedSpec]
) -> RoundReport:
    """Poll ``feeds`` once, then raise the alerts their new articles give and deliver them.

    The alerts are raised from what the store holds, not from this round's memory: articles
    stored by a round killed before its alerts give theirs in the next."""
    from rasid.jobs import Ingestion
    from rasid.watch.alerts import deliver_alerts, raise_alerts
    from rasid.watch.mail import send_alerts

    report = RoundReport()
    job = Ingestion([], store_url)
    try:
        for feed in feeds:
            try:
                report.feeds.append(poll_feed(job, fetcher, feed))
            except Exception as exc:  # one feed must not end the round
                log.debug("polling %s failed", feed.url, exc_info=True)
                failed = FeedRound(feed.url, ok=False, error=f"{type(exc).__name__}: {exc}")
                state.record_poll(job.store, feed.url, status=failed.line, ok=False)
                report.feeds.append(failed)
        store = job.store
        touched: set[str] = set()
        for article_id in state.articles_to_alert(store):
            touched.update(store.records_of_article(article_id)["events"])
        report.alerts = raise_alerts(store, touched, config.mail)
        state.mark_alerted(store)
        if config.webhook and config.secret:
            report.delivered, report.pending = deliver_alerts(
                store, fetcher, config.webhook, config.secret
            )
        if config.mail is not None:
            sent, unsent = send_alerts(store, config.mail, link=config.link, fetcher=fetcher)
            report.delivered += sent
            report.pending += unsent
    finally:
        job.close()
    return report


def watch(
    store_url: str,
    config: WatchConfig,
    *,
    once: bool = False,
    on_round: Callable[[RoundReport], None] | None = None,
    max_rounds: int | None = None,
) -> Iterator[RoundReport]:
    """Poll every feed when it is due, round after round (one round with ``once``)."""
    fetcher = Fetcher(
        timeout=config.timeout,
        retries=config.retries,
        backoff=config.backoff,
        host_interval=config.host_interval,
    )
    due = {feed.url: 0.0 for feed in config.feeds}
    rounds = 0
    try:
        while True:
            now = time.monotonic()
            feeds = [f for f in config.feeds if once or due[f.url] <= now]
            report = run_round(store_url, config, fetcher, feeds)
            for feed in feeds:
                due[feed.url] = now + feed.every
            if on_round:
                on_round(report)
            yield report
            rounds += 1
            if once or (max_rounds is not None and rounds >= max_rounds):
                return
            time.sleep(max(0.0, min(due.values()) - time.monotonic()))
    finally:
        fetcher.close()
