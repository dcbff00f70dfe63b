"""otomatis: rounds with the clock moved by the test (never waited for), against a real folder target, a real
SMTP server and a real webhook on 127.0.0.1: a scheduled post goes live within five minutes of its time and never
before; a round that fails half-way is followed by one that completes; tampering and a failed scheduled publish are
told once; a round never starts while a build of the site holds its lock."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import signal

import pytest

from generator.core.report import Problems
from generator.desk.rounds import last_round
from generator.model import config as config_module
from generator.otomatis.notify import PASSWORD_ENV, Report, send
from generator.otomatis.runner import Runner, one_round, run_publish
from generator.publish.findings import local_record
from generator.publish import targetlock
from generator.publish.plan import MANIFEST, temp_name
from tests.conftest import (
    NOW,
    SLOW_SENDING,
    folder_publish,
    lock_holder,
    md,
    news_site,
    run_cli,
    start_cli,
    tree,
    wait_until,
)
from tests.servers import self_signed_certificate, start_smtp, start_webhook

pytestmark = [pytest.mark.servers, pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")]

SCHEDULED = "content/posts/2024/terjadwal/index.md"
LIVE_PAGE = "2024/06/01/jadwal-rapat/index.html"       # 21.00 WITA = 13.00 UTC on 1 June 2024
DUE = dt.datetime(2024, 6, 1, 13, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def site_with_schedule(tmp_path, live, otomatis: str = "otomatis:\n  verify: 0\n"):
    site = news_site(tmp_path / "site", folder_publish(live) + otomatis)
    (site / SCHEDULED).parent.mkdir(parents=True)
    (site / SCHEDULED).write_text(md("title: Jadwal Rapat\nslug: jadwal-rapat\ndate: 2024-06-01 21:00"), "utf-8")
    return site


def published_at(site, moment: dt.datetime) -> None:
    """The site published by a person at `moment` of the test's clock (this computer's record dated then)."""
    assert run_publish(site, "utama", moment)[0] == 0
    record = local_record(site, "utama")
    os.utime(record, (moment.timestamp(), moment.timestamp()))


def rounds(site, clock, times, out=None):
    runner = Runner(site, clock, out=out or io.StringIO())
    codes = []
    for moment in times:
        clock.now = moment
        codes.append(one_round(runner))
    return codes, runner.out.getvalue()


def test_a_scheduled_post_goes_live_within_five_minutes_of_its_time_and_never_before(tmp_path):
    live = tmp_path / "live"
    site = site_with_schedule(tmp_path, live)
    assert run_publish(site, "utama", NOW)[0] == 0              # the site as published by a person, at 12.00 UTC
    assert not (live / LIVE_PAGE).exists()
    clock = Clock(NOW)
    start = NOW + dt.timedelta(seconds=90)
    before = [start + dt.timedelta(minutes=5 * i) for i in range(12)]       # 12.01.30 ... 12.56.30
    codes, said = rounds(site, clock, before)
    assert codes == [0] * 12 and not (live / LIVE_PAGE).exists()
    assert "terjadwal berikutnya: 'Jadwal Rapat' 01-06-2024 21:00" in said
    codes, said = rounds(site, clock, [DUE - dt.timedelta(seconds=1)])
    assert codes == [0] and not (live / LIVE_PAGE).exists()          # one second before: still not live
    codes, said = rounds(site, clock, [start + dt.timedelta(minutes=60)])    # the first round after 13.00: 13.01.30
    assert codes == [0] and (live / LIVE_PAGE).is_file()
    assert "terbit ke utama: 1 berita terjadwal ('Jadwal Rapat')" in said
    log = (site / ".cache" / "otomatis.log").read_text("utf-8").splitlines()
    assert len(log) == 14 and log[-1].startswith("2024-06-01 21:01 WITA | terbit ke utama")
    state = json.loads((site / ".cache" / "otomatis.json").read_text("utf-8"))
    assert state["last_publish"] == (start + dt.timedelta(minutes=60)).timestamp()
    codes, said = rounds(site, clock, [start + dt.timedelta(minutes=65)])
    assert codes == [0] and "terbit" not in said                    # published once: nothing due any more


def test_a_round_that_fails_half_way_is_followed_by_one_that_completes_and_the_failure_is_told_once(tmp_path):
    share = tmp_path / "share"                                      # a network drive not mounted at first
    hook = start_webhook()
    try:
        site = site_with_schedule(tmp_path, share / "live", f"otomatis:\n  webhook: {hook.url}\n")
        clock = Clock(NOW)
        codes, said = rounds(site, clock, [NOW])                      # the first round: nothing due, nothing to check
        assert codes == [1] and "periksa utama: tidak dapat diperiksa" in said
        codes, said = rounds(site, clock, [DUE + dt.timedelta(minutes=2), DUE + dt.timedelta(minutes=7)])
        assert codes == [1, 1] and said.count("GAGAL terbit ke utama") == 2
        assert len(hook.bodies) == 1 and "GAGAL terbit" in hook.bodies[0]["subject"]
        assert "Jadwal Rapat" in hook.bodies[0]["body"] and "rahasia" not in said
        share.mkdir()
        codes, said = rounds(site, clock, [DUE + dt.timedelta(minutes=12)])
        assert codes == [0] and (share / "live" / LIVE_PAGE).is_file()
        assert "terbit ke utama: 1 berita terjadwal" in said and "periksa utama: utuh" in said
        assert len(hook.bodies) == 1
    finally:
        hook.stop()


def test_tampering_is_told_by_email_and_webhook_once_and_logged_every_check(tmp_path):
    live = tmp_path / "live"
    smtp, hook = start_smtp(), start_webhook()
    try:
        extra = (f"otomatis:\n  webhook: {hook.url}\n  email:\n    host: 127.0.0.1\n    port: {smtp.port}\n"
                 "    from: situs@kpu-kaltara.go.id\n    to: [humas@kpu-kaltara.go.id, it@kpu-kaltara.go.id]\n"
                 "    starttls: false\n")
        site = site_with_schedule(tmp_path, live, extra)
        assert run_publish(site, "utama", NOW)[0] == 0
        clock = Clock(NOW)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
        assert codes == [0] and "periksa utama: utuh" in said and not smtp.received
        (live / "wp-shell.php").write_text("<?php system($_GET['c']); ?>")
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=6)])        # not an hour yet: not checked
        assert codes == [0] and "periksa" not in said
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=61), NOW + dt.timedelta(minutes=121)])
        assert codes == [1, 1] and said.count("periksa utama: BERBEDA") == 2
        assert len(smtp.received) == 1 and len(hook.bodies) == 1
        mail = smtp.received[0]
        assert mail.mail_from == "situs@kpu-kaltara.go.id"
        assert mail.rcpt_tos == ["humas@kpu-kaltara.go.id", "it@kpu-kaltara.go.id"]
        text = mail.content.decode("utf-8")
        assert "DIUBAH pihak lain" in text and "wp-shell.php" in text
        assert "wp-shell.php" in hook.bodies[0]["text"] and hook.bodies[0]["site"] == "https://kaltara.kpu.go.id/"
        (live / "wp-shell.php").unlink()
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=181)])
        assert codes == [0] and "periksa utama: utuh" in said
    finally:
        smtp.stop()
        hook.stop()


def mail_settings(tmp_path, monkeypatch, port: int, extra: str = ""):
    """otomatis' settings for the loopback SMTP server (its certificate trusted), and a report to send."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    text = (f"site:\n  title: KPU\n  base_url: https://kaltara.kpu.go.id/\notomatis:\n  email:\n"
            f"    host: 127.0.0.1\n    port: {port}\n    from: situs@kpu.go.id\n    to: [humas@kpu.go.id]\n"
            f"    user: humas\n{extra}")
    (tmp_path / "config.yaml").write_text(text, "utf-8")
    settings = config_module.load(tmp_path / "config.yaml", Problems()).otomatis
    return settings, Report("Uji", "Isi laporan.", "https://kaltara.kpu.go.id/")


