"""Alerts by mail to a real SMTP server (aiosmtpd) on loopback: plain text and HTML in the
reader's language, article text escaped; a temporary refusal retried next round; STARTTLS with
a login from the environment; the mail settings' mistakes are one line each."""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest

from rasid.errors import CliError
from rasid.store import open_store
from rasid.watch.config import MailConfig, Recipient, read_config
from rasid.watch.mail import send_alerts
from rasid.watch.state import mail_status, watch_alerts, watch_mail
from test_watch import FAST, Site, rasid, serve_site

# the page's title as its source has it: markup that must reach no reader as markup
HOSTILE = "&lt;img src=x onerror=alert(1)&gt; غارة على بغداد"


@dataclass
class Mailbox:
    port: int = 0
    got: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0  # answer 451 to this many messages first
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(**options: Any) -> Iterator[Mailbox]:
    """An aiosmtpd server on loopback that keeps every message it takes."""
    from aiosmtpd.controller import Controller

    box = Mailbox(port=_free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if box.refuse:
                box.refuse -= 1
                return "451 4.3.0 try again later"
            msg = email.message_from_bytes(envelope.content, policy=default_policy)
            box.got.append(msg)  # type: ignore[arg-type]
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as state:
        yield state


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


def _parts(msg: EmailMessage) -> tuple[str, str]:
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_alerts_are_mailed_in_each_readers_language_with_article_text_escaped(
    site: Site,
    mailbox: Mailbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "w.sqlite"
    site.items = ["a1"]
    site.titles = {"a1": HOSTILE}
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds: [{site.base}/feed.xml]\n"
        "link: http://rasid.example.org\n"
        f"email:\n  host: 127.0.0.1\n  port: {mailbox.port}\n  security: none\n"
        "  from: rasid@example.org\n  to:\n    - {address: desk@example.org, lang: en}\n",
        encoding="utf-8",
    )
    add = ["--db", str(db), "watchlist", "add", "strike", "--type", "ASSAULT", "--country", "IQ"]
    assert rasid([*add, "--lang", "ar", "--email", "analyst@example.org"], capsys)[0] == 0
    code, out, err = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert code == 0, err
    assert "1 alerts" in out
    by_to = {str(m["To"]): m for m in mailbox.got}
    assert set(by_to) == {"desk@example.org", "analyst@example.org"}

    english = by_to["desk@example.org"]
    assert english["Subject"].startswith("[Rasid] strike: new event: Assault in ")
    assert english["Content-Language"] == "en" and english["Auto-Submitted"] == "auto-generated"
    assert english.get_content_type() == "multipart/alternative"
    plain, html = _parts(english)
    assert 'A new event matches the watchlist "strike".' in plain
    assert "<img src=x onerror=alert(1)> غارة على بغداد" in plain  # plain text, as written
    assert "/events/ev_" in plain and "http://rasid.example.org/events/" in plain
    assert '<html lang="en" dir="ltr">' in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html

    arabic = by_to["analyst@example.org"]
    assert arabic["Subject"].startswith("[راصد] strike: حدث جديد: هجوم في ")
    assert arabic["Content-Language"] == "ar"
    plain, html = _parts(arabic)
    assert "حدث جديد يطابق قائمة المتابعة «strike»." in plain
    assert "القتلى:" in plain and "المصادر:" in plain
    assert '<html lang="ar" dir="rtl">' in html and "<img" not in html

    code, out, _ = rasid(["--db", str(db), "alerts", "--json"], capsys)
    assert code == 0
    store = open_store(str(db))
    try:
        (mails,) = mail_status(store, [1]).values()
    finally:
        store.close()
    assert {m["address"]: m["lang"] for m in mails} == {
        "desk@example.org": "en",
        "analyst@example.org": "ar",
    }
    assert all(m["delivered_at"] and m["attempts"] == 1 for m in mails)
    code, out, err = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert code == 0 and len(mailbox.got) == 2  # nothing new, nothing mailed again


def _store_with_alert(path: Path) -> Any:
    return _store_with_alert_at(open_store(str(path)))


def _store_with_alert_at(store: Any, address: str = "desk@example.org") -> Any:
    with store.begin() as conn:
        conn.execute(
            watch_alerts.insert().values(
                id=1,
                watchlist="strike",
                event_id="ev_1",
                kind="new",
                fatalities=3,
                n_articles=1,
                payload='{"kind": "new", "event": {"id": "ev_1", "type": "ASSAULT",'
                ' "country": "IQ", "place_name": "Baghdad", "fatalities": 3,'
                ' "n_articles": 1, "date": "2024-02-07"}, "previous": null}',
                created_at="2024-02-07T21:40:00+00:00",
                attempts=0,
            )
        )
        conn.execute(watch_mail.insert().values(alert_id=1, address=address, lang="en", attempts=0))
    return store


def test_a_refused_message_is_offered_again_next_round(mailbox: Mailbox, tmp_path: Path) -> None:
    store = _store_with_alert(tmp_path / "w.sqlite")
    config = MailConfig(host="127.0.0.1", port=mailbox.port, security="none",
                        sender="rasid@example.org")  # fmt: skip
    mailbox.refuse = 2
    waits: list[float] = []
    assert send_alerts(store, config, retries=1, backoff=0.5, sleep=waits.append) == (0, 1)
    assert waits == [0.5]  # 451 is temporary: retried once in the round
    (row,) = mail_status(store, [1])[1]
    assert row["delivered_at"] is None and row["last_error"].startswith("SMTP 451")
    assert send_alerts(store, config, retries=0) == (1, 0)
    assert send_alerts(store, config, retries=0) == (0, 0)
    (msg,) = mailbox.got
    assert msg["Subject"] == "[Rasid] strike: new event: Assault in Baghdad, Iraq (3 killed)"
    assert msg["X-Rasid-Alert"] == "1"
    store.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to make a certificate")
def test_starttls_and_a_login_from_the_environment(tmp_path: Path) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and data == (b"rasid", b"pa55")
        return AuthResult(success=ok, handled=False)

    options = {"tls_context": context, "require_starttls": True, "authenticator": check}
    with smtp_server(**options) as box:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            "feeds: [http://127.0.0.1:1/feed.xml]\n"
            f"email: {{host: 127.0.0.1, port: {box.port}, from: rasid@example.org,"
            f" ca_file: {cert}, to: [desk@example.org]}}\n",
            encoding="utf-8",
        )
        env = {"RASID_SMTP_USER": "rasid", "RASID_SMTP_PASSWORD": "pa55"}
        config = read_config(str(feeds), [], env=env).mail
        assert config is not None and config.security == "starttls"
        assert config.to == (Recipient("desk@example.org"),)
        store = _store_with_alert(tmp_path / "w.sqlite")
        assert send_alerts(store, config, retries=0) == (1, 0)
        assert len(box.got) == 1
        wrong = read_config(str(feeds), [], env={**env, "RASID_SMTP_PASSWORD": "nope"}).mail
        assert wrong is not None
        with store.begin() as conn:
            conn.execute(watch_mail.update().values(delivered_at=None))
        assert send_alerts(store, wrong, retries=0) == (0, 1)
        (row,) = mail_status(store, [1])[1]
        assert row["last_error"].startswith("SMTP 535")
        store.close()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("email: {host: h, from: a@b.org, password: x}",
         "feeds.yaml:2: email: no password in the file; set RASID_SMTP_PASSWORD instead"),
        ("email:\n  host: h\n  from: a@b.org\n  to: [nobody]",
         "feeds.yaml:5: 'nobody' is not a mail address (name@example.org)"),
        ("email: {host: h, from: a@b.org, security: tls}",
         "feeds.yaml:2: 'security' must be one of starttls, ssl, none (got 'tls')"),
        ("email: {host: h, from: a@b.org, to: [{address: c@d.org, lang: fr}]}",
         "feeds.yaml:2: 'lang' must be one of en, ar (got 'fr')"),
        ("emial: {host: h}",
         "feeds.yaml:1: settings: unknown setting 'emial' (known: feeds, every"),
        ("every: soon",
         "feeds.yaml:1: 'every' must be a number, at least 1 (got 'soon')"),
        ("email: {host: smtp.example.org, from: a@b.org, security: none}",
         "feeds.yaml:2: email: not sending a password in clear to smtp.example.org"),
    ],
)  # fmt: skip
def test_mistakes_in_the_settings_are_one_line(tmp_path: Path, settings: str, message: str) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds: [http://127.0.0.1:1/f.xml]\n{settings}\n", encoding="utf-8")
    env = {"RASID_SMTP_USER": "u", "RASID_SMTP_PASSWORD": "p"}
    with pytest.raises(CliError) as caught:
        read_config(str(feeds), [], env=env)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_the_readmes_feeds_file_is_read_and_names_every_setting(tmp_path: Path) -> None:
    from rasid.watch.config import SETTINGS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n# feeds.yaml\n", 1)[1].split("```", 1)[0]
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(block, encoding="utf-8")
    with pytest.raises(CliError, match="set RASID_WEBHOOK_SECRET"):
        read_config(str(feeds), [], env={})
    config = read_config(str(feeds), [], env={"RASID_WEBHOOK_SECRET": "k"})
    assert len(config.feeds) == 3 and config.feeds[1].every == 300
    assert config.mail is not None and config.mail.to[1] == Recipient("analyst@example.org", "ar")
    for key in (*SETTINGS, "retries", "backoff", "host_interval"):
        assert f"{key}:" in readme, key


@pytest.mark.postgres
def test_watchlists_and_mail_rows_on_postgresql(pg_store_url: str, mailbox: Mailbox) -> None:
    from rasid.watch.state import Watchlist, add_watchlist, list_watchlists

    store = _store_with_alert_at(open_store(pg_store_url))
    add_watchlist(store, Watchlist("strike", type="ASSAULT", lang="ar", email=("a@b.org",)))
    assert list_watchlists(store)[0].email == ("a@b.org",)
    config = MailConfig(host="127.0.0.1", port=mailbox.port, security="none", sender="r@b.org")
    assert send_alerts(store, config, retries=0) == (1, 0)
    assert mail_status(store, [1])[1][0]["delivered_at"]
    store.close()
