"""Templates: the Jinja2 environment (strict, autoescaped), Indonesian dates and numbers, and page rendering."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from generator.core.report import Problem
from generator.model import documents, theme
from generator.model.config import Config
from generator.model.site import Route, Site

ASSETS = theme.ASSETS


def environment(templates, config: Config, cache_dir: Path | None = None) -> jinja2.Environment:
    """A strict environment: autoescape on, undefined variables are errors, Babel for dates and numbers.

    templates: one folder, or the site's templates/ over the built-in theme (theme.folders): a template is
    looked up in the site's folder first, then in the theme, and "tema/NAME" is always the built-in NAME.

    With cache_dir, compiled templates are kept there (Jinja checks each against its source's checksum)."""
    bytecode = None
    if cache_dir is not None:
        try:
            (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))
        except OSError:
            pass        # no cache folder: templates are compiled every build
    env = jinja2.Environment(
        loader=loader(templates), bytecode_cache=bytecode,
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

    memo = _memo
    env.filters.update(
        tanggal=memo(lambda d: format_datetime(local(d), "EEEE, d MMMM y", locale=locale)),
        tanggal_pendek=memo(lambda d: format_datetime(local(d), "d MMM y", locale=locale)),
        jam=memo(lambda d: format_datetime(local(d), "HH.mm zzz", locale=locale)),
        bulan=memo(lambda d: format_datetime(local(d), "LLLL y", locale=locale)),
        tanggal_dokumen=memo(lambda d: format_date(d, "d MMMM y", locale=locale)),   # a date without time or zone
        angka=memo(lambda n: format_decimal(n, locale=locale)),
        ukuran=memo(lambda n: documents.size_label(n, locale)),
        iso=lambda d: local(d).isoformat(),
        rfc822=lambda d: email.utils.format_datetime(local(d)),   # English names whatever the OS locale
        url=url,
        abs_url=lambda path: origin + url(path),
        json=script_json, tabel=lambda html: Markup(scrollable_tables(str(html))),
    )
    env.globals.update(url=url, abs_url=lambda path: origin + url(path), assets=ASSETS)
    return env


def _memo(function):
    """Babel formatting costs ~50 us a call and the sidebar repeats the same dates on every page."""
    seen: dict = {}

    def cached(value):
        try:
            return seen[value]
        except KeyError:
            result = seen[value] = function(value)
            return result
        except TypeError:       # unhashable: format it every time
            return function(value)
    return cached


def loader(templates) -> jinja2.BaseLoader:
    """The site's templates over the built-in theme's, like a ChoiceLoader; 'tema/post.html' is the theme's own."""
    layers = [str(folder) for folder in theme.as_folders(templates)]
    found = jinja2.FileSystemLoader(layers)
    if len(layers) == 1:
        return found
    return jinja2.ChoiceLoader([found, jinja2.PrefixLoader({theme.BUILT_IN: jinja2.FileSystemLoader(layers[-1])})])


def script_json(value) -> Markup:
    """JSON to put inside a <script> element, escaped as Jinja's tojson does: '<', '>', '&' and "'" are written
    as \\u003c... so no text (a title holding '<!--<script>' or '</script>') can end or bend the element."""
    return jinja2.utils.htmlsafe_json_dumps(value, ensure_ascii=False)


# What XML 1.0 forbids (content.FORBIDDEN also refuses them in front matter): stripped from every XML file the build
# writes, whatever brought them (config.yaml, a template), so the feeds and the sitemap always parse.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class PageRenderer:
    """Renders routes of one site to page bytes with one environment; templates are compiled once and reused."""

    def __init__(self, env: jinja2.Environment, site: Site):
        self.env = env
        self.templates: dict[str, jinja2.Template] = {}
        self.use(site)
        env.globals["once"] = self.once

    def use(self, site: Site) -> None:
        """Render pages of this site (the preview's quick rebuilds keep the templates for the next model)."""
        self.common = {"site": site, "config": site.config}
        self._shared: dict[str, Markup] = {}

    def once(self, name: str) -> Markup:
        """A template that is the same on every page (the sidebar), rendered once with only site and config.

        fingerprint.Templates counts it among the templates of each page that calls it."""
        found = self._shared.get(name)
        if found is None:
            found = self._shared[name] = Markup(self.template(name).render(self.common))
        return found

    def prepare(self, names) -> Problem | None:
        """Compile the templates up front (before workers fork, so each compiles nothing); a problem if one fails."""
        for name in sorted(set(names)):
            try:
                self.template(name)
            except Exception as err:          # reported like any rendering error, with file and line
                return problem_of(err, Route("/", name, {}))
        return None

    def template(self, name: str) -> jinja2.Template:
        found = self.templates.get(name)
        if found is None:
            found = self.templates[name] = self.env.get_template(name)
        return found

    def render(self, route: Route) -> bytes:
        text = self.template(route.template).render(self.common, route=route, **route.context)
        if route.template.endswith(".xml"):
            text = XML_FORBIDDEN.sub("", text)
        return text.encode("utf-8")


RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError,
                 ZeroDivisionError, ArithmeticError, RecursionError)


def problem_of(err: Exception, route: Route) -> Problem:
    """A template error as a problem with the template's file and line."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Problem(f"templates/{err.name or route.template}", err.lineno, f"template tidak sah: {err.message}.",
                       "Periksa tanda {{ }} dan {% %} pada baris ini.")
    if isinstance(err, jinja2.TemplateNotFound):
        return Problem(f"templates/{err.name}", None, "template tidak ditemukan.",
                       "Periksa ejaan namanya: template yang tidak ada di folder templates/ situs diambil dari tema "
                       "bawaan, dan 'tema/NAMA' selalu menunjuk tema bawaan.")
    line, name = _template_line(err, route.template)
    return Problem(f"templates/{name}", line, f"gagal membuat halaman {route.url}: {err}.",
                   "Periksa nama variabel pada baris ini.")


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


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption\s*>", re.IGNORECASE | re.DOTALL)


def scrollable_tables(html: str) -> str:
    """Each outermost table of a body inside a box that scrolls sideways on a narrow screen, which a keyboard can
    reach and a screen reader names (role=region, its caption or 'Tabel N'): a wide table pasted from Word keeps
    its last columns reachable on a phone. The tables themselves are left byte for byte as written."""
    matches = list(_TABLE_TAG.finditer(html))
    if not matches:
        return html
    out, depth, start, last, number = [], 0, 0, 0, 0
    spans = []
    for match in matches:
        if not match.group(1):
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    for start, end in spans:
        number += 1
        table = html[start:end]
        caption = _CAPTION.search(table)
        label = re.sub(r"<[^>]+>", "", caption.group(1)).strip() if caption else ""
        label = f"Tabel {number}" + (f": {label}" if label else "")
        label = label.replace('"', "&quot;").replace("<", "&lt;")     # the caption's text is HTML already
        out += [html[last:start], f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">', table,
                "</div>"]
        last = end
    out.append(html[last:])
    return "".join(out)
