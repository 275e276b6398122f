"""Polling feeds: one round fetches each due feed (conditionally), fetches each item's page not
seen before, and ingests it through the ingest job (``rasid.jobs.Ingestion``), the same
de-duplication, pipeline, merge and writer as ``rasid ingest``.

Crash safety, in order: an article is written (one transaction), then its item is recorded as
seen, then, once every item of the feed is recorded, the feed's ETag and Last-Modified. A kill
between any two steps loses nothing: the next round fetches the feed in full and an article
already written is skipped by its content hash. An item whose page fails transiently is left
unseen (and the validators unsaved) so the next round tries it again; one whose page is gone
(4xx) is ingested from the feed's own text when it has some, else recorded as failed.

A bad feed (an HTTP error, a timeout, HTML instead of XML) is one status line; the round goes
on with the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasid.errors import CliError
from rasid.ingest.assemble import Found, build_article, first_text
from rasid.ingest.feeds import looks_like_feed
from rasid.ingest.problem import IngestProblem
from rasid.records import Article
from rasid.watch import state
from rasid.watch.fetch import Fetched, Fetcher

log = logging.getLogger(__name__)

DEFAULT_EVERY = 600.0


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to watch: its URL, seconds between polls and the outlet its articles name."""

    url: str
    every: float = DEFAULT_EVERY
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class WatchConfig:
    feeds: tuple[FeedSpec, ...]
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    host_interval: float = 1.0
    webhook: str | None = None
    secret: str | None = None


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
    error: str | None = None
    event_ids: set[str] = field(default_factory=set)

    @property
    def line(self) -> str:
        if self.error is not None:
            return f"{self.url}: error: {self.error}"
        if self.not_modified:
            return f"{self.url}: ok, not modified"
        return (
            f"{self.url}: ok, {self.new} new ({self.stored} stored, {self.skipped} already there,"
            f" {self.failed} failed)"
        )


def read_config(path: str | None, urls: list[str], **overrides: Any) -> WatchConfig:
    """The watch configuration from a YAML file and feed URLs given on the command line.

    The file: ``feeds`` (URLs, or mappings with ``url``, ``every`` seconds and ``outlet``) and
    optionally ``every``, ``timeout``, ``retries``, ``backoff``, ``host_interval`` and
    ``webhook`` (its secret comes from the environment, never the file)."""
    import yaml

    data: dict[str, Any] = {}
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CliError(f"{path}: cannot read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise CliError(f"{path}: not readable YAML ({exc})") from exc
        if not isinstance(loaded, dict) or not isinstance(loaded.get("feeds"), list):
            raise CliError(f"{path}: expected a mapping with a list under 'feeds'")
        data = loaded
    every = float(data.get("every", DEFAULT_EVERY))
    feeds: list[FeedSpec] = []
    for i, given in enumerate(data.get("feeds", []), start=1):
        item = {"url": given} if isinstance(given, str) else given
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise CliError(f"{path}: feed {i} needs a 'url'")
        feeds.append(FeedSpec(item["url"], float(item.get("every", every)), item.get("outlet")))
    feeds.extend(FeedSpec(url, every) for url in urls)
    if not feeds:
        raise CliError("no feeds to watch: give FEEDS.yaml or feed URLs")
    for feed in feeds:
        if urlsplit(feed.url).scheme not in {"http", "https"}:
            raise CliError(f"{feed.url}: not an http(s) URL")
    keys = ("timeout", "retries", "backoff", "host_interval")
    settings: dict[str, Any] = {k: data[k] for k in keys if k in data}
    settings["webhook"] = data.get("webhook")
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return WatchConfig(feeds=tuple(feeds), **settings)


def _entries(body: bytes) -> tuple[list[Any], str | None]:
    import feedparser

    parsed = feedparser.parse(body)
    return list(parsed.get("entries") or []), first_text([parsed.get("feed", {}).get("title")])


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


def poll_feed(job: Any, fetcher: Fetcher, feed: FeedSpec) -> FeedRound:
    """One poll of one feed; never raises for what the feed or its pages do."""
    store = job.store
    out = FeedRound(feed.url)
    known = state.feed_state(store, feed.url)
    got = fetcher.get(feed.url, etag=known.get("etag"), last_modified=known.get("last_modified"))
    if got.status == 304:
        out.not_modified = True
    elif got.error is not None or got.status != 200:
        out.error = got.error or f"HTTP {got.status}"
    elif not looks_like_feed(got.body):
        kind = got.headers.get("content-type", "unknown type").split(";")[0]
        out.error = f"not an RSS or Atom feed (got {kind})"
    if out.error is not None or out.not_modified:
        out.ok = out.error is None
        state.record_poll(store, feed.url, status=out.line, ok=out.ok)
        return out
    entries, title = _entries(got.body)
    source = feed.outlet or title or urlsplit(feed.url).netloc
    keyed = [(k, e) for e in entries if (k := _item_key(e))]
    seen = state.seen_keys(store, [k for k, _ in keyed])
    complete = True
    for key, entry in keyed:
        if key in seen:
            continue
        seen.add(key)
        out.new += 1
        link = first_text([entry.get("link")])
        page = fetcher.get(link) if link else None
        if page is not None and page.status == 0:  # transient: try again next round
            complete = False
            out.failed += 1
            log.warning("%s: %s", link, page.error)
            continue
        article = _article_of(entry, page, feed.url, source)
        outcome, article_id = ("failed", None) if article is None else _ingest_one(job, article)
        if outcome == "stored":
            out.stored += 1
            if article_id:
                out.event_ids.update(store.records_of_article(article_id)["events"])
        elif outcome == "already_there":
            out.skipped += 1
        else:
            out.failed += 1
        state.mark_seen(store, key, feed.url, link, article_id, outcome)
    validators = (got.headers.get("etag"), got.headers.get("last-modified")) if complete else None
    state.record_poll(
        store, feed.url, status=out.line, ok=True, new_items=out.stored, validators=validators
    )
    return out


@dataclass
class RoundReport:
    feeds: list[FeedRound] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    delivered: int = 0
    pending: int = 0


def run_round(
    store_url: str, config: WatchConfig, fetcher: Fetcher, feeds: list[FeedSpec]
) -> RoundReport:
    """Poll ``feeds`` once, then raise the alerts their new articles give and deliver them."""
    from rasid.jobs import Ingestion
    from rasid.watch.alerts import deliver_alerts, raise_alerts

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
        touched = set().union(*(f.event_ids for f in report.feeds))
        report.alerts = raise_alerts(job.store, touched)
        if config.webhook and config.secret:
            report.delivered, report.pending = deliver_alerts(
                job.store, fetcher, config.webhook, config.secret
            )
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
