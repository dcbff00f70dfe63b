"""Telling someone: a report (tampering found, a scheduled publish that failed) sent by e-mail through the office's
SMTP server and/or POSTed as JSON to a webhook. Each failure to send is a sentence returned, never raised; no password
or webhook address is ever part of one."""

from __future__ import annotations

import http.client
import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlparse

from generator.model.config import Email, Otomatis

PASSWORD_ENV = "OTOMATIS_SMTP_PASSWORD"     # the SMTP password: only ever from here
WEBHOOK_ENV = "OTOMATIS_WEBHOOK"            # a webhook address holding a secret token, kept out of config.yaml
TIMEOUT = 30.0


@dataclass(frozen=True)
class Report:
    subject: str            # one line
    body: str               # the details, several lines
    site: str               # the site's base_url, so that one channel can serve several offices


def send(settings: Otomatis, report: Report, env: dict[str, str] | None = None) -> list[str]:
    """Send the report everywhere configured; the sentences of what failed (empty when all went, or none is set)."""
    env = os.environ if env is None else env
    failed = []
    if settings.email is not None:
        failed += _mail(settings.email, report, env)
    webhook = env.get(WEBHOOK_ENV, "") or settings.webhook
    if webhook:
        failed += _post(webhook, report)
    return failed


def channels(settings: Otomatis, env: dict[str, str] | None = None) -> int:
    """How many ways a report is sent (e-mail, webhook): a report that failed on as many reached no one."""
    env = os.environ if env is None else env
    return (settings.email is not None) + bool(env.get(WEBHOOK_ENV, "") or settings.webhook)


def message(email: Email, report: Report) -> EmailMessage:
    out = EmailMessage()
    out["Subject"] = report.subject
    out["From"] = email.from_
    out["To"] = ", ".join(email.to)
    out["Date"] = formatdate(localtime=True)
    out["Message-ID"] = make_msgid(domain=email.from_.rpartition("@")[2] or None)
    out.set_content(f"{report.body}\n\n-- \nDikirim oleh 'otomatis' untuk {report.site}\n")
    return out


def _mail(email: Email, report: Report, env) -> list[str]:
    where = f"server surel {email.host}:{email.port}"
    password = env.get(PASSWORD_ENV, "")
    if email.user and not password:
        return [f"surel tidak dikirim: {where} memerlukan sandi, tetapi variabel lingkungan {PASSWORD_ENV} kosong. "
                f"Atur {PASSWORD_ENV} di komputer yang menjalankan otomatis (bukan di config.yaml)."]
    implicit = email.ssl or email.port == 465       # what providers call "SSL/TLS": no STARTTLS there
    try:
        with (smtplib.SMTP_SSL(email.host, email.port, timeout=TIMEOUT, context=ssl.create_default_context())
              if implicit else smtplib.SMTP(email.host, email.port, timeout=TIMEOUT)) as server:
            if email.starttls and not implicit:
                server.starttls(context=ssl.create_default_context())
            if email.user:
                server.login(email.user, password)
            server.send_message(message(email, report))
    except smtplib.SMTPAuthenticationError:
        return [f"surel tidak dikirim: {where} menolak pengguna '{email.user}' dengan sandi dari {PASSWORD_ENV}; "
                "periksa keduanya."]
    except smtplib.SMTPNotSupportedError:
        return [f"surel tidak dikirim: {where} tidak mendukung STARTTLS; tanyakan pengelola surel porta yang benar, "
                "atau tulis 'starttls: false' bila servernya hanya di jaringan kantor."]
    except smtplib.SMTPRecipientsRefused as err:
        return [f"surel tidak dikirim: {where} menolak penerima {', '.join(err.recipients)}; periksa 'to:'."]
    except smtplib.SMTPException as err:
        return [f"surel tidak dikirim: {where} menjawab galat ({_short(err)})."]
    except ssl.SSLError as err:
        return [f"surel tidak dikirim: sambungan aman ke {where} gagal ({err.reason or err}); periksa host dan porta."]
    except (OSError, socket.timeout) as err:
        hint = "" if implicit else " Bila penyedia surel menyebut porta itu \"SSL/TLS\", tulis 'ssl: true'."
        return [f"surel tidak dikirim: {where} tidak dapat dihubungi ({err.strerror or err}); periksa host, porta "
                f"dan sambungan jaringan.{hint}"]
    except UnicodeError:          # smtplib sends the user and the password as ASCII
        return [f"surel tidak dikirim: nama pengguna '{email.user}' atau sandi dari {PASSWORD_ENV} memuat huruf di "
                f"luar huruf Latin biasa, yang tidak dapat dikirim ke {where}; periksa keduanya."]
    return []


def _post(url: str, report: Report) -> list[str]:
    parts = urlparse(url)
    where = f"webhook di {parts.hostname or '?'}"           # the path may hold a token: never shown
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ["laporan tidak dikirim ke webhook: alamatnya harus diawali https:// (atau http://)."]
    body = json.dumps({"text": f"{report.subject}\n{report.body}", "subject": report.subject,
                       "body": report.body, "site": report.site}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, body, {"Content-Type": "application/json; charset=utf-8",
                                                 "User-Agent": "situs-kpu otomatis"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read(65536)
    except urllib.error.HTTPError as err:
        return [f"laporan tidak dikirim: {where} menjawab {err.code} {err.reason}."]
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        return [f"laporan tidak dikirim: {where} tidak dapat dihubungi ({getattr(reason, 'strerror', None) or reason})."]
    except (ValueError, http.client.HTTPException):   # InvalidURL: a port that is no number, a space in the address
        return [f"laporan tidak dikirim: alamat {where} tidak sah; periksa porta dan penulisan alamatnya."]
    return []


def _short(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text[:200]
