"""What a web server would run, and what looks like injected spam: decisions only, no files read here.

A static site is safe from plugins, but a web host still runs some files it is given: PHP and CGI scripts, server
side includes, an `.htaccess` that reconfigures the folder. Apache's mod_mime runs `foto.php.jpg` as PHP on many
hosts (every suffix of a name counts), so every dot-separated part of a name is looked at, not only the last one.
Such a file in `content/` is never published.

Injected content can also reach a post through a colleague's infected PC or a pasted page: online-gambling spam
(judi online) and links hidden from readers but seen by search engines. Those are warned about, with the line, for a
person to look at: a news post may quote such words on purpose (a post about the blocking of gambling sites), so they
never stop the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXECUTABLE_SUFFIXES = frozenset({
    "php", "php3", "php4", "php5", "php7", "php8", "phtml", "pht", "phps", "phar",
    "cgi", "pl", "py", "rb", "sh", "asp", "aspx", "ashx", "asmx", "cer", "asa", "jsp", "jspx", "shtml", "shtm",
    "stm", "htaccess", "htpasswd", "user.ini",
})
# Names a server reads as its own settings whatever their suffix.
SERVER_FILES = frozenset({".htaccess", ".htpasswd", ".user.ini", "web.config", "php.ini"})


def executable_reason(name: str) -> str:
    """Why a web server could run or obey a file of this name ('' when it is ordinary). Looks at every part after
    the first dot, in any case: 'sk.PHP', 'foto.php.jpg', 'berkas.phtml', 'web.config'."""
    low = name.lower().strip()
    if low in SERVER_FILES:
        return f"'{name}' adalah berkas pengaturan server web"
    parts = low.split(".")[1:]
    joined = ".".join(parts)
    for part in [*parts, joined]:
        if part in EXECUTABLE_SUFFIXES:
            return f"akhiran '.{part}' bisa dijalankan oleh server web"
    return ""


@dataclass(frozen=True)
class Finding:
    """One suspicious spot in a body: its line (1-based, in the text given) and what was found there."""

    line: int
    what: str


# Phrases of Indonesian online-gambling spam, as injected into government sites in 2022-2023. Whole words only, so
# "slot waktu" (a time slot) or "togelan" in a name does not match on its own: each entry needs its gambling context.
SPAM = re.compile(
    r"\b(judi\s+(?:online|bola|slot)|slot\s+(?:gacor|online|demo|thailand|maxwin|88)|situs\s+(?:slot|togel)"
    r"|togel\s+(?:online|hari\s+ini|hk|sgp|sidney|singapore)|bandar\s+(?:togel|judi|bola|slot)|sbobet|pragmatic\s+play"
    r"|rtp\s+(?:live|slot)|scatter\s+hitam|gacor\s+hari\s+ini|maxwin|depo(?:sit)?\s+(?:pulsa|dana)\s+(?:tanpa|slot)"
    r"|mahjong\s+ways|link\s+alternatif\s+\w+\d*|zeus\s+slot|casino\s+online|kasino\s+online|poker\s+online"
    r"|domino\s*qq|pkv\s+games)\b")         # matched in casefolded text: twice as fast as re.IGNORECASE
# What a match of SPAM has in the casefolded text's UTF-8 bytes with every byte but a-z made a space (a character
# beyond ASCII, or one SPAM's \b or \s stands for, is spaces there): its phrase, between spaces. A search that begins
# at each space, not at every letter as SPAM's \b makes it: a body without spam is passed in half the time.
_LETTERS = bytes(byte if 97 <= byte <= 122 else byte + 32 if 65 <= byte <= 90 else 32 for byte in range(256))
_SPAM_WORDS = re.compile(
    rb" (?:judi +(?:online|bola|slot)|slot|situs +(?:slot|togel)|togel|bandar +(?:togel|judi|bola|slot)|sbobet"
    rb"|pragmatic +play|rtp +(?:live|slot)|scatter +hitam|gacor|maxwin|depo(?:sit)? +(?:pulsa|dana)|mahjong +ways"
    rb"|link +alternatif|zeus +slot|[ck]asino +online|poker +online|domino *qq|pkv +games) ")
# Every byte but the first of the characters beyond ASCII whose casefold has an ASCII letter: U+00DF (ss), U+0130,
# U+0149, U+017F (s), U+01F0, U+1E96-U+1E9E and U+FB00-U+FB06 (ff, fi, ...); the Kelvin sign U+212A (k) is looked for
# whole, as its first byte begins the typographic quotes and dashes too. Without any, casefold changes only A-Z,
# which _LETTERS lowers: casefold (the slowest step) is left for the bodies where a phrase may be.
_NOT_FOLDING = bytes(byte for byte in range(256) if byte not in (0xc3, 0xc4, 0xc5, 0xc7, 0xe1, 0xef))


def _may_be_spam(body: str) -> bool:
    """False when SPAM cannot match the casefolded text (most bodies)."""
    data = body.encode("utf-8", "surrogatepass")
    if data.translate(None, _NOT_FOLDING) or b"\xe2\x84\xaa" in data:
        data = body.casefold().encode("utf-8", "surrogatepass")
    return bool(_SPAM_WORDS.search(b" " + data.translate(_LETTERS) + b" "))


# An element hidden by its inline style: display:none, visibility:hidden, a zero font size or height, or pushed off
# the page; a link inside it is seen by search engines and not by readers.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d]*[1-9])|(?<![-\w])height\s*:\s*0(?:px)?\s*(?:;|$)"
    r"|(?:left|top|text-indent)\s*:\s*-\d{3,}|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)",
    re.IGNORECASE)
_OPEN = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<a\b[^>]*\bhref\s*=", re.IGNORECASE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def spam_findings(body: str) -> list[Finding]:
    """Gambling-spam phrases (one finding a line) and links inside inline-hidden elements, in text order."""
    found: list[Finding] = []
    seen_lines: set[int] = set()
    folded = body.casefold() if _may_be_spam(body) else ""      # as many lines as body: casefold keeps line breaks
    for match in SPAM.finditer(folded):
        line = _line_of(folded, match.start())
        if line not in seen_lines:
            seen_lines.add(line)
            found.append(Finding(line, f"teks mirip spam judi online (\"{match.group(0)}\")"))
    for match in _OPEN.finditer(body):
        if not _HIDDEN_STYLE.search(match.group(2)):
            continue
        tag = match.group(1).lower()
        close = re.search(rf"</{tag}\s*>", body[match.end():], re.IGNORECASE)
        inside = body[match.end(): match.end() + close.start()] if close else body[match.end():]
        if _LINK.search(inside) or tag == "a" and _LINK.match(match.group(0)):
            found.append(Finding(_line_of(body, match.start()), f"tautan di dalam elemen <{tag}> yang disembunyikan"
                                                                " dari pembaca (atribut style)"))
    return sorted(found, key=lambda f: f.line)