def test_email_through_starttls_with_the_password_from_the_environment_only(tmp_path, monkeypatch):
    smtp = start_smtp(self_signed_certificate(tmp_path), password="s3kret-Humas")
    try:
        settings, report = mail_settings(tmp_path, monkeypatch, smtp.port)
        missing = send(settings, report, env={})
        assert len(missing) == 1 and PASSWORD_ENV in missing[0] and not smtp.received
        wrong = send(settings, report, env={PASSWORD_ENV: "salah"})
        assert len(wrong) == 1 and "salah" not in wrong[0] and not smtp.received
        assert send(settings, report, env={PASSWORD_ENV: "s3kret-Humas"}) == []
        assert len(smtp.received) == 1 and smtp.logins[-1] == (b"humas", b"s3kret-Humas")
        assert "Isi laporan." in smtp.received[0].content.decode("utf-8")
    finally:
        smtp.stop()


def test_email_over_tls_from_the_first_byte_as_providers_give_port_465(tmp_path, monkeypatch):
    """'SSL/TLS' on port 465 is what many mail providers give: a plain connection there waited 30 s and said only
    'tidak dapat dihubungi'. With 'ssl: true' (and always on port 465) the connection is TLS from the start."""
    smtp = start_smtp(self_signed_certificate(tmp_path), password="s3kret-Humas", implicit=True)
    try:
        settings, report = mail_settings(tmp_path, monkeypatch, smtp.port, "    ssl: true\n")
        assert send(settings, report, env={PASSWORD_ENV: "s3kret-Humas"}) == []
        assert len(smtp.received) == 1 and smtp.logins[-1] == (b"humas", b"s3kret-Humas")
    finally:
        smtp.stop()


