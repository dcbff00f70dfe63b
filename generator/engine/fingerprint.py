"""Route fingerprints: a hash of exactly what a page's template sees, so unchanged pages are not rendered again.

A fingerprint covers the templates the page uses (its own, the ones it extends, imports, includes and renders
with once()), the whole config, the route's own context and the parts of `site` the templates name (site.popular, ...).
Posts are seen at two depths: the page's own post in full (its HTML, photos, neighbours, related posts)
and every other post by its card (URL, title, dates, summary, category, tags, cover: what lists show).
Not covered, on purpose: `site.built` (the build time), so a build that changes nothing writes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from generator.core.hashing import digest
from generator.engine import keys
from generator.model import theme
from generator.model.entries import Entry
from generator.model.site import Pager, Post, Route, Term

_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+(.)")
_LITERAL = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+([\"'])([^\"']+)\1")
_ONCE = re.compile(r"\bonce\(\s*(.)")                             # render.PageRenderer.once("_sidebar.html")
_ONCE_LITERAL = re.compile(r"\bonce\(\s*([\"'])([^\"']+)\1\s*\)")


# The front matter a card shows is every field of the entry except these: where it was read from and its body
# (only the post's own page shows those, through Signatures.full), the parts shown through the site model instead
# (post.summary, post.category, post.tags, post.cover) and the parts only the post's own page shows (gallery,
# aliases, files; attachments through post.attachments, which the documents pages' context holds too; poster
# inside the post's HTML, through its Markdown key, and on its video files' players, through Signatures.full). A
# field added to Entry is on the cards until it is named here, so it cannot go stale unseen.
_NOT_ON_CARDS = frozenset({"source", "bundle", "body", "body_line", "lines",
                           "summary", "category", "tags", "cover", "gallery", "aliases", "files", "attachments",
                           "poster"})
CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Entry) if f.name not in _NOT_ON_CARDS)


# What a template may read beyond what the signatures above cover: of a post other than the page's own (a post in a
# list, a neighbour, a related post, a post of a term) a signature covers its card (_card), not these; of a term's
# posts only their addresses, dates and number. A template that reads more is signed by the whole site (reach).
_OWN_POST_ONLY = frozenset({"html", "photos", "gallery", "files", "aliases", "older", "newer", "related", "body",
                            "body_line", "lines", "source", "bundle"})
_TERM_POST_FIELDS = frozenset({"url", "date"})
_COUNTS = frozenset({"length", "count"})
_BY_NAME = frozenset({"attr", "map", "selectattr", "rejectattr", "groupby", "sort", "sum", "unique", "min", "max"})
EVERYTHING = "*"        # in a template's site attributes: it reaches past what is tracked, the whole site is signed


def _h(*parts) -> str:
    return digest(repr(parts))


_text = digest      # a long text by its hash (repr of a whole page of HTML would cost more than hashing it)


class Templates:
    """The theme's template files: for each template, a hash of it and everything it uses, and the site.* it names.

    templates: one folder, or the site's templates/ over the built-in theme (theme.folders): a name is the file
    the Jinja loader finds for it."""

    def __init__(self, templates, known: dict[str, frozenset[str]] | None = None):
        """known: reach's results of the last build, by the digest of a template's text (parsing every template
        was a fifth of a one-edit build of 1,000 posts); the built-in theme's come with the generator (shipped)."""
        self.known = {**shipped(), **(known or {})}
        self.sources: dict[str, str] = {}
        for name, path in theme.sources(templates).items():
            try:
                self.sources[name] = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                self.sources[name] = ""
        self._closures: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._reach: dict[str, frozenset[str]] = {}

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
            attrs = tuple(sorted({a for n in used for a in self.reach(n)}))
            self._closures[name] = (_h([(n, self.sources.get(n)) for n in used]), attrs)
        return self._closures[name]

    @property
    def untracked(self) -> list[str]:
        """The templates that reach site data past what the signatures follow (reach): their pages are signed by the
        whole site, and the preview's quick rebuilds, which re-render only the pages showing an edited post, are
        not enough for them."""
        return [name for name in sorted(self.sources) if EVERYTHING in self.reach(name)]

    def reach(self, name: str) -> frozenset[str]:
        """The site attributes the template names, with EVERYTHING when it reaches site data some other way."""
        found = self._reach.get(name)
        if found is None:
            text = self.sources.get(name, "")
            found = self.known.get(digest(text))
            if found is None:
                found = reach(text)
            self._reach[name] = found
        return found

    def memo(self) -> dict[str, frozenset[str]]:
        """reach's results for these templates, by the digest of their text: the next build's known."""
        return {digest(self.sources.get(name, "")): found for name, found in self._reach.items()}


THEME_REACH = Path(__file__).with_name("theme_reach.json")


def shipped() -> dict[str, frozenset[str]]:
    """reach's results for the built-in theme's templates, by the digest of their text, as THEME_REACH holds them:
    a cold build (a new site, the first build after an upgrade) then parses none of them (a third of a small site's
    cold build). A template whose text differs from the one recorded is simply parsed; tests/test_incremental.py
    checks that the file is current (scripts/theme_reach.py writes it)."""
    try:
        data = json.loads(THEME_REACH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: frozenset(found) for key, found in data.items()
            if isinstance(found, list) and all(isinstance(a, str) for a in found)}


