"""A watchlist's alerts as an Atom 1.0 feed (RFC 4287) that any feed reader can follow.

The document is built as an element tree, so every value is XML-escaped by the serializer;
each entry's content is the alert's HTML (``rasid.watch.notice.notice_html``, article text
escaped in it once more), sent as ``type="html"``, and its summary plain text. Entry ids are
``urn:uuid:`` names derived from the alert, so they stay the same whatever address the server
is reached at and differ between stores.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote

from rasid import __version__
from rasid.watch.notice import compose_notices, notice_html, say
from rasid.watch.state import Watchlist, list_alerts

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ENTRIES = 50
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def entry_id(alert: dict[str, Any]) -> str:
    name = f"rasid:alert:{alert['id']}:{alert['event_id']}:{alert['created_at']}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def watchlist_feed(store: Any, watchlist: Watchlist, base: str, *, lang: str = "en") -> bytes:
    """The Atom document of the last ``ENTRIES`` alerts of ``watchlist``; ``base`` is the web
    UI's address, for the links."""
    alerts = list_alerts(store, limit=ENTRIES, watchlist=watchlist.name)
    notices = compose_notices(store, alerts, lang, base)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {_XML_LANG: lang})
    here = f"{base}/watchlists/{quote(watchlist.name, safe='')}"
    _add(feed, "id", f"{here}/atom")
    _add(feed, "title", say(lang, "alert.feed_title", watchlist=watchlist.name), type="text")
    subtitle = say(lang, "alert.feed_subtitle", watchlist=watchlist.name)
    _add(feed, "subtitle", subtitle, type="text")
    updated = max((a["created_at"] for a in alerts), default="1970-01-01T00:00:00+00:00")
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", type="application/atom+xml", href=f"{here}/atom")
    alternate = f"{base}/alerts?watchlist={quote(watchlist.name, safe='')}"
    _add(feed, "link", rel="alternate", type="text/html", href=alternate)
    author = _add(feed, "author")
    _add(author, "name", say(lang, "alert.app"))
    _add(feed, "generator", "Rasid", version=__version__)
    for alert, notice in zip(alerts, notices, strict=True):
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(alert))
        _add(entry, "title", notice.subject, type="text")
        _add(entry, "updated", alert["created_at"])
        _add(entry, "published", alert["created_at"])
        if notice.link:
            _add(entry, "link", rel="alternate", type="text/html", href=notice.link)
        _add(entry, "category", term=notice.kind, label=say(lang, f"alert.kind.{notice.kind}"))
        _add(entry, "summary", notice.headline.striptags(), type="text")
        _add(entry, "content", str(notice_html(notice)), type="html")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
