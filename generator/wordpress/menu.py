"""WordPress's own menu (nav_menu_item) to the site's menu settings: the pages it lists get a `menu:` position, and
its other entries (categories, posts, links) become `menu_links:` for config.yaml, which the import never writes
itself (it prints the block to add)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from generator.model.entries import name_slug
from generator.model.sanitize import runs_script
from generator.model.urls import fill

_MAIN = re.compile(r"utama|primary|main|header|atas|top|navigasi|navigation", re.IGNORECASE)


@dataclass
class Menu:
    """The menu chosen from the export and what became of its entries."""

    name: str
    pages: dict[str, int] = field(default_factory=dict)            # page post id -> its menu position
    links: list[tuple[str, str]] = field(default_factory=list)     # (title, url) of the other entries, in order
    nested: int = 0               # entries under another entry: the site's menu has one level
    unknown: int = 0              # entries pointing at nothing the export holds ('#', a deleted page)
    others: list[str] = field(default_factory=list)                # the export's other menus, not taken


def choose(items) -> tuple[str, list] | None:
    """The export's main menu as (name, its items in menu order): one named like a main menu, else the one with
    the most top-level entries; None when the export has no menu."""
    menus: dict[tuple[str, str], list] = {}
    for item in items:
        if item.post_type == "nav_menu_item" and item.status == "publish":
            for menu in item.menus[:1]:
                menus.setdefault(menu, []).append(item)
    if not menus:
        return None

    def rank(key):
        top = sum(1 for i in menus[key] if _parent(i) == "0")
        return bool(_MAIN.search(key[0]) or _MAIN.search(key[1])), top
    name, _slug = best = max(menus, key=rank)
    return name, sorted(menus[best], key=lambda i: (i.menu_order, i.post_id))


def _parent(item) -> str:
    return (item.first_meta("_menu_item_menu_item_parent") or "0").strip() or "0"


def plan(export, config, urls: dict[str, str]) -> Menu | None:
    """The main menu mapped to the site: urls gives the new address of each imported post and page by post id."""
    chosen = choose(export.items)
    if chosen is None:
        return None
    name, entries = chosen
    menu = Menu(name, others=sorted({m[0] for i in export.items for m in i.menus[:1]} - {name}))
    titles = {i.post_id: i.title for i in export.items if i.post_type in ("post", "page")}
    for item in entries:
        if _parent(item) != "0":
            menu.nested += 1
            continue
        kind = (item.first_meta("_menu_item_type") or "").strip()
        target = (item.first_meta("_menu_item_object") or "").strip()
        object_id = (item.first_meta("_menu_item_object_id") or "").strip()
        if kind == "post_type" and target == "page" and object_id in urls:
            menu.pages.setdefault(object_id, len(menu.pages) + 1)
            continue
        link = _link(item, (kind, target, object_id), _Lookup(export, config, urls, titles))
        if link is None:
            menu.unknown += 1
        elif link[1] not in ("/", config.base_path):     # Beranda is always the menu's first entry
            menu.links.append(link)
    return menu


@dataclass(frozen=True)
class _Lookup:
    export: object
    config: object
    urls: dict
    titles: dict


def _link(item, what: tuple[str, str, str], lookup: _Lookup) -> tuple[str, str] | None:
    """(title, url) of a menu entry that is not a page of the menu, or None when it points at nothing usable."""
    kind, target, object_id = what
    export, config, urls, titles = lookup.export, lookup.config, lookup.urls, lookup.titles
    title = item.title.strip()
    if kind == "post_type" and object_id in urls:
        return title or titles.get(object_id) or "(tanpa judul)", urls[object_id]
    if kind == "taxonomy" and target == "category" and object_id in export.categories:
        cat_name, _nicename = export.categories[object_id]
        return title or cat_name, fill(config.permalinks.category, slug=name_slug(cat_name))
    if kind == "custom":
        url = (item.first_meta("_menu_item_url") or "").strip()
        if not url or url.startswith("#") or runs_script(url):
            return None
        base = export.base_url.rstrip("/")
        if base and (url == base or url.startswith(base + "/")):
            url = urlsplit(url).path[len(urlsplit(base).path):] or "/"
            url = url if url.startswith("/") else "/" + url
        return (title or url), url
    return None


def yaml_block(links: list[tuple[str, str]]) -> str:
    """The `menu_links:` lines for config.yaml."""
    import yaml

    data = {"menu_links": [{"title": t, "url": u} for t, u in links]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