def test_a_password_or_webhook_address_the_libraries_cannot_use_is_one_sentence(tmp_path, monkeypatch):
    """A password with a letter outside ASCII (smtplib sends it as ASCII) and a webhook whose port is no number
    (http.client refuses the address) raised out of the round: a traceback, and the round's state never saved."""
    smtp = start_smtp(self_signed_certificate(tmp_path), password="s3kret-Humas")
    try:
        settings, report = mail_settings(tmp_path, monkeypatch, smtp.port)
        said = send(settings, report, env={PASSWORD_ENV: "sandi-rahasia-é"})
        assert len(said) == 1 and "huruf Latin biasa" in said[0] and "rahasia" not in said[0] and not smtp.received
        said = send(settings, report, env={PASSWORD_ENV: "s3kret-Humas", "OTOMATIS_WEBHOOK": "https://h:abc/t0ken"})
        assert len(said) == 1 and "tidak sah" in said[0] and "t0ken" not in said[0]
    finally:
        smtp.stop()


def test_a_round_whose_report_cannot_be_sent_is_still_recorded(tmp_path, monkeypatch):
    site = site_with_schedule(tmp_path, tmp_path / "live", "otomatis:\n  webhook: https://127.0.0.1:abc/x\n")
    assert run_publish(site, "utama", NOW)[0] == 0
    (tmp_path / "live" / "wp-shell.php").write_text("<?php system($_GET['c']); ?>")
    codes, said = rounds(site, Clock(NOW), [NOW + dt.timedelta(minutes=1)])
    assert codes == [1] and "Traceback" not in said and "tidak sah" in said
    assert last_round(site, NOW + dt.timedelta(minutes=2)).tampered


def test_a_hand_edited_state_with_a_null_interval_still_shows_the_last_round(tmp_path):
    site = site_with_schedule(tmp_path, tmp_path / "live", "otomatis:\n  verify: 0\n")
    assert rounds(site, Clock(NOW), [NOW])[0] == [0]
    file = site / ".cache" / "otomatis.json"
    file.write_text(file.read_text(encoding="utf-8").replace('"round_every": 5', '"round_every": null'), "utf-8")
    os.utime(file, (NOW.timestamp(), NOW.timestamp()))       # as the round marked it, on the test's clock
    assert '"round_every": null' in file.read_text(encoding="utf-8")
    assert not last_round(site, NOW + dt.timedelta(minutes=30)).stopped
    assert last_round(site, NOW + dt.timedelta(hours=2)).stopped


def test_a_report_that_reached_no_one_is_sent_again_once_the_password_is_right(tmp_path, monkeypatch):
    """A wrong OTOMATIS_SMTP_PASSWORD on the first tampering report (or failed publish): once staff correct it,
    the next check that finds the same sends it, instead of taking the undelivered report for told."""
    certificate = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    smtp = start_smtp(certificate, password="s3kret-Humas")
    try:
        extra = (f"otomatis:\n  email:\n    host: 127.0.0.1\n    port: {smtp.port}\n    from: situs@kpu.go.id\n"
                 "    to: [humas@kpu.go.id]\n    user: humas\n")
        live = tmp_path / "live"
        site = site_with_schedule(tmp_path, live, extra)
        assert run_publish(site, "utama", NOW)[0] == 0
        (live / "wp-shell.php").write_text("<?php system($_GET['c']); ?>")
        clock = Clock(NOW)
        monkeypatch.setenv(PASSWORD_ENV, "salah")
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
        assert codes == [1] and "menolak pengguna 'humas'" in said and "dikirim lagi" in said
        assert not smtp.received and "salah" not in said
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=6)])       # no check due: the desk still warns
        assert last_round(site).tampered and not smtp.received
        monkeypatch.setenv(PASSWORD_ENV, "s3kret-Humas")
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=61), NOW + dt.timedelta(minutes=121)])
        assert codes == [1, 1] and "surel tidak dikirim" not in said
        assert len(smtp.received) == 1 and "wp-shell.php" in smtp.received[0].content.decode("utf-8")
        assert last_round(site).tampered
    finally:
        smtp.stop()


