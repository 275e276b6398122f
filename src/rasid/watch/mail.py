"""Alerts by mail: one message an alert and address, plain text and HTML in the address's
language (``rasid.watch.notice``), sent over SMTP (``smtplib``).

The server is reached with STARTTLS (the default, port 587), TLS from the first byte (``ssl``,
port 465) or in clear (``none``, port 25: for a relay on this machine); the login, when the
server wants one, comes from the environment (``RASID_SMTP_USER``, ``RASID_SMTP_PASSWORD``),
never from the store or the feeds file. Certificates are checked (against ``ca_file`` when
given).

Retried like the webhook: a connection that fails or a temporary refusal (4xx) is tried again
``retries`` times in the round, the wait doubling from ``backoff``; a message still not taken
stays pending and is offered again next round, up to ``MAX_ATTEMPTS`` rounds. A permanent
refusal (5xx) is not retried in the round.

Risky: a message is recorded as sent after the server took it, so a process killed between the
two sends it again next round (once): mail is delivered at least once, never lost.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import select

from rasid.store import Store, now_iso
from rasid.watch.alerts import MAX_ATTEMPTS
from rasid.watch.config import MailConfig
from rasid.watch.notice import Notice, compose_notices, notice_document, notice_text, say
from rasid.watch.state import list_alerts_by_id, watch_mail

log = logging.getLogger(__name__)


def build_message(notice: Notice, sender: str, to: str) -> EmailMessage:
    """The message of one notice to one address: plain text and HTML alternatives."""
    msg = EmailMessage()
    msg["Subject"] = f"[{say(notice.lang, 'alert.app')}] {notice.subject}"
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(f"alert{notice.alert_id}", sender.rpartition("@")[2])
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg["X-Rasid-Alert"] = str(notice.alert_id)
    msg.set_content(notice_text(notice), charset="utf-8")
    msg.add_alternative(notice_document(notice), subtype="html", charset="utf-8")
    msg["Content-Language"] = notice.lang  # after the content, which clears Content-* headers
    return msg


def _transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        return f"SMTP {exc.smtp_code}: {reply}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, refusal = next(iter(exc.recipients.values()))
        return f"SMTP {code}: {refusal.decode('utf-8', 'replace')}"
    return f"{type(exc).__name__}: {exc}"


class Postman:
    """One SMTP session for a round's messages, opened when the first is sent."""

    def __init__(self, config: MailConfig) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.ca_file)

    def _open(self) -> smtplib.SMTP:
        c = self.config
        smtp: smtplib.SMTP
        if c.security == "ssl":
            smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._context())
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
        try:
            smtp.ehlo()
            if c.security == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if c.user and c.password:
                smtp.login(c.user, c.password)
        except Exception:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.send_message(msg)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # the next try opens a new session
            raise
        except smtplib.SMTPResponseException:
            self.smtp.rset()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def send_alerts(
    store: Store,
    config: MailConfig,
    *,
    link: str | None = None,
    retries: int = 2,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    fetcher: Any = None,
) -> tuple[int, int]:
    """Mail every pending (alert, address); returns (sent, still pending). ``fetcher`` lends
    its retries, backoff and sleep, so mail and webhook are retried alike."""
    if fetcher is not None:
        retries, backoff, sleep = fetcher.retries, fetcher.backoff, fetcher.sleep
    m = watch_mail
    with store.connect() as conn:
        rows = conn.execute(
            select(m.c.alert_id, m.c.address, m.c.lang, m.c.attempts)
            .where(m.c.delivered_at.is_(None), m.c.attempts < MAX_ATTEMPTS)
            .order_by(m.c.alert_id, m.c.address)
        ).all()
    if not rows:
        return 0, 0
    alerts = {a["id"]: a for a in list_alerts_by_id(store, {r.alert_id for r in rows})}
    notices: dict[tuple[int, str], Notice] = {}
    for lang in {r.lang for r in rows}:
        chosen = [alerts[r.alert_id] for r in rows if r.lang == lang and r.alert_id in alerts]
        for composed in compose_notices(store, chosen, lang, link):
            notices[(composed.alert_id, lang)] = composed
    postman = Postman(config)
    sent = 0
    try:
        for alert_id, address, lang, attempts in rows:
            notice = notices.get((alert_id, lang))
            error: str | None = "the alert is gone"
            if notice is not None:
                msg = build_message(notice, config.sender, address)
                error = _send(postman, msg, retries, backoff, sleep)
            values: dict[str, Any] = {"attempts": attempts + 1, "last_error": error}
            if error is None:
                values["delivered_at"] = now_iso()
                sent += 1
            else:
                log.warning("alert %s not mailed to %s: %s", alert_id, address, error)
            with store.begin() as conn:
                conn.execute(
                    m.update()
                    .where(m.c.alert_id == alert_id, m.c.address == address)
                    .values(**values)
                )
    finally:
        postman.close()
    return sent, len(rows) - sent


def _send(
    postman: Postman,
    msg: EmailMessage,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> str | None:
    """None when the server took the message, else the last error."""
    error = "not sent"
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        try:
            postman.send(msg)
        except (smtplib.SMTPException, OSError) as exc:
            error = _describe(exc)
            if not _transient(exc):
                break
        else:
            return None
    return error
