"""Assembly of the site model: which entries are published, and posts linked together (neighbours, terms, months,
related posts)."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from dataclasses import dataclass

from generator.core.hashing import digest
from generator.core.report import Problems
from generator.model.config import Config
from generator.model.entries import Entry, name_slug
from generator.model.site import Post, Site, Term
from generator.model.urls import config_zone, fill, post_url


@dataclass(frozen=True)
class Moment:
    """When the site is assembled, and whether drafts and posts dated later are published (the preview's choice)."""

    now: dt.datetime
    drafts: bool = False
    future: bool = False


def is_published(entry: Entry, moment: Moment) -> bool:
    if entry.draft and not moment.drafts:
        return False
    return moment.future or entry.date is None or entry.date <= moment.now


def assemble(entries: list[Entry], config: Config, moment: Moment, problems: Problems,
             related: dict | None = None) -> Site:
    """Choose what is published and link it all together: neighbours, terms, months, related posts.

    related, when given, keeps the related posts found for one order of posts and their tags (the cache keeps
    it between builds: an edit that moves no post and changes no tag finds them again without the search)."""
    now = moment.now
    published = [e for e in entries if is_published(e, moment)]
    posts = [Post(e, post_url(config, e)) for e in published if e.kind == "post"]
    posts.sort(key=lambda p: (p.entry.date, p.entry.path), reverse=True)
    pages = [Post(e, fill(config.permalinks.page, slug=e.slug)) for e in published if e.kind == "page"]
    pages.sort(key=lambda p: (p.entry.menu if p.entry.menu is not None else 1 << 30, p.entry.title))
    for older, newer in zip(posts[1:], posts[:-1]):
        older.newer, newer.older = newer, older
    categories = _terms(posts, lambda p: [p.entry.category], config.permalinks.category)
    _check_sections(config.home.sections or [], categories, problems)
    tags = _terms(posts, lambda p: p.entry.tags, config.permalinks.tag)
    for post in posts:
        post.category = categories[name_slug(post.entry.category)]
        post.tags = list({id(term): term for term in (tags[name_slug(t)] for t in post.entry.tags)}.values())
    months: dict[tuple, Term] = {}
    for post in posts:
        local = post.entry.date.astimezone(config_zone(config))
        key = (local.year, local.month)
        if key not in months:
            url = fill(config.permalinks.archive, year=f"{local.year:04d}", month=f"{local.month:02d}")
            months[key] = Term(f"{local.year}-{local.month:02d}", f"{local.year}-{local.month:02d}", url)
        months[key].posts.append(post)
    _relate(posts, config.listing.related, related if related is not None else {})
    popular = sorted((p for p in posts if p.entry.views), key=lambda p: (-p.entry.views, -p.entry.date.timestamp()))
    return Site(config, posts, pages, sorted(categories.values(), key=lambda t: t.name.lower()),
                sorted(tags.values(), key=lambda t: t.name.lower()), list(months.values()),
                popular[:config.listing.popular], posts[:config.listing.recent], now)


def _check_sections(sections: list[str], categories: dict[str, Term], problems: Problems) -> None:
    """A front-page section naming a category close to one the posts have, but not it (a typo), is warned about: its
    section would be left off the front page without a word. A category no post has yet (one planned) is not."""
    import difflib

    names = [term.name for term in categories.values()]
    for name in sections:
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75) if name_slug(name) not in categories else []
        if close:
            problems.warn("config.yaml", None, f"home.sections: kategori '{name}' tidak ada, jadi bagiannya tidak "
                          "tampil di beranda.", f"Mungkin maksudnya '{close[0]}'? Tulis nama kategori persis seperti "
                          "di berita.")


def _terms(posts: list[Post], names, pattern: str) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for post in posts:
        for name in dict.fromkeys(names(post)):
            slug = name_slug(name)
            term = terms.setdefault(slug, Term(name, slug, fill(pattern, slug=slug)))
            if not term.posts or term.posts[-1] is not post:
                term.posts.append(post)
    return terms


def _relate(posts: list[Post], count: int, memo: dict, window: int = 24) -> None:
    """Related posts: most shared tags first, then nearest in time; looks at a window of each tag's posts.

    memo holds the answer for the last order of posts and tags seen (key -> each post's related positions)."""
    key = digest(repr((count, window, [[t.slug for t in p.tags] for p in posts])))
    if key in memo:
        for post, found in zip(posts, memo[key]):
            post.related = [posts[j] for j in found]
        return
    memo.clear()
    memo[key] = found_all = []
    by_tag: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        for tag in post.tags:
            by_tag.setdefault(tag.slug, []).append(i)
    half = window // 2
    for i, post in enumerate(posts):
        shared: dict[int, int] = {}
        get = shared.get
        for tag in post.tags:
            members = by_tag[tag.slug]
            at = bisect.bisect_left(members, i)
            for j in members[max(0, at - half):at + half + 1]:
                shared[j] = get(j, 0) + 1
        shared.pop(i, None)
        best = heapq.nsmallest(count, [(-n, abs(j - i), j) for j, n in shared.items()])   # = sorted(...)[:count]
        found_all.append([j for _n, _d, j in best])
        post.related = [posts[j] for j in found_all[-1]]