def test_the_desk_says_when_otomatis_stopped_running(tmp_path):
    """The laptop that runs otomatis asleep or off: its last round stays on the desk, said to be long ago once three
    intervals (at least an hour) passed without one, and no longer once rounds run again."""
    site = site_with_schedule(tmp_path, tmp_path / "live", "otomatis:\n  verify: 0\n  interval: 10\n")
    clock = Clock(NOW)
    assert rounds(site, clock, [NOW])[0] == [0]
    assert not last_round(site, NOW + dt.timedelta(minutes=59)).stopped
    asleep = last_round(site, NOW + dt.timedelta(minutes=61))
    assert asleep.stopped and not asleep.failed and not asleep.tampered
    rounds(site, clock, [NOW + dt.timedelta(hours=5)])
    assert not last_round(site, NOW + dt.timedelta(hours=5, minutes=20)).stopped


def test_the_stopped_notice_counts_by_the_interval_given_on_the_command_line(tmp_path):
    site = site_with_schedule(tmp_path, tmp_path / "live", "otomatis:\n  verify: 0\n  interval: 5\n")
    assert one_round(Runner(site, Clock(NOW), out=io.StringIO(), interval=90)) == 0
    assert not last_round(site, NOW + dt.timedelta(hours=4)).stopped          # three rounds of 90 minutes: 4.5 h
    assert last_round(site, NOW + dt.timedelta(hours=5)).stopped


def test_a_skipped_round_and_a_state_from_before_round_times_count_as_otomatis_running(tmp_path):
    """A round skipped because a build or a long publish holds the site is a sign otomatis runs; a state saved
    before rounds had their time (an upgrade) is judged by when it was written, not taken for ever current."""
    site = site_with_schedule(tmp_path, tmp_path / "live", "otomatis:\n  verify: 0\n  interval: 10\n")
    clock = Clock(NOW)
    assert rounds(site, clock, [NOW])[0] == [0]
    holder = lock_holder(site, 60)
    try:
        assert rounds(site, clock, [NOW + dt.timedelta(hours=2)])[0] == [75]
    finally:
        holder.kill()
        holder.wait()
    assert not last_round(site, NOW + dt.timedelta(hours=2, minutes=30)).stopped
    assert last_round(site, NOW + dt.timedelta(hours=3, minutes=1)).stopped
    file = site / ".cache" / "otomatis.json"
    state = json.loads(file.read_text(encoding="utf-8"))
    del state["last_round_at"]
    file.write_text(json.dumps(state), encoding="utf-8")
    os.utime(file, (NOW.timestamp(), NOW.timestamp()))
    assert not last_round(site, NOW + dt.timedelta(minutes=30)).stopped
    assert last_round(site, NOW + dt.timedelta(hours=2)).stopped


def test_an_unreachable_mail_server_or_webhook_is_one_sentence_and_the_round_still_ends(tmp_path):
    from tests.servers import free_port

    port = free_port()
    extra = (f"otomatis:\n  webhook: http://127.0.0.1:{port}/kait/token-rahasia\n  email:\n    host: 127.0.0.1\n"
             f"    port: {port}\n    from: a@kpu.go.id\n    to: [b@kpu.go.id]\n    starttls: false\n")
    live = tmp_path / "live"
    site = site_with_schedule(tmp_path, live, extra)
    assert run_publish(site, "utama", NOW)[0] == 0
    (live / "judi.html").write_text("<a href='https://slot-gacor.example/'>slot gacor</a>")
    codes, said = rounds(site, Clock(NOW), [NOW + dt.timedelta(minutes=1)])
    assert codes == [1] and "periksa utama: BERBEDA" in said
    assert f"surel tidak dikirim: server surel 127.0.0.1:{port} tidak dapat dihubungi" in said
    assert "laporan tidak dikirim: webhook di 127.0.0.1 tidak dapat dihubungi" in said
    assert "token-rahasia" not in said


