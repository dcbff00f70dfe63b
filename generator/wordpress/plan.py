"""From the export's items to planned bundles: folder, front matter, Markdown body and the files to copy."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

from generator.core.hashing import digest
from generator.engine.keys import own_code
from generator.model.config import Config
from generator.model.content import safe_url_path
from generator.model.documents import DOCUMENT_SUFFIXES
from generator.model.entries import name_slug, slugify
from generator.model.urls import config_zone, fill
from generator.wordpress import body as body_module
from generator.wordpress.media import Attachment, BundleFiles, Library
from generator.wordpress.wxr import Export, Item

IMPORTED_TYPES = ("post", "page")
DRAFT_STATUSES = {"draft", "pending", "private"}
SKIPPED_STATUSES = {"trash", "auto-draft", "inherit"}
VIEW_KEYS = ("views", "post_views_count")
SLUG_LIMIT = 80       # characters (ASCII) of a slug, which names a folder and an address; -2, -3 may follow it


@dataclass
class Bundle:
    """One post or page as it will be written: content/<folder>/index.md and the originals beside it."""

    key: str
    kind: str                      # 'post' or 'page'
    folder: str                    # relative to the site folder
    url: str                       # its address on the new site
    title: str
    front: dict
    body: str
    files: BundleFiles
    old_urls: list[str] = field(default_factory=list)
    public: bool = True


@dataclass
class Findings:
    """What planning saw, for the report: counts, what is missing, what could not be kept."""

    by_type: dict[tuple[str, str], int] = field(default_factory=dict)
    skipped_types: dict[str, int] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)      # folder -> missing upload paths or URLs
    notes: list[str] = field(default_factory=list)                    # 'folder: what could not be converted'
    unkept: list[tuple[str, str, str]] = field(default_factory=list)  # (old address, new url, title)
    categories: list[tuple[str, str]] = field(default_factory=list)   # (WordPress category address, site's)
    aliases: int = 0
    comments: int = 0
    comments_skipped: int = 0
    links: list[str] = field(default_factory=list)                    # uploads left out: links leading elsewhere
    menu: object = None                                               # menu.Menu: WordPress's main menu, mapped


@dataclass(frozen=True)
class Settings:
    views_key: str = ""


def attachments(export: Export) -> dict[str, Attachment]:
    found = {}
    for item in export.items:
        if item.post_type == "attachment":
            found[item.post_id] = Attachment(
                item.post_id, item.attachment_url or item.guid, (item.first_meta("_wp_attached_file") or "").strip(),
                item.title, _text(item.excerpt), html.unescape(item.first_meta("_wp_attachment_image_alt") or "").strip(),
                item.parent, item.menu_order)
    return found


@dataclass
class Earlier:
    """What the site holds before this run: the folders of earlier imports by item key (an item keeps its folder),
    the addresses of posts and pages the importer did not write (never taken), and the memo of converted bodies."""

    folders: dict[str, str] = field(default_factory=dict)
    urls: set[str] = field(default_factory=set)
    memo: dict = field(default_factory=dict)


def plan(export: Export, library: Library, config: Config, settings: Settings, site_dir: Path,
         earlier: Earlier) -> tuple[list[Bundle], Findings, dict]:
    """Every post and page of the export as a bundle; a new item gets a folder that no other item takes and that is
    not already in the site (a post the staff wrote themselves is never written over). Returns the bundles, what
    planning found and the memo of this run's conversions."""
    findings = Findings()
    zone = config_zone(config)
    items = [i for i in export.items if i.post_type in IMPORTED_TYPES and i.status not in SKIPPED_STATUSES]
    seen: dict[str, int] = {}
    for item in items:              # the same id and guid twice (some exports): told apart by their order
        seen[item.key] = seen.get(item.key, 0) + 1
        if seen[item.key] > 1:
            item.occurrence = seen[item.key]
    for item in export.items:
        pair = (item.post_type, item.status)
        findings.by_type[pair] = findings.by_type.get(pair, 0) + 1
        if item.post_type not in IMPORTED_TYPES and item.post_type != "attachment":
            findings.skipped_types[item.post_type] = findings.skipped_types.get(item.post_type, 0) + 1
    pages = {i.post_id: i for i in items if i.post_type == "page"}
    fallback = export_date(export, zone)
    folders = earlier.folders
    taken = set(folders.values())
    slugs_taken: set[str] = set()
    bundles: list[Bundle] = []
    run = _Run(export, library, config, settings, findings, pages, folders, taken, slugs_taken, fallback, site_dir,
               earlier.memo, digest(repr((own_code(), library.digest()))), set(earlier.urls))
    for item in items:
        bundles.append(_bundle(item, run))
    findings.menu = _menu(export, config, items, bundles)
    _addresses(bundles, export, {b.url for b in bundles} | earlier.urls, findings)
    findings.categories = _category_addresses(items, bundles, config)
    _internal_links(bundles, export)
    return bundles, findings, run.memo_used


