"""Route fingerprints: a hash of exactly what a page's template sees, so unchanged pages are not rendered again.

A fingerprint covers the templates the page uses (its own, the ones it extends, imports, includes and renders
with once()), the whole config, the route's own context and the parts of `site` the templates name (site.popular, ...).
Posts are seen at two depths: the page's own post in full (its HTML, photos, neighbours, related posts)
and every other post by its card (URL, title, dates, summary, category, tags, cover: what lists show).
Not covered, on purpose: `site.built` (the build time), so a build that changes nothing writes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .content import Entry
from .hashing import digest
from .site import Pager, Post, Route, Term

_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+(.)")
_LITERAL = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+([\"'])([^\"']+)\1")
_SITE_ATTR = re.compile(r"\bsite\.(\w+)")
_ONCE = re.compile(r"\bonce\(\s*(.)")                             # render.PageRenderer.once("_sidebar.html")
_ONCE_LITERAL = re.compile(r"\bonce\(\s*([\"'])([^\"']+)\1\s*\)")


# The front matter a card shows is every field of the entry except these: where it was read from and its body
# (only the post's own page shows those, through Signatures.full), the parts shown through the site model instead
# (post.summary, post.category, post.tags, post.cover) and the parts only the post's own page shows (gallery,
# aliases, files). A field added to Entry is on the cards until it is named here, so it cannot go stale unseen.
_NOT_ON_CARDS = frozenset({"source", "bundle", "body", "body_line", "lines",
                           "summary", "category", "tags", "cover", "gallery", "aliases", "files"})
CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Entry) if f.name not in _NOT_ON_CARDS)


def _h(*parts) -> str:
    return digest(repr(parts))


_text = digest      # a long text by its hash (repr of a whole page of HTML would cost more than hashing it)


class Templates:
    """The theme's template files: for each template, a hash of it and everything it uses, and the site.* it names."""

    def __init__(self, folder: Path):
        self.sources: dict[str, str] = {}
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.relative_to(folder).parts[0] == "assets":
                    try:
                        self.sources[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
                    except (UnicodeDecodeError, OSError):
                        self.sources[path.relative_to(folder).as_posix()] = ""
        self._closures: dict[str, tuple[str, tuple[str, ...]]] = {}

    @property
    def digest(self) -> str:
        return _h(sorted(self.sources.items()))

    def closure(self, name: str) -> tuple[str, tuple[str, ...]]:
        """(hash of the template and all it references, sorted names of the site attributes they use)."""
        if name not in self._closures:
            seen: set[str] = set()
            todo = [name]
            dynamic = False
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                text = self.sources.get(current, "")
                literal = [m.group(2) for m in _LITERAL.finditer(text)]
                once = [m.group(2) for m in _ONCE_LITERAL.finditer(text)]
                if len(literal) != len(_REFERENCE.findall(text)) or len(once) != len(_ONCE.findall(text)):
                    dynamic = True        # a template name computed at render time: depend on every template
                todo.extend(literal + once)
            if dynamic:
                seen = set(self.sources) | seen
            used = sorted(seen)
            attrs = tuple(sorted({a for n in used for a in _SITE_ATTR.findall(self.sources.get(n, ""))}))
            self._closures[name] = (_h([(n, self.sources.get(n)) for n in used]), attrs)
        return self._closures[name]


def _card(post) -> str:
    """A hash of everything a card of the post shows: its entry's card fields and what the site model adds."""
    entry = post.entry
    return _h(post.url, [getattr(entry, name) for name in CARD_FIELDS], post.summary,
              (post.category.name, post.category.slug, post.category.url) if post.category else None,
              [(t.name, t.slug, t.url) for t in post.tags], post.cover and repr(post.cover), post.gallery_url,
              len(post.photos))


class Signatures:
    """Compact, memoised signatures of the site model's parts, for one build.

    records (path -> cache.SourceRecord), when given, keep each post's card signature and HTML hash from one
    build to the next. A card is everything of a post other pages show (_card); it comes from the post's own record
    (entry, photos, rendered summary: a changed file or config makes a new record) and the config, except the
    names of its category and tags, which the first post using each name gives: those are part of its key. A
    plan made from photos written moments ago (photos_racy) is not trusted from one build to the next.
    """

    def __init__(self, site, config_key: str, records: dict | None = None):
        self.site = site
        self.config_key = config_key
        self.records = records or {}
        self._cards: dict[int, str] = {}
        self._full: dict[int, str] = {}
        self._site_attrs: dict[str, str] = {}
        self._terms: dict[int, str] = {}

    def card(self, post) -> str:
        key = id(post)
        found = self._cards.get(key)
        if found is None:
            record = self.records.get(post.entry.path)
            stamp = ()
            if record is not None:
                stamp = (record.photos_key, record.html_key, post.category.name if post.category else None,
                         tuple(t.name for t in post.tags))
                if record.card_key == stamp and record.card and not record.photos_racy:
                    found = self._cards[key] = record.card
                    return found
            found = self._cards[key] = _card(post)
            if record is not None:
                record.card_key, record.card = stamp, found
        return found

    def _html(self, post) -> str:
        record = self.records.get(post.entry.path)
        if record is None:
            return _text(post.html)
        if not record.html_sig or record.html_sig[0] != record.html_key or record.html is not post.html:
            record.html_sig = (record.html_key, _text(post.html))
        return record.html_sig[1]

    def full(self, post) -> str:
        key = id(post)
        found = self._full.get(key)
        if found is None:
            found = self._full[key] = _h(
                self.card(post), self._html(post), post.photos and repr(post.photos), post.entry.gallery and repr(post.entry.gallery),
                post.entry.files,
                post.entry.aliases,
                self.card(post.older) if post.older else None, self.card(post.newer) if post.newer else None,
                [self.card(p) for p in post.related])
        return found

    def term(self, term) -> str:
        key = id(term)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = _h(term.name, term.slug, term.url, [p.url for p in term.posts])
        return found

    def value(self, value) -> object:
        """A signature of any context value: posts, terms, pagers, routes, lists and plain values."""
        if isinstance(value, Post):
            return self.full(value)
        if isinstance(value, Term):
            return self.term(value)
        if isinstance(value, Pager):
            return (value.number, value.total, value.url, value.first_url,
                    [self.card(i) if isinstance(i, Post) else self.value(i) for i in value.items])
        if isinstance(value, Route):
            post = value.context.get("post")
            return (value.url, value.template, (post.entry.updated, post.entry.date) if post is not None else None)
        if isinstance(value, (list, tuple)):
            return [self.card(i) if isinstance(i, Post) else self.value(i) for i in value]
        if isinstance(value, dict):
            return sorted((k, self.value(v)) for k, v in value.items())
        return repr(value)

    def site_attr(self, name: str) -> str:
        found = self._site_attrs.get(name)
        if found is None:
            if name == "built":
                found = ""
            elif name == "config":
                found = self.config_key
            else:
                value = getattr(self.site, name, None)
                if isinstance(value, list) and value and hasattr(value[0], "posts"):
                    found = _h([self.term(t) for t in value])
                else:
                    found = _h(self.value(value))
            self._site_attrs[name] = found
        return found

    def route(self, route, templates: Templates) -> str:
        template_hash, attrs = templates.closure(route.template)
        return _h(route.url, route.template, template_hash, self.config_key,
                  [(a, self.site_attr(a)) for a in attrs], self.value(route.context))