def test_a_round_never_starts_while_a_build_holds_the_site_lock_or_a_publish_the_target_lock(tmp_path):
    live = tmp_path / "live"
    site = site_with_schedule(tmp_path, live)
    published_at(site, NOW)
    clock = Clock(DUE + dt.timedelta(minutes=1))
    holder = lock_holder(site, 60)
    try:
        codes, said = rounds(site, clock, [DUE + dt.timedelta(minutes=1)])
    finally:
        holder.kill()
        holder.wait()
    assert codes == [75] and "dilewati: pembangunan atau penerbitan lain" in said
    assert not (live / LIVE_PAGE).exists()
    from generator.publish import targetlock

    (live / targetlock.LOCK).mkdir()
    holding = targetlock.me("https://kaltara.kpu.go.id/", "utama", (DUE + dt.timedelta(minutes=5)).timestamp())
    (live / targetlock.LOCK / targetlock.HOLDER).write_bytes(targetlock.encode(holding))
    codes, said = rounds(site, clock, [DUE + dt.timedelta(minutes=6)])
    assert codes == [75] and "tujuan sedang dipakai penerbitan lain" in said
    assert not (live / LIVE_PAGE).exists()
    shutil.rmtree(live / targetlock.LOCK)
    codes, said = rounds(site, clock, [DUE + dt.timedelta(minutes=11)])
    assert codes == [0] and (live / LIVE_PAGE).is_file()
    assert len((site / ".cache" / "otomatis.log").read_text("utf-8").splitlines()) == 3


def test_settings_are_checked_with_file_and_line(tmp_path):
    site = news_site(tmp_path / "site", folder_publish(tmp_path / "live")
                     + "otomatis:\n  log: content/otomatis.log\n")
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 1 and "di luar content/" in run.out
    (site / "config.yaml").write_text((site / "config.yaml").read_text("utf-8").replace(
        "  log: content/otomatis.log\n", "  email:\n    host: smtp.kpu.go.id\n    from: a@kpu.go.id\n"
        "    to: [b@kpu.go.id]\n    password: rahasia\n"), "utf-8")
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 1 and "config.yaml:" in run.out and "kata sandi dan token tidak boleh" in run.out
    assert "rahasia" not in run.out.replace("kata sandi", "")
    assert "OTOMATIS_SMTP_PASSWORD" in run.out and "PUBLISH_PASSWORD" not in run.out    # the e-mail's, not FTP's
    assert run_cli("otomatis", "--interval", "0", "--site", str(site)).code == 2
    text = (site / "config.yaml").read_text("utf-8")
    (site / "config.yaml").write_text(text.split("otomatis:")[0], "utf-8")
    named = run_cli("otomatis", "cadangan", "--once", "--site", str(site))
    assert named.code == 1 and "tidak ada tujuan terbit 'cadangan'" in named.out
    (site / "config.yaml").write_text(text.split("publish:")[0], "utf-8")     # a new site: IT has not set it yet
    unset = run_cli("otomatis", "--once", "--site", str(site))
    assert unset.code == 1 and "config.yaml belum punya tujuan terbit (bagian publish:" in unset.out
    assert "''" not in unset.out


BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def visits(post: int, addresses: range, minute: int) -> bytes:
    return b"".join(f'10.0.{post}.{a} - - [01/Jun/2024:20:{minute:02d}:00 +0800] "GET /2024/05/0{post + 1}/berita-{post}/ '
                    f'HTTP/1.1" 200 512 "-" "{BROWSER}"\n'.encode() for a in addresses)


def views_of(site, post: int) -> int | None:
    text = (site / f"content/posts/2024/berita-{post}/index.md").read_text("utf-8")
    found = [line for line in text.splitlines() if line.startswith("views:")]
    return int(found[0].split(":")[1]) if found else None


def shown(live) -> int:
    """'N kali dilihat' of the first post as the live site shows it."""
    import re

    page = (live / "2024/05/01/berita-0/index.html").read_text("utf-8")
    return int(re.search(r'berita-0/">Berita 0</a> <small>(\d+) kali dilihat', page).group(1))