def theme_reach() -> dict[str, list[str]]:
    """What THEME_REACH should hold: reach of every template of the built-in theme, by the digest of its text."""
    texts = {path.read_text(encoding="utf-8") for path in theme.sources(theme.THEME_DIR).values()}
    return {digest(text): sorted(reach(text)) for text in sorted(texts)}


def reach(text: str) -> frozenset[str]:
    """The attributes of `site` a template reads (site.posts, site['tags']), plus EVERYTHING when it reads site data
    in a way the signatures do not follow: `site` itself handed on (`{% set s = site %}`, a macro given `site`,
    `site|attr(...)`, `site[name]`), a term's posts beyond their number, address and date (`post.category.posts`,
    `tag.posts`), the page-only parts of a post other than the page's own (`p.html` in a loop, `post.older.html`), or
    attributes named at render time (`map(attribute=...)`, `attr`). Such a template is correct but rendered again
    on every build; the built-in theme reads none of these."""
    import jinja2
    from jinja2 import nodes

    try:
        tree = jinja2.Environment().parse(text)
    except jinja2.TemplateError:
        return frozenset({EVERYTHING})        # rendering it reports the error
    own_post = not any(n.name == "post" and n.ctx in ("store", "param") for n in tree.find_all(nodes.Name))
    walker = _Reach(nodes, own_post)
    if not walker.walk(tree, []):
        walker.attrs.add(EVERYTHING)
    return frozenset(walker.attrs)


class _Reach:
    """One walk of a template's syntax tree for reach: the site attributes it finds, and False from walk where the
    template reads site data in a way the signatures do not follow."""

    def __init__(self, nodes, own_post: bool):
        self.nodes, self.own_post = nodes, own_post     # jinja2.nodes, imported by reach when a template is read
        self.attrs: set[str] = set()

    def name_of(self, node) -> str | None:          # x.name or x["name"]
        nodes = self.nodes
        if isinstance(node, nodes.Getattr):
            return node.attr
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return node.arg.value
        return None

    def counted(self, node, parent) -> bool:       # x|length, x|count
        return isinstance(parent, self.nodes.Filter) and parent.node is node and parent.name in _COUNTS

    def followed(self, node, parents) -> bool:
        nodes, name_of, counted = self.nodes, self.name_of, self.counted
        parent = parents[-1] if parents else None
        if isinstance(node, nodes.Name) and node.name == "site" and node.ctx == "load":
            attr = name_of(parent) if parent is not None and parent.node is node else None
            if attr is None:
                return False
            self.attrs.add(attr)
            return True
        attr = name_of(node)
        if attr == "posts" and not (isinstance(node.node, nodes.Name) and node.node.name == "site"):
            if counted(node, parent):
                return True
            grand = parents[-2] if len(parents) > 1 else None
            return (isinstance(parent, nodes.Getitem) and parent.node is node and isinstance(parent.arg, nodes.Const)
                    and isinstance(grand, nodes.Getattr) and grand.attr in _TERM_POST_FIELDS)
        if attr in _OWN_POST_ONLY:
            if attr == "photos" and counted(node, parent):
                return True
            return self.own_post and isinstance(node.node, nodes.Name) and node.node.name == "post"
        if isinstance(node, nodes.Filter) and node.name in _BY_NAME:
            named = list(node.args) + [k.value for k in node.kwargs if k.key == "attribute"]
            for value in named:                     # an attribute named at render time, or one not followed
                if not isinstance(value, nodes.Const):
                    return False
                if isinstance(value.value, str) and set(value.value.split(".")) & (_OWN_POST_ONLY | {"posts"}):
                    return False
        return True

    def walk(self, node, parents: list) -> bool:
        if not self.followed(node, parents):
            return False
        parents.append(node)
        try:
            return all(self.walk(child, parents) for child in node.iter_child_nodes())
        finally:
            parents.pop()


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
                stamp = keys.card_stamp(record, post)
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
                post.entry.files, post.attachments and repr(post.attachments),
                post.entry.aliases, post.entry.poster,
                self.card(post.older) if post.older else None, self.card(post.newer) if post.newer else None,
                [self.card(p) for p in post.related])
        return found

    def term(self, term) -> str:
        key = id(term)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = _h(term.name, term.slug, term.url, [(p.url, p.entry.date) for p in term.posts])
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
            elif name == EVERYTHING:
                found = self._everything()
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

    def _everything(self) -> str:
        """The whole site model but its build time: for a template that reaches past what is tracked (reach)."""
        site = self.site
        return _h(self.config_key, [(self.full(p), repr(p.entry)) for p in site.posts + site.pages],
                  [self.term(t) for t in site.categories + site.tags + site.months],
                  [p.url for p in site.popular], [p.url for p in site.recent])

    def route(self, route, templates: Templates) -> str:
        template_hash, attrs = templates.closure(route.template)
        return _h(route.url, route.template, template_hash, self.config_key,
                  [(a, self.site_attr(a)) for a in attrs], self.value(route.context))
