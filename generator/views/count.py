"""What counts as a view: the rules applied to each log line, and the tally of views and skipped lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, unquote_to_bytes

from generator.views.logs import LINE, MAX_LINE, TOO_LONG, head_digest, line_digest, timestamp

REPEAT_SECONDS = 30 * 60        # the same visitor (address + user agent) on the same post again within this: one view
BOT_WORDS = ("bot", "crawl", "spider", "preview")     # in any user agent, beside the library's list

# Why a line is not a view, in the order the rules are applied (a line is told under the first that applies).
LONG = f"baris lebih dari {MAX_LINE // 1024} KiB (bukan baris log; dilewati tanpa dibaca seluruhnya)"
MALFORMED = "baris rusak atau format lain"
ROBOT = "robot, perayap dan pratinjau tautan"
NOT_SHOWN = "bukan GET yang dijawab 200/304 (pengalihan, galat, HEAD, POST)"
OTHER = "aset, feed, indeks pencarian dan halaman lain"
REPEAT = "pengunjung yang sama dalam 30 menit"
REASONS = (LONG, MALFORMED, ROBOT, NOT_SHOWN, OTHER, REPEAT)


class Robots:
    """Is this user agent a robot? CrawlerDetect's maintained list, BOT_WORDS, and an empty user agent (no browser
    sends none); answers are kept per user agent, since a log repeats a few thousand of them."""

    def __init__(self):
        from crawlerdetect import CrawlerDetect

        self.detect = CrawlerDetect()
        self.known: dict[bytes, bool] = {}

    def __call__(self, agent: bytes) -> bool:
        found = self.known.get(agent)
        if found is None:
            text = agent.decode("utf-8", "replace").replace('\\"', '"').strip()
            lower = text.lower()
            found = (not text or text == "-" or any(word in lower for word in BOT_WORDS)
                     or self.detect.is_crawler(text))
            self.known[agent] = found
        return found


def addresses(base_path: str, posts: list[tuple[str, list[str]]]) -> dict[bytes, int]:
    """Request path -> index of the post it shows: each post's address and its aliases under the site's base path,
    as typed or percent-encoded, with and without the trailing slash or index.html."""
    found: dict[bytes, int] = {}
    for index, (url, aliases) in enumerate(posts):
        for path in [url, *aliases]:
            full = base_path + path.lstrip("/")
            forms = {full}
            if full.endswith("/"):
                forms |= {full + "index.html", full.rstrip("/")}
            for form in forms:
                for spelled in (form.encode("utf-8"), quote(form).encode("ascii")):
                    found.setdefault(spelled, index)
    return found


@dataclass
class Tally:
    """What the logs held: lines read, views per post, skipped lines by reason, and the time they cover."""

    views: list[int]
    lines: int = 0
    counted_before: int = 0         # lines an earlier run (or an earlier log of this run) already counted
    unfinished: int = 0             # logs whose last line has no newline yet (left for the next run)
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    first: int | None = None        # seconds since 1970 of the oldest and newest line read
    last: int | None = None

    def cover(self, when: int | None) -> None:
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


@dataclass
class Rules:
    """Everything the rules need, kept across the logs of one run: post addresses, the robot test, and when each
    visitor last viewed each post."""

    addresses: dict[bytes, int]
    robots: Robots
    seen: dict = field(default_factory=dict)         # hash of (address, user agent, post) -> seconds of the last view
    days: dict = field(default_factory=dict)         # timestamp cache (logs.timestamp)


@dataclass(frozen=True)
class Counted:
    """What of a log was counted before: its first `upto` bytes, and the starts of logs counted before, to find
    them again inside it (an archive holding earlier downloads, logs joined together): (length of the first line,
    logs.line_digest of it) -> [(logs.head_digest of the start, its length, bytes counted from there)]."""

    upto: int = 0
    starts: dict = field(default_factory=dict)


def count(numbered_lines, counted: Counted, rules: Rules, tally: Tally) -> int:
    """Apply the rules to (position, line) pairs of one log. Lines counted before only remind the rules who
    visited (so a repeat across the boundary is still a repeat). Returns the position reached."""
    judge = _judge(rules)
    skipped, views = tally.skipped, tally.views
    position = 0
    first = last = None
    for position, line, before in _marked(numbered_lines, counted):
        if before:
            if line is not TOO_LONG:
                judge(line)
            tally.counted_before += 1
            continue
        if line is TOO_LONG:
            skipped[LONG] += 1
            tally.lines += 1
            continue
        outcome = judge(line)
        if outcome.__class__ is int:
            views[outcome] += 1
        else:
            skipped[outcome] += 1
        if outcome is not MALFORMED:
            last = line
            if first is None:
                first = line
        tally.lines += 1
    for line in (first, last):
        if line is not None:
            tally.cover(timestamp(LINE.match(line).group(2), rules.days))
    return position


def _marked(numbered_lines, counted: Counted):
    """(position, line, counted before?) for each line. Where a line is the first line of a log counted before,
    the lines after it are held until its whole start can be compared: the same start is that log again, and as
    many bytes as were counted of it are counted here."""
    starts, until = counted.starts, counted.upto
    lengths = {size for size, _digest in starts}
    numbered_lines = iter(numbered_lines)
    for position, line in numbered_lines:
        candidates = None
        if line is not TOO_LONG and len(line) in lengths:
            candidates = starts.get((len(line), line_digest(line)))
        if not candidates:
            yield position, line, position <= until
            continue
        begin, held = position - len(line), [(position, line)]
        need = max(length for _head, length, _reached in candidates)
        while held[-1][0] - begin < need:
            following = next(numbered_lines, None)
            if following is None:
                break
            held.append(following)
        data = b"".join(held_line for _position, held_line in held if held_line is not TOO_LONG)
        for head, length, reached in candidates:
            if len(data) >= length and head_digest(data, length) == head:
                until = max(until, begin + reached)
        for held_position, held_line in held:
            yield held_position, held_line, held_position <= until


def _judge(rules: Rules):
    """The rules as one function of a line: the index of the post it is a view of, or why it is not one. Visitors
    are remembered by a hash of (address, user agent, post), which keeps a million lines' worth small."""
    match, addresses_of, robots, seen, days = LINE.match, rules.addresses.get, rules.robots, rules.seen, rules.days

    def judge(line: bytes):
        found = match(line)
        if found is None:
            return MALFORMED
        host, when, request, status, agent = found.groups()
        if agent is not None and robots(agent):
            return ROBOT
        if (status != b"200" and status != b"304") or request[:4] != b"GET ":
            return NOT_SHOWN
        post = addresses_of(_path(request))
        if post is None:
            return OTHER
        seconds = timestamp(when, days)
        if seconds is None:
            return MALFORMED
        if host[:7] == b"::ffff:" and b"." in host:
            host = host[7:]                  # an IPv4 visitor as a dual-stack server writes it
        key = hash((host, agent, post))
        previous = seen.get(key)
        if previous is not None and abs(seconds - previous) < REPEAT_SECONDS:
            return REPEAT
        seen[key] = seconds
        return post

    return judge


def _path(request: bytes) -> bytes:
    """The path of a request line 'GET /a/b/?q=1 HTTP/1.1', without query or fragment, percent-decoded."""
    target = request[4:]
    space = target.rfind(b" ")
    if space >= 0:
        target = target[:space]
    for mark in (b"?", b"#"):
        cut = target.find(mark)
        if cut >= 0:
            target = target[:cut]
    if target[:4] == b"http":            # absolute form: GET https://host/a/b/ HTTP/1.1
        scheme = target.find(b"://")
        if scheme >= 0:
            slash = target.find(b"/", scheme + 3)
            target = target[slash:] if slash >= 0 else b"/"
    if b"%" in target:
        target = unquote_to_bytes(target)
    return target