def test_access_logs_are_read_incrementally_across_rotation_and_counts_published_at_most_every_few_hours(tmp_path):
    import gzip

    logs = tmp_path / "serverlog"
    logs.mkdir()
    live = tmp_path / "live"
    site = news_site(tmp_path / "site", folder_publish(live, f"    logs: {logs / 'access.log'}\n")
                     + "otomatis:\n  verify: 0\n  logs_every: 60\n  views_publish: 6\n")
    published_at(site, NOW)
    first = visits(0, range(1, 4), 1)
    (logs / "access.log").write_bytes(first)
    clock = Clock(NOW)
    codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
    assert codes == [0] and f"log akses: {len(first)} bita baru dibaca, jumlah dilihat berubah" in said
    assert views_of(site, 0) == 3 and "jumlah dilihat diterbitkan ke utama" in said
    assert shown(live) == 3
    more = visits(0, range(4, 6), 2)                      # two more lines, then the log is rotated: access.log.1
    with open(logs / "access.log", "ab") as handle:
        handle.write(more)
    (logs / "access.log").rename(logs / "access.log.1")
    fresh = visits(1, range(1, 2), 3)
    (logs / "access.log").write_bytes(fresh)
    codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=31)])      # not yet an hour: logs not read
    assert codes == [0] and "log akses" not in said
    codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=61)])
    assert f"log akses: {len(more) + len(fresh)} bita baru dibaca, jumlah dilihat berubah" in said
    assert (views_of(site, 0), views_of(site, 1)) == (5, 1)
    assert "diterbitkan" not in said                      # counts published at most every 6 hours
    (logs / "access.log.2.gz").write_bytes(gzip.compress((logs / "access.log.1").read_bytes()))
    (logs / "access.log.1").unlink()                      # rotated again: compressed; read once, whole
    codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=121)])
    assert f"{(logs / 'access.log.2.gz').stat().st_size} bita baru dibaca, jumlah dilihat tetap" in said
    codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=181)])
    assert "log akses: 0 bita baru dibaca" in said and (views_of(site, 0), views_of(site, 1)) == (5, 1)
    assert shown(live) == 3                               # counted, not yet published
    codes, said = rounds(site, clock, [NOW + dt.timedelta(hours=6, minutes=2)])
    assert codes == [0] and "jumlah dilihat diterbitkan ke utama" in said
    assert shown(live) == 5


def test_access_logs_over_sftp_only_the_new_bytes_are_read(tmp_path, monkeypatch):
    from tests.conftest import sftp_publish
    from tests.servers import start_sshd

    sshd = start_sshd(tmp_path / "sshd")
    try:
        sshd.trust()
        for name, value in sshd.env().items():
            monkeypatch.setenv(name, value)
        logs = tmp_path / "serverlog"
        logs.mkdir()
        site = news_site(tmp_path / "site", sftp_publish(sshd, f"    logs: {logs / 'access.log'}\n")
                         + "otomatis:\n  verify: 0\n  views_publish: 0\n")
        published_at(site, NOW)
        first, more = visits(0, range(1, 4), 1), visits(1, range(1, 3), 2)
        (logs / "access.log").write_bytes(first)
        (logs / "access.log.2.gz").write_bytes(b"not yet whole")      # a rotation under way: read again later
        clock = Clock(NOW)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
        assert f"log akses: {len(first) + 13} bita baru dibaca, jumlah dilihat berubah" in said
        with open(logs / "access.log", "ab") as handle:
            handle.write(more)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=61)])
        assert codes == [0] and f"log akses: {len(more) + 13} bita baru dibaca, jumlah dilihat berubah" in said
        assert (views_of(site, 0), views_of(site, 1)) == (3, 2)
        shutil.rmtree(logs)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=121)])
        assert codes == [1] and "tidak dapat dibaca" in said                   # said, and the next round goes on
    finally:
        sshd.stop()


def test_the_command_once_and_the_loop_of_rounds(tmp_path):
    from generator.otomatis.runner import run

    live = tmp_path / "live"
    site = site_with_schedule(tmp_path, live)
    once = run_cli("otomatis", "--once", "--site", str(site))
    # never published from this computer: its first round takes the site as it is, and publishes nothing
    assert once.code == 0 and once.out.endswith("WITA | tidak ada berita terjadwal\n") and not live.exists()
    slept = []
    clock = Clock(NOW)
    runner = Runner(site, clock, out=io.StringIO())
    assert run(runner, 2.5, sleep=slept.append, rounds=3) == 0
    assert len(slept) == 2 and all(140 < s <= 150 for s in slept)
    assert len(runner.out.getvalue().splitlines()) == 3


