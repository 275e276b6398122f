"""The monitor's configuration: FEEDS.yaml, the feed URLs of the command line, and the secrets of
the environment.

FEEDS.yaml holds ``feeds`` (URLs, or mappings with ``url``, ``every`` seconds, ``outlet``,
``days`` and ``max_items``) and optionally ``every``, ``days``, ``max_items``, ``timeout``,
``retries``, ``backoff``, ``host_interval``, ``webhook``, ``link`` (the web UI's address, for
links in alerts) and ``email`` (an SMTP server and who is mailed). Secrets come from the
environment and never from the file, which is refused when it holds one: the webhook's in
``RASID_WEBHOOK_SECRET``, the SMTP login in ``RASID_SMTP_USER`` and ``RASID_SMTP_PASSWORD``.

Every mistake is one line naming the file, the line and what to write instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rasid.errors import CliError

DEFAULT_EVERY = 600.0
DEFAULT_DAYS = 2.0  # a sitemap's URLs last changed longer ago are not read
DEFAULT_MAX_ITEMS = 200  # new items read from one feed in one poll; the rest wait a round
LANGS = ("en", "ar")
SECURITY = ("starttls", "ssl", "none")
SECRET_ENV = "RASID_WEBHOOK_SECRET"
SMTP_USER_ENV = "RASID_SMTP_USER"
SMTP_PASSWORD_ENV = "RASID_SMTP_PASSWORD"
SETTINGS = (
    "feeds", "every", "days", "max_items", "timeout", "retries", "backoff", "host_interval",
    "webhook", "link", "email",
)  # fmt: skip
_LINE = "__line__"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_SECRET_KEYS = {"secret": SECRET_ENV, "user": SMTP_USER_ENV, "password": SMTP_PASSWORD_ENV}


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed or sitemap to watch: its URL, seconds between polls, the outlet its articles
    name, how many days back a sitemap's URLs are read, and how many new items a poll reads."""

    url: str
    every: float = DEFAULT_EVERY
    outlet: str | None = None
    days: float | None = DEFAULT_DAYS
    max_items: int = DEFAULT_MAX_ITEMS


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    lang: str | None = None  # None: the watchlist's language, else the mail's default


@dataclass(frozen=True, slots=True)
class MailConfig:
    """An SMTP server and the addresses that get every watchlist's alerts."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    to: tuple[Recipient, ...] = ()
    lang: str = "en"
    user: str | None = None
    password: str | None = None
    ca_file: str | None = None  # a private CA that signs the server's certificate
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class WatchConfig:
    feeds: tuple[FeedSpec, ...]
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    host_interval: float = 1.0
    webhook: str | None = None
    secret: str | None = None
    mail: MailConfig | None = None
    link: str | None = None  # the web UI's base URL: alerts link to /events/ID there


def _loader() -> type:
    import yaml

    class LineLoader(yaml.SafeLoader):
        """Mappings remember the line they start on, for the error messages."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            mapping = super().construct_mapping(node, deep=deep)
            mapping[_LINE] = node.start_mark.line + 1
            return mapping

    return LineLoader


class _Reader:
    """Typed values out of one file's mappings; every error names the file and the line."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, where: Mapping[str, Any] | str | None, reason: str) -> CliError:
        line = None
        if isinstance(where, Mapping):
            line = where.get(_LINE)
        elif isinstance(where, str):  # a scalar: the first line that holds it
            line = next(
                (i for i, text in enumerate(self.text.splitlines(), 1) if where in text), None
            )
        return CliError(f"{self.path}:{line}: {reason}" if line else f"{self.path}: {reason}")

    def check_keys(self, data: Mapping[str, Any], known: tuple[str, ...], what: str) -> None:
        for key in data:
            if key == _LINE:
                continue
            if key in _SECRET_KEYS:
                raise self.fail(
                    data, f"{what}: no {key} in the file; set {_SECRET_KEYS[key]} instead"
                )
            if key not in known:
                known_keys = ", ".join(known)
                raise self.fail(data, f"{what}: unknown setting {key!r} (known: {known_keys})")

    def number(self, data: Mapping[str, Any], key: str, default: Any, *, least: float = 0) -> Any:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
            raise self.fail(data, f"{key!r} must be a number, at least {least:g} (got {value!r})")
        return value

    def string(self, data: Mapping[str, Any], key: str, *, choices: tuple[str, ...] = ()) -> Any:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(data, f"{key!r} must be text (got {value!r})")
        if choices and value not in choices:
            raise self.fail(data, f"{key!r} must be one of {', '.join(choices)} (got {value!r})")
        return value.strip()


def check_http_url(url: str) -> str | None:
    """The reason ``url`` cannot be polled, or None."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return f"{url}: not an http(s) URL"
    return None


def check_address(address: str) -> str | None:
    """The reason ``address`` is not a mail address, or None (a plain check, not RFC 5322)."""
    local, at, domain = address.partition("@")
    if not at or not local or "." not in domain or any(c in address for c in " ,;<>\r\n\"'"):
        return f"{address!r} is not a mail address (name@example.org)"
    return None


