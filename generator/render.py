"""Templates: the Jinja2 environment (strict, autoescaped), Indonesian dates and numbers, and page rendering."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from .config import Config
from .report import Problems
from .site import Route, Site

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"
ASSETS = "assets"


def environment(template_dir: Path, config: Config) -> jinja2.Environment:
    """A strict environment: autoescape on, undefined variables are errors, Babel for dates and numbers."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(template_dir)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    zone = ZoneInfo(config.site.timezone)
    locale = config.site.language
    base = config.base_path
    origin = config.origin

    def local(value: dt.datetime) -> dt.datetime:
        return value.astimezone(zone)

    def url(path: str) -> str:
        return path if "://" in path or path.startswith(("#", "mailto:", "tel:")) else base + path.lstrip("/")

    env.filters.update(
        tanggal=lambda d: format_datetime(local(d), "EEEE, d MMMM y", locale=locale),
        tanggal_pendek=lambda d: format_datetime(local(d), "d MMM y", locale=locale),
        jam=lambda d: format_datetime(local(d), "HH.mm zzz", locale=locale),
        bulan=lambda d: format_datetime(local(d), "LLLL y", locale=locale),
        angka=lambda n: format_decimal(n, locale=locale),
        iso=lambda d: local(d).isoformat(),
        rfc822=lambda d: email.utils.format_datetime(local(d)),   # English names whatever the OS locale
        url=url,
        abs_url=lambda path: origin + url(path),
        json=lambda value: Markup(json.dumps(value, ensure_ascii=False).replace("</", "<\\/")),
    )
    env.globals.update(url=url, abs_url=lambda path: origin + url(path), assets=ASSETS)
    return env


def month_name(year: int, month: int, config: Config) -> str:
    return format_datetime(dt.datetime(year, month, 1), "LLLL y", locale=config.site.language)


def render_routes(env: jinja2.Environment, site: Site, routes: list[Route], problems: Problems) -> dict[str, bytes]:
    """Render every route to bytes, keyed by site URL; template errors become problems with file and line."""
    common = {"site": site, "config": site.config}
    out: dict[str, bytes] = {}
    cache: dict[str, jinja2.Template] = {}
    for route in routes:
        try:
            template = cache.get(route.template) or cache.setdefault(route.template, env.get_template(route.template))
            out[route.url] = template.render(common, route=route, **route.context).encode("utf-8")
        except jinja2.TemplateSyntaxError as err:
            problems.error(f"templates/{err.name or route.template}", err.lineno, f"template tidak sah: {err.message}.",
                           "Periksa tanda {{ }} dan {% %} pada baris ini.")
            return out
        except jinja2.TemplateNotFound as err:
            problems.error(f"templates/{err.name}", None, "template tidak ditemukan.",
                           "Kembalikan berkas template ini atau hapus folder templates/ agar tema bawaan dipakai.")
            return out
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as err:
            line, name = _template_line(err, route.template)
            problems.error(f"templates/{name}", line, f"gagal membuat halaman {route.url}: {err}.",
                           "Periksa nama variabel pada baris ini.")
            return out
    return out


def _template_line(err: Exception, fallback: str) -> tuple[int | None, str]:
    """The template file and line in the traceback of a rendering error."""
    tb = err.__traceback__
    found = (None, fallback)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (tb.tb_lineno, Path(filename).name)
        tb = tb.tb_next
    return found