def test_access_logs_over_ftps_only_the_new_bytes_are_read_and_the_start_by_a_cut_transfer(tmp_path, monkeypatch):
    import logging

    from tests.servers import start_ftp

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
    ftps = start_ftp(tmp_path / "ftp")
    try:
        home = tmp_path / "home"
        home.mkdir()
        for name, value in ftps.env(home).items():
            monkeypatch.setenv(name, value)
        logs = ftps.root / "logs"
        logs.mkdir()
        (ftps.root / "situs").mkdir()
        section = (f"publish:\n  hosting:\n    type: ftps\n    host: 127.0.0.1\n    port: {ftps.port}\n"
                   f"    user: {ftps.user}\n    path: /situs\n    logs: /logs/access.log\n")
        site = news_site(tmp_path / "site", section + "otomatis:\n  verify: 0\n  views_publish: 0\n")
        published = run_publish(site, "hosting", NOW)
        assert published[0] == 0, published[1]
        first = visits(0, range(1, 200), 1)                 # longer than the start that names it (4 KiB)
        more = visits(1, range(1, 3), 2)
        (logs / "access.log").write_bytes(first)
        clock = Clock(NOW)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
        assert codes == [0] and f"log akses: {len(first)} bita baru dibaca, jumlah dilihat berubah" in said
        with open(logs / "access.log", "ab") as handle:
            handle.write(more)
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=61)])
        assert codes == [0] and f"log akses: {len(more)} bita baru dibaca, jumlah dilihat berubah" in said
        assert (views_of(site, 0), views_of(site, 1)) == (199, 2)
        (logs / "access.log").unlink()
        logs.rmdir()
        codes, said = rounds(site, clock, [NOW + dt.timedelta(minutes=121)])
        assert codes == [1] and "tidak dapat dibaca" in said and "menulis" not in said
    finally:
        ftps.stop()


def test_access_log_copies_older_than_keep_days_are_pruned_and_nothing_else(tmp_path):
    import gzip

    logs, live = tmp_path / "serverlog", tmp_path / "live"
    logs.mkdir()
    site = news_site(tmp_path / "site", folder_publish(live, f"    logs: {logs / 'access.log'}\n")
                     + "otomatis:\n  verify: 0\n  logs_every: 60\n  views_publish: 0\n  keep_days: 30\n")
    copies = site / ".cache/otomatis-logs/utama"
    published_at(site, NOW)
    (logs / "access.log").write_bytes(visits(0, range(1, 4), 1))
    clock = Clock(NOW)
    rounds(site, clock, [NOW + dt.timedelta(minutes=1)])
    (logs / "access.log").rename(logs / "access.log.1")                 # rotated, then compressed
    (logs / "access.log").write_bytes(visits(1, range(1, 3), 2))
    rounds(site, clock, [NOW + dt.timedelta(minutes=61)])
    (logs / "access.log.2.gz").write_bytes(gzip.compress((logs / "access.log.1").read_bytes()))
    (logs / "access.log.1").unlink()
    rounds(site, clock, [NOW + dt.timedelta(minutes=121)])
    assert sorted(p.name for p in copies.glob("*.log")) == ["000001.log", "000002.log"]
    mine = {"catatan.txt": b"milik staf", "000009.log": b"bukan salinan otomatis"}      # files otomatis never made
    for name, data in mine.items():
        (copies / name).write_bytes(data)
    old = (NOW - dt.timedelta(days=1)).timestamp()
    for path in copies.iterdir():
        os.utime(path, (old, old))
    codes, said = rounds(site, clock, [NOW + dt.timedelta(days=20)])    # within 30 days: everything kept
    assert (copies / "000001.log").is_file()
    codes, said = rounds(site, clock, [NOW + dt.timedelta(days=31)])
    assert codes == [0] and "log akses: 0 bita baru dibaca, jumlah dilihat tetap" in said
    # the copy of the compressed log is gone; the current log's copy (still on the server) and others' files stay
    assert not (copies / "000001.log").exists() and (copies / "000002.log").is_file()
    assert all((copies / name).read_bytes() == data for name, data in mine.items())
    assert (views_of(site, 0), views_of(site, 1)) == (3, 2)
    (logs / "access.log").rename(logs / "access.log.1")                 # a new log after the pruning: a new name
    (logs / "access.log").write_bytes(visits(0, range(7, 9), 5))
    codes, said = rounds(site, clock, [NOW + dt.timedelta(days=31, minutes=61)])
    assert codes == [0] and (views_of(site, 0), views_of(site, 1)) == (5, 2)
    assert (copies / "000003.log").read_bytes() == visits(0, range(7, 9), 5)
    assert all((copies / name).read_bytes() == data for name, data in mine.items())


