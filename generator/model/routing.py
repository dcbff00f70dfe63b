"""Every page of the site as a route (URL, template, context), pagination included."""

from __future__ import annotations

import math

from generator.model import documents
from generator.model.site import Pager, Route, Site
from generator.model.urls import BRAND_STYLESHEET, config_zone, gallery_index_url, page_url


def paginate(items: list, per_page: int, first_url: str) -> list[Pager]:
    total = max(1, math.ceil(len(items) / per_page))
    return [Pager(n, total, items[(n - 1) * per_page:n * per_page], page_url(first_url, n), first_url)
            for n in range(1, total + 1)]


def routes(site: Site) -> list[Route]:
    """Every file of the site except photos and theme assets, each with its template and context."""
    config = site.config
    per_page = config.listing.per_page
    out: list[Route] = []
    for pager in paginate(site.posts, per_page, "/"):
        out.append(Route(pager.url, "index.html", {"pager": pager, "page_title": ""}))
    for post in site.posts:
        out.append(Route(post.url, "post.html", {"post": post}, post.entry.path))
        if post.photos:
            out.append(Route(post.gallery_url, "gallery.html", {"post": post}, post.entry.path))
        for alias in post.entry.aliases:
            out.append(Route(alias, "redirect.html", {"target": post.url, "post": post}, post.entry.path))
    for page in site.pages:
        out.append(Route(page.url, "page.html", {"post": page}, page.entry.path))
        for alias in page.entry.aliases:
            out.append(Route(alias, "redirect.html", {"target": page.url, "post": page}, page.entry.path))
    for kind, terms in (("category", site.categories), ("tag", site.tags), ("month", site.months)):
        for term in terms:
            for pager in paginate(term.posts, per_page, term.url):
                out.append(Route(pager.url, "list.html", {"pager": pager, "term": term, "kind": kind}))
    for pager in paginate(site.galleries, per_page * 2, gallery_index_url(config)):
        out.append(Route(pager.url, "gallery_index.html", {"pager": pager}))
    for url, context in documents.pages(site.posts, config_zone(config), site.pages):
        out.append(Route(url, "dokumen.html", context))
        if url == documents.DOCUMENTS_URL and context["years"]:
            newest = [doc for _year, docs in context["years"] for doc in docs][:config.listing.feed_items]
            out.append(Route(documents.DOCUMENTS_URL + "feed.xml", "dokumen_feed.xml", {"items": newest}))
    out += _register_routes(site)
    out.append(Route("/arsip/", "archive.html", {}))
    out.append(Route("/cari/", "search.html", {}))
    out.append(Route("/404.html", "404.html", {}))
    out.append(Route("/feed.xml", "rss.xml", {"items": site.posts[:config.listing.feed_items]}))
    out.append(Route("/atom.xml", "atom.xml", {"items": site.posts[:config.listing.feed_items]}))
    out.append(Route("/robots.txt", "robots.txt", {}))
    out.append(Route("/.htaccess", "htaccess", {}))     # the web host's settings: caching, security headers
    out.append(Route("/_headers", "headers", {}))
    if config.theme.color:          # the brand colour, a stylesheet: the CSP allows no inline style
        out.append(Route(BRAND_STYLESHEET, "warna.css", {}))
    out.append(Route("/sitemap.xml", "sitemap.xml", {"urls": [r for r in out if _in_sitemap(r)]}))
    return out


def _register_routes(site: Site) -> list[Route]:
    """The Daftar Informasi Publik as a page, CSV and JSON, when the site has a typed document."""
    from generator.model import dip

    config = site.config
    groups = dip.groups(site.pages + site.posts, config.site.language)
    if not groups:
        return []
    url = config.documents.register.url
    return [Route(view.record.page, "dokumen_satu.html",
                  {"document": view, "source_title": post.entry.title, "source_url": post.url,
                   "text": site.document_texts.get(view.record.page, "")}, post.entry.path)
            for post in site.posts + site.pages for view in post.attachments if view.record is not None] + [
            Route(url, "informasi_publik.html", {"groups": groups}),
            Route(url + "dip.csv", "dip.csv", {"text": dip.as_csv(groups, config.site.base_url)}),
            Route(url + "dip.json", "dip.json", {"text": dip.as_json(groups, config.site.title, config.site.base_url)})]


def _in_sitemap(route: Route) -> bool:
    return route.url.endswith("/") and route.template not in ("redirect.html",)
