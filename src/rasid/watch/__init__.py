"""The monitor: live feeds and sitemaps polled on a schedule, their new articles ingested as
``rasid ingest`` ingests them, and alerts on the events an analyst's watchlists follow, by
webhook, mail, the web UI and an Atom feed (``rasid watch``)."""

from __future__ import annotations

from rasid.watch.config import FeedSpec, MailConfig, WatchConfig, read_config
from rasid.watch.poll import RoundReport, run_round, watch
from rasid.watch.state import Watchlist

__all__ = [
    "FeedSpec",
    "MailConfig",
    "RoundReport",
    "WatchConfig",
    "Watchlist",
    "read_config",
    "run_round",
    "watch",
]