def test_own_log_lines_older_than_keep_days_are_removed_once_a_day_and_other_lines_kept(tmp_path):
    live = tmp_path / "live"
    site = site_with_schedule(tmp_path, live, "otomatis:\n  verify: 0\n  keep_days: 30\n")
    log = site / ".cache/otomatis.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("2024-04-01 08:00 WITA | tidak ada berita terjadwal\n"
                   "catatan pribadi staf: jangan dihapus\n"
                   "2024-05-01 19:59 WITA | tidak ada berita terjadwal\n"
                   "2024-05-02 20:01 WITA | tidak ada berita terjadwal\n", "utf-8")
    clock = Clock(NOW)                  # 2024-06-01 20:00 WITA: lines before 2024-05-02 20:00 are older than 30 days
    codes, said = rounds(site, clock, [NOW])
    assert codes == [0] and "log: 2 baris yang lebih tua dari 30 hari dihapus" in said
    lines = log.read_text("utf-8").splitlines()
    assert lines[:2] == ["catatan pribadi staf: jangan dihapus", "2024-05-02 20:01 WITA | tidak ada berita terjadwal"]
    assert len(lines) == 3 and lines[2].startswith("2024-06-01 20:00 WITA | ")
    codes, said = rounds(site, clock, [NOW + dt.timedelta(hours=12)])     # looked at once a day
    assert "dihapus" not in said and log.read_text("utf-8").count("2024-05-02 20:01") == 1
    codes, said = rounds(site, clock, [NOW + dt.timedelta(days=1, minutes=5)])
    assert "log: 1 baris yang lebih tua dari 30 hari dihapus" in said
    config = site / "config.yaml"
    config.write_text(config.read_text("utf-8").replace("keep_days: 30", "keep_days: 0"), "utf-8")
    codes, said = rounds(site, clock, [NOW + dt.timedelta(days=90)])      # 0: everything kept
    assert "dihapus" not in said and "catatan pribadi staf" in log.read_text("utf-8")
    config.write_text(config.read_text("utf-8").replace("keep_days: 0", "keep_days: -1"), "utf-8")
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 1 and "config.yaml:" in run.out and "'otomatis.keep_days' tidak boleh negatif" in run.out


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a signal one process sends another only on POSIX")
def test_sigterm_while_a_round_publishes_stops_it_there_and_the_next_round_completes_the_site(tmp_path):
    """systemd stopping the timer's job (or a shutdown) while otomatis publishes a scheduled post: exit 143, the
    round's line says it was stopped, the target's lock and the runner's are gone, and the next round publishes the
    post after all. Before, the process ended where it stood, the target's lock left for other computers to wait
    10 minutes for."""
    live = tmp_path / "live"
    site = news_site(tmp_path / "site", folder_publish(live) + "otomatis:\n  verify: 0\n", posts=40)
    (site / SCHEDULED).parent.mkdir(parents=True)
    (site / SCHEDULED).write_text(md("title: Jadwal Rapat\nslug: jadwal-rapat\ndate: 2024-06-01 21:00"), "utf-8")
    published_at(site, DUE - dt.timedelta(hours=1))
    shutil.rmtree(live)             # the hosting's folder emptied since: the round sends the whole site
    process = start_cli(SLOW_SENDING, "otomatis", "--once", "--site", str(site))
    wait_until(lambda: any(path.is_file() and path.name not in (targetlock.HOLDER, MANIFEST, temp_name(MANIFEST))
                           for path in live.rglob("*")), process)
    process.send_signal(signal.SIGTERM)
    code = process.wait(60)
    out, err = process.communicate()
    assert code == 143 and "Traceback" not in err and err == "", out + err
    assert out.rstrip("\n").endswith("dihentikan (sinyal TERM) di tengah putaran; situs yang tayang tetap utuh, "
                                      "putaran berikutnya mengerjakannya lagi"), out
    assert not (live / targetlock.LOCK).exists()
    assert len(tree(live, skip=(MANIFEST,))) < len(tree(site / "output")) / 2
    again = run_cli("otomatis", "--once", "--site", str(site))
    assert again.code == 0 and "terbit ke utama: 1 berita terjadwal ('Jadwal Rapat')" in again.out, again.out
    assert tree(live, skip=(MANIFEST,)) == tree(site / "output") and (live / LIVE_PAGE).is_file()