@dataclass
class _Run:
    export: Export
    library: Library
    config: Config
    settings: Settings
    findings: Findings
    pages: dict[str, Item]
    folders: dict[str, str]
    taken: set[str]
    slugs: set[str]
    fallback: dt.datetime
    site_dir: Path
    memo: dict                     # item key -> an earlier run's conversion of its body
    memo_version: str              # what every conversion depends on besides the body: code, attachments, uploads
    urls: set[str] = field(default_factory=set)
    memo_used: dict = field(default_factory=dict)


def _menu(export: Export, config: Config, items: list[Item], bundles: list[Bundle]):
    """WordPress's main menu: its pages get `menu:` positions in their front matter; the rest is for the report."""
    from generator.wordpress import menu as menu_module

    urls = {item.post_id: bundle.url for item, bundle in zip(items, bundles) if bundle.public}
    found = menu_module.plan(export, config, urls)
    if found is not None:
        by_id = {item.post_id: bundle for item, bundle in zip(items, bundles)}
        for post_id, position in found.pages.items():
            by_id[post_id].front["menu"] = position
    return found


def export_date(export: Export, zone) -> dt.datetime:
    """For items without any date (drafts never saved with one): when the export was made, else its newest date, so
    that runs agree."""
    if export.date is not None:
        return export.date
    dates = [i.date for i in export.items if i.date is not None]
    return max(dates) if dates else dt.datetime(2000, 1, 1, tzinfo=zone)


def _bundle(item: Item, run: _Run) -> Bundle:
    date = item.date or run.fallback
    slug = _slug(item, run.folders, f"{item.post_type}-{item.post_id or 'tanpa-id'}")
    kind = item.post_type
    if kind == "page":
        parents = _ancestors(item, run.pages, run.folders)
        wanted = "content/pages/" + "/".join(parents + [slug])
        unique = slug
        number = 1
        while unique in run.slugs or _url(run.config, kind, date, unique) in run.urls:   # a page's address is /{slug}/
            number += 1
            unique = f"{slug}-{number}"
        run.slugs.add(unique)
        url_slug = unique
    else:
        wanted = f"content/posts/{date.year:04d}/{slug}"
        url_slug = slug
    folder = run.folders.get(item.key) or _free(wanted, run.taken, run.site_dir)
    run.taken.add(folder)
    if kind == "post" and _url(run.config, kind, date, url_slug) in run.urls:
        url_slug = folder.rsplit("/", 1)[-1]           # two posts of one day with one slug: the folder's name
    files = BundleFiles()
    context, text = _convert(item, run, files)
    front = _front(item, run, _Placed(date, url_slug, folder), context, files)
    url = _url(run.config, kind, date, url_slug)
    run.urls.add(url)
    for note in dict.fromkeys(context.notes):
        run.findings.notes.append(f"{folder}: {note}")
    if context.missing:
        run.findings.missing.setdefault(folder, []).extend(dict.fromkeys(context.missing))
    old = [item.link] if item.link else []
    old_slugs = [unquote(s).strip() for s in item.meta.get("_wp_old_slug", []) if s.strip()]
    for old_slug in old_slugs:
        path = urlsplit(item.link).path if item.link else ""
        current = unquote(item.slug)
        if current and path.rstrip("/").endswith("/" + current):
            old.append(path.rstrip("/")[:-len(current)] + old_slug + "/")
    public = item.status not in DRAFT_STATUSES and not item.password
    return Bundle(item.key, kind, folder, url, item.title, front, text, files, old, public)


