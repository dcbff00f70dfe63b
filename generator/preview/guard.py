"""Who may talk to the preview: requests must name this server in their Host header (no DNS rebinding), changes
(POST and the like) may not come from another site's page, and with a password every request needs it (HTTP Basic
auth). An ASGI middleware over the whole preview, the desk included."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::")
REALM = "Pratinjau situs KPU"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_loopback(host: str) -> bool:
    """True when --host keeps the preview on this computer (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """How a Host header writes an address: IPv6 literals in brackets, names in lower case."""
    name = host.strip().strip("[]").lower()
    return f"[{name}]" if ":" in name else name


def allowed_hosts(host: str, port: int, own_names: tuple[str, ...] = ()) -> frozenset[str]:
    """Every Host header value that names this server: the loopback names, the --host value and, for a server bound
    to every interface, this computer's own names and addresses (own_names); each with the port (alone only on 80)."""
    names = {*LOOPBACK_NAMES, *(host_name(n) for n in own_names if n)}
    if host.strip() not in WILDCARDS:
        names.add(host_name(host))
    with_port = {f"{name}:{port}" for name in names}
    return frozenset(with_port | names if port == 80 else with_port)


def own_names() -> tuple[str, ...]:
    """This computer's name and the addresses colleagues reach it by (for a server bound to 0.0.0.0)."""
    names: list[str] = []
    try:
        hostname = socket.gethostname()
        names += [hostname, f"{hostname}.local"]
        names += [info[4][0] for info in socket.getaddrinfo(hostname, None, type=socket.SOCK_STREAM)]
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:   # no packet is sent: picks the LAN address
            probe.connect(("10.255.255.255", 1))
            names.append(probe.getsockname()[0])
    except OSError:
        pass
    return tuple(dict.fromkeys(n.split("%")[0] for n in names if n))


def password_matches(authorization: str | None, password: str) -> bool:
    """True when an `Authorization: Basic ...` header carries the password (any user name)."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    given = decoded.partition(b":")[2]
    return secrets.compare_digest(given, password.encode("utf-8"))


def same_origin(headers: dict[str, str], hosts: frozenset[str]) -> bool:
    """False for a request a browser says comes from another site (Sec-Fetch-Site, or an Origin that is not this
    server); requests without those headers (not from a browser page) are left to the desk's own token."""
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    scheme, _, rest = origin.strip().lower().partition("://")
    return scheme == "http" and rest in hosts


@dataclass(frozen=True)
class Rules:
    hosts: frozenset[str]           # from allowed_hosts()
    password: str | None = None     # None: no password asked (a preview on this computer only)
    address: str = ""               # the address to tell a refused request to use


class Guard:
    """ASGI middleware: 400 for a Host header that does not name this server, 403 for a change sent from another
    site's page, 401 without the password."""

    def __init__(self, app, rules: Rules):
        self.app, self.rules = app, rules

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":     # lifespan; the preview serves no websockets
            return await self.app(scope, receive, send)
        headers = dict((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", []))
        if headers.get("host", "").strip().lower() not in self.rules.hosts:
            text = ("Permintaan ditolak: alamat di kepala Host bukan alamat pratinjau ini "
                    "(perlindungan dari situs lain yang menyamar). "
                    f"Buka pratinjau lewat {self.rules.address or 'alamat yang dicetak saat pratinjau dimulai'}.\n")
            return await _plain(send, 400, text)
        if scope["method"] not in SAFE_METHODS and not same_origin(headers, self.rules.hosts):
            text = ("Permintaan ditolak: perubahan hanya boleh dikirim dari halaman pratinjau ini sendiri, "
                    "bukan dari situs lain.\n")
            return await _plain(send, 403, text)
        if self.rules.password is not None and not password_matches(headers.get("authorization"), self.rules.password):
            text = "Kata sandi diperlukan: isi kata sandi pratinjau (nama pengguna boleh apa saja).\n"
            challenge = f'Basic realm="{REALM}", charset="UTF-8"'
            return await _plain(send, 401, text, [(b"www-authenticate", challenge.encode("ascii"))])
        return await self.app(scope, receive, send)


async def _plain(send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