def _feeds(r: _Reader, data: Mapping[str, Any]) -> list[FeedSpec]:
    every = r.number(data, "every", DEFAULT_EVERY, least=1)
    days = r.number(data, "days", DEFAULT_DAYS)
    max_items = r.number(data, "max_items", DEFAULT_MAX_ITEMS, least=1)
    given = data.get("feeds")
    if not isinstance(given, list):
        raise r.fail(data, "expected a list of feeds under 'feeds'")
    feeds = []
    for i, raw in enumerate(given, start=1):
        item: Mapping[str, Any] = {"url": raw} if isinstance(raw, str) else raw
        if not isinstance(item, Mapping) or not isinstance(item.get("url"), str):
            raise r.fail(data, f"feed {i} needs a 'url'")
        r.check_keys(item, ("url", "every", "outlet", "days", "max_items"), f"feed {i}")
        problem = check_http_url(item["url"])
        if problem:
            raise r.fail(item if isinstance(raw, Mapping) else raw, problem)
        feeds.append(
            FeedSpec(
                url=item["url"],
                every=float(r.number(item, "every", every, least=1)),
                outlet=r.string(item, "outlet"),
                days=r.number(item, "days", days),
                max_items=int(r.number(item, "max_items", max_items, least=1)),
            )
        )
    return feeds


def _mail(r: _Reader, data: Mapping[str, Any], env: Mapping[str, str]) -> MailConfig:
    known = ("host", "port", "security", "from", "to", "lang", "ca_file", "timeout")
    r.check_keys(data, known, "email")
    host, sender = r.string(data, "host"), r.string(data, "from")
    if not host or not sender:
        raise r.fail(data, "email needs a 'host' (the SMTP server) and a 'from' address")
    problem = check_address(sender)
    if problem:
        raise r.fail(data, f"email 'from': {problem}")
    security = r.string(data, "security", choices=SECURITY) or "starttls"
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    to = []
    for i, raw in enumerate(data.get("to") or [], start=1):
        item: Mapping[str, Any] = {"address": raw} if isinstance(raw, str) else raw
        if not isinstance(item, Mapping) or not isinstance(item.get("address"), str):
            raise r.fail(data, f"email 'to' {i}: an address, or a mapping with 'address'")
        r.check_keys(item, ("address", "lang"), f"email 'to' {i}")
        problem = check_address(item["address"])
        if problem:
            raise r.fail(item if isinstance(raw, Mapping) else raw, problem)
        to.append(Recipient(item["address"], r.string(item, "lang", choices=LANGS)))
    user, password = env.get(SMTP_USER_ENV) or None, env.get(SMTP_PASSWORD_ENV) or None
    if bool(user) != bool(password):
        raise CliError(f"set both {SMTP_USER_ENV} and {SMTP_PASSWORD_ENV}, or neither")
    if user and security == "none" and host not in _LOOPBACK:
        raise r.fail(
            data, f"email: not sending a password in clear to {host}: set security to starttls"
        )
    return MailConfig(
        host=host,
        sender=sender,
        port=int(r.number(data, "port", default_port, least=1)),
        security=security,
        to=tuple(to),
        lang=r.string(data, "lang", choices=LANGS) or "en",
        user=user,
        password=password,
        ca_file=r.string(data, "ca_file"),
        timeout=float(r.number(data, "timeout", 10.0, least=0.1)),
    )


def read_config(
    path: str | None,
    urls: list[str],
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> WatchConfig:
    """The watch configuration from a YAML file, feed URLs and the environment; ``overrides``
    (the command line's options) win over the file when they are not None."""
    import yaml

    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    r = _Reader(path or "command line", "")
    if path:
        try:
            r.text = Path(path).read_text(encoding="utf-8")
            loaded = yaml.load(r.text, Loader=_loader())
        except OSError as exc:
            raise CliError(f"{path}: cannot read ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise CliError(f"{path}: not UTF-8 text ({exc.reason})") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else path
            raise CliError(f"{where}: not readable YAML ({getattr(exc, 'problem', exc)})") from exc
        if not isinstance(loaded, dict):
            raise CliError(f"{path}: expected a mapping with a list under 'feeds'")
        data = loaded
        r.check_keys(data, SETTINGS, "settings")
    feeds = _feeds(r, data) if path else []
    every = overrides.pop("every", None)
    feeds += [FeedSpec(url, float(every or data.get("every", DEFAULT_EVERY))) for url in urls]
    if not feeds:
        raise CliError("no feeds to watch: give FEEDS.yaml or feed URLs")
    for url in urls:
        if problem := check_http_url(url):
            raise CliError(problem)
    if every is not None:
        feeds = [FeedSpec(f.url, float(every), f.outlet, f.days, f.max_items) for f in feeds]
    settings: dict[str, Any] = {
        "timeout": float(r.number(data, "timeout", 10.0, least=0.1)),
        "retries": int(r.number(data, "retries", 2)),
        "backoff": float(r.number(data, "backoff", 1.0)),
        "host_interval": float(r.number(data, "host_interval", 1.0)),
        "webhook": r.string(data, "webhook"),
        "link": r.string(data, "link"),
        "secret": env.get(SECRET_ENV) or None,
    }
    settings.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("webhook", "link"):
        if settings[key] and (problem := check_http_url(settings[key])):
            raise r.fail(settings[key], f"{key}: {problem}")
    if settings["webhook"] and not settings["secret"]:
        raise CliError(f"a webhook needs a shared secret: set {SECRET_ENV}")
    email = data.get("email")
    if email is not None:
        if not isinstance(email, Mapping):
            raise r.fail(data, "'email' must be a mapping (host, port, security, from, to)")
        settings["mail"] = _mail(r, email, env)
    return WatchConfig(feeds=tuple(feeds), **settings)