def short_slug(slug: str) -> str:
    """A slug of at most SLUG_LIMIT characters, cut after a whole word where one ends in its second half (a draft
    has no slug in the export: its title, which may be hundreds of characters long, gives one)."""
    if len(slug) <= SLUG_LIMIT:
        return slug
    cut = slug[:SLUG_LIMIT + 1]
    word = cut.rfind("-")
    return (cut[:word] if word >= SLUG_LIMIT // 2 else cut[:SLUG_LIMIT]).strip("-")


def _convert(item: Item, run: _Run, files: BundleFiles) -> tuple[body_module.Context, str]:
    """The body in Markdown and what it uses; from the memo of an earlier run when the same body met the same
    attachments and uploads (converting is most of an import's time)."""
    key = digest(repr((run.memo_version, item.content, item.post_id)))
    found = run.memo.get(item.key)
    context = body_module.Context(
        resolve=run.library.resolve, by_id=run.library.by_id,
        children=[a for a in run.library.children.get(item.post_id, []) if _is_photo(a)],
        add_file=lambda media: files.add(media) if media.source is not None else None)
    if isinstance(found, dict) and found.get("key") == key and all(r in run.library.files for r, _ in found["files"]):
        for rel, name in found["files"]:
            files.names[rel] = name
            files.sources[name] = run.library.files[rel]
        context.gallery = [dict(g) for g in found["gallery"]]
        context.attachments = [dict(a) for a in found.get("attachments", [])]
        context.missing, context.notes = list(found["missing"]), list(found["notes"])
        run.memo_used[item.key] = found
        return context, found["text"]
    text = body_module.convert(item.content, context)
    run.memo_used[item.key] = {"key": key, "text": text, "files": list(files.names.items()),
                               "gallery": [dict(g) for g in context.gallery],
                               "attachments": [dict(a) for a in context.attachments], "missing": list(context.missing),
                               "notes": list(context.notes)}
    return context, text


def url_name(text: str, spelled: bool = True) -> str:
    """A slug from a WordPress slug or title: slugify's, or, when that keeps no letter (a Greek or Arabic slug gave
    '2' or nothing), its spelling in Latin letters as the site spells a tag's name ('επίπεδο-2' -> 'epipedo-2').
    spelled False keeps slugify's: an item imported before keeps its folder and address."""
    found = slugify(text)
    if spelled and not re.search("[a-z]", found):
        from anyascii import anyascii

        latin = slugify(anyascii(text))
        if re.search("[a-z]", latin):
            return latin
    return found


def _slug(item: Item, folders: dict[str, str], fallback: str) -> str:
    """The item's slug: from its WordPress slug, else its title, else the fallback. An item imported before into a
    folder named by the older rule (a Greek slug that gave '2') keeps that slug, and so its address."""
    spelled = short_slug(url_name(unquote(item.slug)) or url_name(item.title) or fallback)
    before = short_slug(url_name(unquote(item.slug), False) or url_name(item.title, False) or fallback)
    folder = folders.get(item.key, "").rsplit("/", 1)[-1]
    return before if folder and folder.startswith(before) and not folder.startswith(spelled) else spelled


def _ancestors(item: Item, pages: dict[str, Item], folders: dict[str, str]) -> list[str]:
    chain, seen, parent = [], {item.post_id}, item.parent
    while parent in pages and parent not in seen:
        seen.add(parent)
        page = pages[parent]
        chain.insert(0, _slug(page, folders, f"page-{page.post_id}"))
        parent = page.parent
    return chain


def _free(wanted: str, taken: set[str], site_dir: Path) -> str:
    folder, number = wanted, 1
    while folder in taken or (site_dir / folder).exists():
        number += 1
        folder = f"{wanted}-{number}"
    return folder


def _is_photo(attachment: Attachment) -> bool:
    from generator.model.entries import PHOTO_SUFFIXES

    return Path(attachment.file or urlsplit(attachment.url).path).suffix.lower() in PHOTO_SUFFIXES


def _url(config: Config, kind: str, date: dt.datetime, slug: str) -> str:
    if kind == "page":
        return fill(config.permalinks.page, slug=slug)
    date = date.astimezone(config_zone(config))
    return fill(config.permalinks.post, year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
                slug=slug, category="berita")


def _text(markup: str) -> str:
    """An excerpt or caption as plain text: tags out, entities decoded once, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup or "")).split())


@dataclass
class _Placed:
    """Where an item goes: its date, the slug of its address and its folder below the site."""

    date: dt.datetime
    slug: str
    folder: str


def _front(item: Item, run: _Run, placed: _Placed, context: body_module.Context, files: BundleFiles) -> dict:
    date, slug, folder = placed.date, placed.slug, placed.folder
    front: dict = {"title": item.title or "(tanpa judul)"}
    if date is not None:
        front["date"] = date
    if slug != folder.rsplit("/", 1)[-1]:
        front["slug"] = slug
    if item.post_type == "post":
        names = [name for name, nicename in item.categories if (nicename or slugify(name)) != "uncategorized"]
        if names:
            front["category"] = names[0]
        tags = list(dict.fromkeys(item.tags + names[1:]))    # a second category would be lost otherwise
        if tags:
            front["tags"] = tags
    author = _public_name(run.export.authors.get(item.author, item.author))
    if author:
        front["author"] = author
    views = _views(item, run, folder)
    if views is not None:
        front["views"] = views
    summary = _text(item.excerpt)
    if summary:
        front["summary"] = summary
    cover = _cover(item, run, folder, context, files)
    if cover:
        front["cover"] = cover
    gallery = [dict(g) for g in {g["file"]: g for g in reversed(context.gallery)}.values()][::-1]
    if gallery:
        front["gallery"] = gallery
    listed = _listed_documents(context) + _unlinked_documents(item, run, folder, files, context)
    if listed:
        front["attachments"] = listed
    if item.status in DRAFT_STATUSES or item.password:
        front["draft"] = True
    if item.password:                  # a static site cannot ask for a password: kept as a draft
        run.findings.notes.append(f"{folder}: dilindungi sandi di WordPress; dijadikan draf (tidak diterbitkan)")
    comments = _comments(item, run)
    if comments:
        front["comments"] = comments
        run.findings.comments += len(comments)
    return front


def _cover(item: Item, run: _Run, folder: str, context: body_module.Context, files: BundleFiles) -> str:
    """The file of the item's featured image (its caption and alt go first in the gallery), or ""."""
    thumbnail = (item.first_meta("_thumbnail_id") or "").strip()
    if not thumbnail:
        return ""
    media = run.library.by_id(thumbnail)
    if media is None:
        run.findings.notes.append(f"{folder}: foto utama (lampiran {thumbnail}) tidak ada di ekspor")
    elif media.source is None:
        context.missing.append(media.rel or media.url)
    elif media.is_photo:
        cover = files.add(media)
        attachment = media.attachment
        if attachment and (attachment.caption or attachment.alt):
            context.gallery.insert(0, {k: v for k, v in (("file", cover), ("caption", attachment.caption),
                                                           ("alt", attachment.alt)) if v})
        return cover
    return ""


_EMAIL = re.compile(r"\s*([^@\s]+)@[^@\s]+\.[^@\s]+\s*")


def _public_name(name: str) -> str:
    """A name fit to publish: an email address (a login that is one, a reader who typed theirs as a name) becomes
    the part before '@', so no address reaches the site."""
    found = _EMAIL.fullmatch(name or "")
    return found[1] if found else name


def _comments(item: Item, run: _Run) -> list[dict]:
    """The approved comments as the front matter keeps them; the others are counted as skipped."""
    comments = []
    for comment in item.comments:
        if comment.approved == "1" and comment.kind in ("", "comment"):
            entry = {"author": _public_name(comment.author) or "Anonim"}
            if comment.date:
                entry["date"] = comment.date.strftime("%Y-%m-%d %H:%M")
            entry["text"] = _comment_text(comment.text)
            comments.append(entry)
        else:
            run.findings.comments_skipped += 1
    return comments


def _listed_documents(context: body_module.Context) -> list[dict]:
    """The documents the body links, in its order ("Lampiran" under the post)."""
    return [{"file": a["file"], "title": a["title"]} if a["title"] else {"file": a["file"]} for a in context.attachments]


def _unlinked_documents(item: Item, run: _Run, folder: str, files: BundleFiles,
                        context: body_module.Context) -> list[dict]:
    """Documents WordPress attached to the item that its body never links (a decree uploaded in the media panel of
    the post and listed by a plugin or the theme): copied too, as attachments after the body's, and named."""
    found, named = [], {a["file"] for a in context.attachments}
    for attachment in sorted(run.library.children.get(item.post_id, []), key=lambda a: (a.order, a.post_id)):
        if _is_photo(attachment) or PurePosixPath(attachment.file or attachment.url).suffix.lower() \
                not in DOCUMENT_SUFFIXES:
            continue
        media = run.library.by_id(attachment.post_id)
        if media is None or media.rel in files.names or (media.rel or media.url) in context.missing:
            continue                   # linked in the body: listed there, or already named as missing
        if media.source is None:
            context.missing.append(media.rel or media.url)
            continue
        name = files.add(media)
        if name in named:
            continue
        found.append({"file": name, "title": attachment.title} if attachment.title else {"file": name})
        run.findings.notes.append(f"{folder}: '{name}' dilampirkan di WordPress tanpa ditautkan di isi; disalin "
                                  "sebagai lampiran")
    return found


def _comment_text(text: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", text or "", flags=re.I)
    text = re.sub(r"</p>\s*<p>", "\n\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _views(item: Item, run: _Run, folder: str) -> int | None:
    keys = ([run.settings.views_key] if run.settings.views_key else []) + list(VIEW_KEYS)
    for key in keys:
        values = item.meta.get(key)
        if not values:
            continue
        raw = values[0].strip().replace(".", "").replace(",", "")
        if raw.isdigit():
            return int(raw)
        run.findings.notes.append(f"{folder}: jumlah dilihat '{values[0]}' ({key}) bukan angka; dilewati")
        return None
    return None


def _query_address(old: str, bundle: Bundle, findings: Findings) -> None:
    """A ?p=123 address for the report's redirect rules; one an earlier post has (an export reusing a post id)
    gets no second rule, which the server would never reach, but a note saying where it leads."""
    first = next(((url, title) for address, url, title in findings.unkept if address == old), None)
    if first is None:
        findings.unkept.append((old, bundle.url, bundle.title))
    elif first[0] != bundle.url:
        findings.notes.append(f"{bundle.folder}: {old} juga alamat lama \"{first[1]}\"; pengalihannya ke "
                              f"{first[0]}, bukan ke berita ini")


def _category_addresses(items: list[Item], bundles: list[Bundle], config: Config) -> list[tuple[str, str]]:
    """WordPress's address of each category a published post has (/category/<nicename>/) and where the site shows
    those posts: the category's page (a post's first category), the tag page (a second category became a tag) or
    the site's default category (Uncategorized); only the addresses that differ."""
    found: dict[str, str] = {}
    default = fill(config.permalinks.category, slug=name_slug(config.site.category))
    for item, bundle in zip(items, bundles):
        if item.post_type != "post" or not bundle.public:
            continue
        kept = [(name, nicename) for name, nicename in item.categories if (nicename or slugify(name)) != "uncategorized"]
        for position, (name, nicename) in enumerate(kept):
            old = f"/category/{unquote(nicename) or name_slug(name)}/"
            pattern = config.permalinks.category if position == 0 else config.permalinks.tag
            if position == 0 or old not in found:       # a category's own page before the tag it also became
                found[old] = fill(pattern, slug=name_slug(name))
        if len(kept) < len(item.categories):
            found.setdefault("/category/uncategorized/", default)
    return [(old, new) for old, new in sorted(found.items()) if old != new]


def _addresses(bundles: list[Bundle], export: Export, new_urls: set[str], findings: Findings) -> None:
    """Old permalinks become aliases unless they are the new address or another post's; query addresses
    (?p=123) cannot be files on a static host and go to the report with the new address."""
    base = urlsplit(export.base_url).path.rstrip("/")
    used = set(new_urls)
    for bundle in bundles:
        aliases = []
        for link in dict.fromkeys(bundle.old_urls):
            parts = urlsplit(link)
            path = unquote(parts.path)
            if base and path.startswith(base + "/"):
                path = path[len(base):]
            if parts.query and path.strip("/") in ("", "index.php"):
                if bundle.public:              # a draft's ?p= address was never seen by readers
                    _query_address(f"{path or '/'}?{parts.query}", bundle, findings)
                continue
            clean = safe_url_path(path)
            if clean is None or clean in used:
                continue
            used.add(clean)
            aliases.append(clean)
        if aliases:
            bundle.front["aliases"] = aliases
            findings.aliases += len(aliases)
        bundle.front = _ordered(bundle.front)


ORDER = ("title", "date", "slug", "category", "tags", "author", "views", "summary", "cover", "gallery", "attachments",
         "menu", "draft", "aliases", "comments")


def _ordered(front: dict) -> dict:
    return {k: front[k] for k in ORDER if k in front}


def _internal_links(bundles: list[Bundle], export: Export) -> None:
    """Links to the old site in bodies: '?p=123' and '?page_id=' to the new address; full addresses of the old host
    to site paths (their aliases redirect)."""
    by_id = {b.key.split(":")[1]: b.url for b in bundles}
    host = urlsplit(export.base_url).netloc
    base = urlsplit(export.base_url).path.rstrip("/")

    def replace(match: re.Match) -> str:
        url = html.unescape(match.group(2))
        parts = urlsplit(url)
        if parts.netloc != host or not host:
            return match.group(0)
        query = parse_qs(parts.query)
        for key in ("p", "page_id"):
            if key in query and query[key][0] in by_id:
                return f"{match.group(1)}{by_id[query[key][0]]})"
        path = parts.path[len(base):] if base and parts.path.startswith(base) else parts.path
        if parts.query or "/wp-content/" in path or not path.startswith("/"):
            return match.group(0)
        return f"{match.group(1)}{path}{'#' + parts.fragment if parts.fragment else ''})"

    for bundle in bundles:
        bundle.body = re.sub(r"(\]\()(https?://[^)\s]+)\)", replace, bundle.body)
