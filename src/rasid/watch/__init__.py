"""The monitor: live feeds polled on a schedule, their new articles ingested as ``rasid ingest``
ingests them, and alerts on the events an analyst's watchlists follow (``rasid watch``)."""

from __future__ import annotations

from rasid.watch.poll import FeedSpec, RoundReport, WatchConfig, read_config, run_round, watch
from rasid.watch.state import Watchlist

__all__ = [
    "FeedSpec",
    "RoundReport",
    "WatchConfig",
    "Watchlist",
    "read_config",
    "run_round",
    "watch",
]
