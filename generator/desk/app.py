"""Meja Redaksi, the staff desk served by the preview at /_redaksi/: pages rendered on the server with Jinja, a
little plain JavaScript (static/desk.js), and the store (store.py) for every read and write of the site's files.

Every request that changes anything carries the session's token (DeskContext.token) in a form field 'csrf' or the
header 'X-Desk-Token'; without it, or from a page of another origin, it is refused with 403. The server in front
(the preview) checks the Host header and the password."""

from __future__ import annotations

import datetime as dt
import hmac
from pathlib import Path
from urllib.parse import quote, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator.desk import formdata, livepreview, publishing, rounds, settings, store, uploads
from generator.desk.context import DeskContext
from generator.model import registry

HERE = Path(__file__).parent
STATUS_LABELS = {"draf": "Draf", "terjadwal": "Terjadwal", "terbit": "Terbit"}
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
REFUSED = ("Permintaan ditolak: token sesi Meja Redaksi tidak ada atau salah. Muat ulang halaman Meja Redaksi "
           "lalu coba lagi.")
FORM_LIMITS = {"max_files": 200, "max_fields": 2000, "max_part_size": 8 * 1024 * 1024}


class Desk:
    """The app's state: its context, its templates, the preview's site model, the publish job."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx
        self.site = ctx.site
        self.memo = livepreview.SiteMemo()
        self.publisher = publishing.Publisher(ctx.site)
        # finalize: a value the form never had (None, such as a document field an older tab did not send) shows empty
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                      finalize=lambda value: "" if value is None else value)
        self.env.filters["waktu"] = _shown_time
        self.env.filters["q"] = lambda value: quote(value, safe="/")

    def limits(self) -> uploads.Limits:
        """The largest uploads in bytes: the server's (photos, documents and videos alike), else config.yaml's."""
        own = self.ctx.upload_limit
        return uploads.Limits(own, own) if own else store.upload_limits(self.site)

    def now(self) -> dt.datetime:
        return self.ctx.options.moment()

    def page(self, request: Request, name: str, code: int = 200, **values) -> HTMLResponse:
        base = request.scope.get("root_path", "").rstrip("/")
        try:
            label = store.timezone_label(self.site)
        except store.DeskError:       # config.yaml does not read: the page says so, without the zone's name
            label = ""
        html = self.env.get_template(name).render(base=base, token=self.ctx.token, zone=label, tz=_zone(self),
                                                  status_labels=STATUS_LABELS, **values)
        return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)

    def link(self, request: Request, path: str) -> str:
        return request.scope.get("root_path", "").rstrip("/") + path


def _shown_time(value: dt.datetime | None, zone=None) -> str:
    """'2024-05-17 09.30' in the site's zone (zone given) or as it is."""
    if value is None:
        return ""
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    return value.strftime("%Y-%m-%d %H.%M")


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob: data: http: "
                               "https:; style-src 'self'; script-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
}


def _same_origin(request: Request) -> bool:
    """A browser names the page a request came from (Origin); it must be this server."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def guarded(desk: Desk, handler):
    """The handler, run only when the request carries the session's token (header or form field 'csrf')."""
    async def checked(request: Request):
        token = request.headers.get("x-desk-token")
        if token is None and request.headers.get("content-type", "").startswith(
                ("multipart/form-data", "application/x-www-form-urlencoded")):
            request.state.form = await request.form(**FORM_LIMITS)
            value = request.state.form.get("csrf")
            token = value if isinstance(value, str) else None
        if not token or not hmac.compare_digest(token.encode(), desk.ctx.token.encode()) or not _same_origin(request):
            return PlainTextResponse(REFUSED, status_code=403)
        return await handler(desk, request)
    return checked


async def _form(request: Request):
    found = getattr(request.state, "form", None)
    if found is None:
        found = request.state.form = await request.form(**FORM_LIMITS)
    return found


# ---------------------------------------------------------------- the list

async def entries(desk: Desk, request: Request):
    found = await run_in_threadpool(store.list_entries, desk.site, desk.now())
    query = request.query_params
    words, status, category = query.get("q", "").strip(), query.get("status", ""), query.get("kategori", "")
    shown = [e for e in found if (not words or words.casefold() in e.title.casefold())
             and (not status or e.status == status) and (not category or e.category == category)]
    categories = sorted({e.category for e in found if e.category}, key=str.casefold)
    latest = await run_in_threadpool(rounds.last_round, desk.site, desk.now())
    unfinished = await run_in_threadpool(settings.unfinished, desk.site)
    return desk.page(request, "list.html", entries=shown, total=len(found), words=words, status=status,
                     category=category, categories=categories, broken=[e for e in found if e.problems],
                     last_round=latest, unfinished=unfinished)


# ---------------------------------------------------------------- the form

async def new_post(desk: Desk, request: Request):
    form = await run_in_threadpool(store.new_form, desk.site, desk.now())
    if request.query_params.get("jenis") == "page":
        form.kind, form.date = "page", ""
    return _form_page(desk, request, store.Opened(None, form, None, []))


async def edit(desk: Desk, request: Request):
    key = request.path_params["key"]
    try:
        opened = await run_in_threadpool(store.open_entry, desk.site, key)
    except store.DeskError as err:
        return desk.page(request, "message.html", 404, title="Berita tidak ditemukan", message=str(err))
    notice = {"1": "Tersimpan.", "draf": "DRAF"}.get(request.query_params.get("disimpan", ""), "")
    address = await run_in_threadpool(livepreview.address_of, desk.site, opened.key)
    return _form_page(desk, request, opened, notice, address and desk.ctx.preview_origin + address)


def _form_page(desk: Desk, request: Request, shown: store.Opened, notice: str = "", address: str | None = None,
               code: int = 200):
    """The form as shown: the store's Opened (key and version None for a post not saved yet), with the address of
    its page on the preview once saved."""
    limits = desk.limits()
    return desk.page(request, "form.html", code, form=shown.form, key=shown.key, version=shown.version,
                     address=address or "",
                     notice=notice, problems=formdata.by_field(shown.problems), categories=store.categories(desk.site),
                     document_types=registry.TYPES,
                     limit_mb=limits.files / (1024 * 1024), video_mb=limits.videos / (1024 * 1024))


async def save(desk: Desk, request: Request):
    values = await _form(request)
    form, posted = formdata.form_of(values)
    added = await run_in_threadpool(_store_files, desk, posted.key, values)
    form.photos += [store.Photo(s.name) for s in added if isinstance(s, store.Stored) and s.kind == "photo"]
    form.attachments += [store.Attachment(s.name) for s in added if isinstance(s, store.Stored)
                         and s.kind == "attachment"]
    refused = [p for p in added if isinstance(p, store.FieldProblem)]
    try:
        result = await run_in_threadpool(lambda: store.save_entry(desk.site, posted.key, form, posted.version,
                                                                   desk.now(), force=posted.force))
    except store.DeskError as err:
        return _form_page(desk, request, store.Opened(posted.key, form, posted.version,
                                                      [store.FieldProblem("", str(err))]),
                          code=400)
    if isinstance(result, store.Conflict):
        return await run_in_threadpool(_conflict_page, desk, request, form, result, values)
    if desk.ctx.rebuild is not None:
        await run_in_threadpool(desk.ctx.rebuild)
    if refused:
        return _form_page(desk, request, store.Opened(result.key, form, result.version,
                                                      list(result.problems) + refused),
                          "Tersimpan, tetapi ada berkas yang tidak diterima.")
    flag = "draf" if result.kept_as_draft else "1"
    return RedirectResponse(desk.link(request, f"/ubah/{quote(result.key)}?disimpan={flag}"), status_code=303)


def _store_files(desk: Desk, key: str | None, values) -> list:
    """Files chosen in the form's own file fields (without JavaScript they come with the save)."""
    stored, limits = [], desk.limits()
    for name in ("foto_baru", "lampiran_baru"):
        for upload in values.getlist(name):
            if isinstance(upload, UploadFile) and upload.filename:
                stored.append(store.store_upload(desk.site, key, upload.filename, upload.file, limits.files,
                                                 limits.videos))
    return stored


FIELD_NAMES = {"title": "Judul", "date": "Tanggal", "category": "Kategori", "tags": "Tag", "summary": "Ringkasan",
               "event_start": "Acara mulai", "event_end": "Acara selesai", "event_place": "Tempat acara",
               "body": "Isi berita", "photos": "Foto", "cover": "Foto sampul", "attachments": "Lampiran",
               "youtube": "Video YouTube", "status": "Status", "menu": "Urutan di menu atas",
               "pinned_until": "Berita utama sampai", "cover_hidden": "Sampul tidak di atas berita"}


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, list):
        return "\n".join(_shown(v) for v in value)
    if isinstance(value, store.Photo):
        return " — ".join(part for part in (value.file, value.caption, value.alt, value.credit) if part)
    if isinstance(value, store.Attachment):
        return " — ".join(part for part in (value.file, value.title, value.jenis, value.nomor, value.tanggal,
                                            value.tentang, value.kip) if part)
    return str(value)


def _conflict_page(desk: Desk, request: Request, mine, conflict, values):
    """Both versions, field by field (no file text): the person keeps theirs or the one on disk."""
    try:
        theirs = store.open_entry(desk.site, conflict.key).form
    except store.DeskError:
        theirs = store.Form()
    rows = [(label, _shown(getattr(mine, name)), _shown(getattr(theirs, name)))
            for name, label in FIELD_NAMES.items()
            if getattr(mine, name) is not None and getattr(mine, name) != getattr(theirs, name)]
    kept = [(name, value) for name, value in values.multi_items()
            if isinstance(value, str) and name not in ("csrf", "version", "paksa")]
    named = set(values.getlist("foto")) | set(values.getlist("lampiran"))     # and files that came with this save
    credits = (("kredit", ""),) if "kredit" in values else ()     # a tab opened before the field came sends none
    kept += [(field, value) for photo in mine.photos if photo.file not in named
             for field, value in (("foto", photo.file), ("keterangan", ""), ("alt", ""), *credits)]
    kept += [(field, value) for item in mine.attachments if item.file not in named
             for field, value in (("lampiran", item.file), ("lampiran_judul", ""))]
    return desk.page(request, "conflict.html", 409, key=conflict.key, rows=rows, kept=kept,
                     theirs_version=conflict.theirs_version, title=mine.title or theirs.title)


async def paste(desk: Desk, request: Request):
    """Text pasted into the body from Word, Google Docs or a web page (its HTML), as Markdown for the page's script
    to put in; notes say what did not come along."""
    from generator.desk import paste as pasting

    values = await _form(request)
    html = values.get("html")
    if not isinstance(html, str):
        return JSONResponse({"galat": "Tidak ada teks yang ditempel."}, status_code=400)
    result = await run_in_threadpool(pasting.to_markdown, html)
    return JSONResponse({"markdown": result.markdown, "catatan": result.notes})


async def upload(desk: Desk, request: Request):
    """One file sent by the page's script (with its progress bar); the answer names it in the bundle."""
    values = await _form(request)
    sent = values.get("berkas")
    key = values.get("key") or None
    if not isinstance(sent, UploadFile) or not sent.filename:
        return JSONResponse({"galat": "Tidak ada berkas yang dikirim."}, status_code=400)
    limits = desk.limits()
    result = await run_in_threadpool(store.store_upload, desk.site, key, sent.filename, sent.file, limits.files,
                                     limits.videos)
    if isinstance(result, store.FieldProblem):
        return JSONResponse({"galat": result.message, "kolom": result.field}, status_code=422)
    thumb = ""
    if result.kind == "photo":
        thumb = desk.link(request, f"/berkas/{quote(key or '')}?nama={quote(result.name)}")
    return JSONResponse({"nama": result.name, "jenis": result.kind, "ukuran": result.size, "gambar": thumb})


async def bundle_file(desk: Desk, request: Request):
    """A photo of a post's folder (or of the uploads waiting for a post not saved yet), for the form's thumbnails
    and the preview; the store finds it (plain names, those folders only), and only photos are served."""
    key, name = request.path_params["key"], request.query_params.get("nama", "")
    try:
        found = await run_in_threadpool(store.file_path, desk.site, key or None, name)
    except store.DeskError as err:
        return PlainTextResponse(str(err), status_code=404)
    if found.suffix.lower() not in PHOTO_TYPES:
        return PlainTextResponse("Hanya foto yang ditampilkan di sini.", status_code=404)
    return FileResponse(found, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


async def live_preview(desk: Desk, request: Request):
    values = await _form(request)
    form, posted = formdata.form_of(values)

    def make():
        text = store.source_text(desk.site, form, posted.key)
        photos = livepreview.PhotoLinks(desk.ctx.options.output, lambda name: desk.ctx.preview_origin + desk.link(
            request, f"/berkas/{quote(posted.key or '')}?nama={quote(name)}"))
        return livepreview.preview(desk.site, posted.key, form.kind, text, desk.memo, photos)

    made = await run_in_threadpool(make)
    html = livepreview.with_base(made.html, desk.ctx.preview_origin) if made.html else ""
    return JSONResponse({"html": html, "masalah": made.problems})


# ---------------------------------------------------------------- history and trash

async def versions(desk: Desk, request: Request):
    key = request.path_params["key"]
    try:
        opened = await run_in_threadpool(store.open_entry, desk.site, key)
        found = await run_in_threadpool(store.history, desk.site, key)
    except store.DeskError as err:
        return desk.page(request, "message.html", 404, title="Riwayat tidak ditemukan", message=str(err))
    return desk.page(request, "history.html", key=key, title=opened.form.title, versions=found,
                     restored=request.query_params.get("dipulihkan") == "1")


async def _change(desk: Desk, request: Request, work, where) -> RedirectResponse:
    """Carry out one change of the site's files (the store's DeskError becomes the message page), let the preview
    rebuild, and go on to the page where(result) names."""
    result = await run_in_threadpool(work)
    if desk.ctx.rebuild is not None:
        await run_in_threadpool(desk.ctx.rebuild)
    return RedirectResponse(desk.link(request, where(result)), status_code=303)


async def restore(desk: Desk, request: Request):
    values = await _form(request)
    key, version = str(values.get("key", "")), str(values.get("id", ""))
    return await _change(desk, request, lambda: store.restore(desk.site, key, version, desk.now()),
                         lambda saved: f"/ubah/{quote(saved.key)}?disimpan=1")


async def remove(desk: Desk, request: Request):
    values = await _form(request)
    return await _change(desk, request, lambda: store.trash(desk.site, str(values.get("key", "")), desk.now()),
                         lambda _trashed: "/sampah?dibuang=1")


async def trash_list(desk: Desk, request: Request):
    found = await run_in_threadpool(store.trashed, desk.site)
    return desk.page(request, "trash.html", items=found, thrown=request.query_params.get("dibuang") == "1")


async def untrash(desk: Desk, request: Request):
    values = await _form(request)
    return await _change(desk, request, lambda: store.untrash(desk.site, str(values.get("id", ""))),
                         lambda key: f"/ubah/{quote(key)}?disimpan=1")


# ---------------------------------------------------------------- publishing

async def publish_page(desk: Desk, request: Request):
    last = publishing.last_published(desk.site)
    changed = await run_in_threadpool(publishing.changed_since, desk.site, last)
    return desk.page(request, "publish.html", last=last, changed=changed,
                     job=desk.publisher.job)


def _zone(desk: Desk):
    from zoneinfo import ZoneInfo

    from generator.core.report import Problems
    from generator.model import config as config_module

    config = config_module.load(desk.site / "config.yaml", Problems())
    return ZoneInfo(config.site.timezone) if config else dt.timezone.utc


async def publish_start(desk: Desk, request: Request):
    values = await _form(request) if "x-desk-token" not in request.headers else {}
    trust = values.get("percayai") if values else request.query_params.get("percayai")
    started = desk.publisher.start(trust if isinstance(trust, str) and trust else None)
    if "x-desk-token" in request.headers:
        return JSONResponse({"mulai": started, **desk.publisher.job.view()})
    return RedirectResponse(desk.link(request, "/terbit"), status_code=303)


async def publish_state(desk: Desk, request: Request):
    return JSONResponse(desk.publisher.job.view(), headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------- the site's settings

SETTINGS_NOTICES = {"disimpan": "Tersimpan. Pratinjau situs sudah dibangun ulang dengan pengaturan ini.",
                    "sama": "Tidak ada yang berubah, jadi config.yaml tidak ditulis.",
                    "dipulihkan": "Pengaturan versi itu dipulihkan; pratinjau situs sudah dibangun ulang."}


async def settings_page(desk: Desk, request: Request):
    opened = await run_in_threadpool(settings.open_settings, desk.site)
    notice = next((text for flag, text in SETTINGS_NOTICES.items() if request.query_params.get(flag) == "1"), "")
    return await _settings_view(desk, request, shown=opened.settings, version=opened.version,
                                problems=opened.problems, warnings=opened.warnings, notice=notice)


async def _settings_view(desk: Desk, request: Request, code: int = 200, **values):
    """The settings page: the form (values["shown"], None when config.yaml does not read), its problems by field,
    the categories to choose the front page's sections from and the earlier versions."""
    def gather():
        try:
            known = store.categories(desk.site)
        except store.DeskError:         # config.yaml does not read: the sections it names are still shown
            known = []
        chosen = values["shown"].sections if values["shown"] is not None else []
        rest = sorted((n for n in known if n.casefold() not in {c.casefold() for c in chosen}), key=str.casefold)
        logo = values["shown"].logo if values["shown"] is not None else ""
        return chosen + rest, settings.versions(desk.site), bool(logo and settings.logo_file(desk.site, logo))
    categories, kept, viewable = await run_in_threadpool(gather)
    shown = {"warnings": [], "notice": "", "stale": None, **values,
             "problems": formdata.by_field(values.get("problems", []))}
    return desk.page(request, "settings.html", code, **shown, categories=categories, kept=kept, viewable=viewable,
                     lists=formdata.SETTINGS_LISTS, logo_mb=_logo_limit(desk) / (1024 * 1024))


def _logo_limit(desk: Desk) -> int:
    """The largest logo in bytes: the desk's upload limit up to uploads.LOGO_LIMIT (that alone while config.yaml,
    which may set the desk's limit, does not read)."""
    try:
        return min(desk.limits().files, uploads.LOGO_LIMIT)
    except store.DeskError:
        return uploads.LOGO_LIMIT


async def settings_save(desk: Desk, request: Request):
    values = await _form(request)
    shown, version = formdata.settings_of(values)
    sent, stored, before = values.get("logo_baru"), None, shown.logo
    if isinstance(sent, UploadFile) and sent.filename:
        stored = await run_in_threadpool(settings.store_logo, desk.site, sent.filename, sent.file, _logo_limit(desk))
        if isinstance(stored, store.FieldProblem):
            return await _settings_view(desk, request, 400, shown=shown, version=version, problems=[stored])
        shown.logo = f"/assets/{stored.name}"
    result = None
    try:
        result = await run_in_threadpool(settings.save_settings, desk.site, shown, version, desk.now())
    finally:
        if stored is not None and not isinstance(result, settings.Saved):   # refused or failed: not left in
            await run_in_threadpool(settings.discard_logo, desk.site, stored)  # templates/assets/ (the live site)
    if isinstance(result, settings.Refused):
        problems = list(result.problems)
        if stored is not None:
            shown.logo = before
            why = "config.yaml berubah sejak halaman ini dibuka" if result.stale else "kesalahan lain di halaman ini"
            problems.append(store.FieldProblem("logo", f"Logo '{sent.filename[:80]}' belum disimpan karena {why}; "
                                                       "pilih berkasnya lagi, lalu simpan."))
        return await _settings_view(desk, request, 409 if result.stale else 400, shown=shown, version=result.version,
                                    problems=problems, stale=result.changed if result.stale else None)
    if result.written and desk.ctx.rebuild is not None:
        await run_in_threadpool(desk.ctx.rebuild)
    flag = "disimpan" if result.written else "sama"
    return RedirectResponse(desk.link(request, f"/pengaturan?{flag}=1"), status_code=303)


async def settings_restore(desk: Desk, request: Request):
    values = await _form(request)
    result = await run_in_threadpool(settings.restore, desk.site, str(values.get("id", "")), desk.now())
    if isinstance(result, settings.Refused):
        opened = await run_in_threadpool(settings.open_settings, desk.site)
        return await _settings_view(desk, request, 400, shown=opened.settings, version=opened.version,
                                    problems=result.problems, notice="Versi itu tidak dipulihkan.")
    if result.written and desk.ctx.rebuild is not None:
        await run_in_threadpool(desk.ctx.rebuild)
    return RedirectResponse(desk.link(request, "/pengaturan?dipulihkan=1"), status_code=303)


async def settings_logo(desk: Desk, request: Request):
    """The logo config.yaml names (or the form has just uploaded), for the settings page to show: only a picture
    the build takes from the site's templates/assets/ or the theme's."""
    found = await run_in_threadpool(settings.logo_file, desk.site, request.query_params.get("nama", ""))
    if found is None:
        return PlainTextResponse("Logo itu tidak ada.", status_code=404)
    return FileResponse(found, headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                        "Content-Security-Policy": "default-src 'none'"})


def create_app(desk_context: DeskContext) -> Starlette:
    desk = Desk(desk_context)

    async def refused(request: Request, error: store.DeskError):
        """What the store cannot do for the person (a key that names no post): its sentence, on the page."""
        if request.headers.get("x-desk-token") is not None:
            return JSONResponse({"galat": str(error)}, status_code=400)
        return desk.page(request, "message.html", 400, title="Tidak dapat dilakukan", message=str(error),
                         settings_link=str(error).startswith("Pengaturan situs"))

    def page(path, handler, methods=("GET",)):
        async def endpoint(request):
            return await handler(desk, request)
        return Route(path, endpoint, methods=list(methods))

    def post(path, handler):
        return Route(path, guarded(desk, handler), methods=["POST"])

    routes = [
        page("/", entries), page("/baru", new_post), page("/ubah/{key:path}", edit),
        page("/riwayat/{key:path}", versions), page("/sampah", trash_list), page("/terbit", publish_page),
        page("/terbit/status", publish_state), page("/berkas/{key:path}", bundle_file),
        post("/simpan", save), post("/unggah", upload), post("/tempel", paste), post("/pratinjau", live_preview),
        post("/pulihkan", restore), post("/hapus", remove), post("/sampah/pulihkan", untrash),
        post("/terbit", publish_start),
        page("/pengaturan", settings_page), page("/pengaturan/logo", settings_logo),
        post("/pengaturan", settings_save), post("/pengaturan/pulihkan", settings_restore),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={store.DeskError: refused, Exception: _unexpected})


async def _unexpected(request: Request, error: Exception):
    """A fault in the desk itself: one sentence on the page (the traceback goes to the server's terminal)."""
    return PlainTextResponse("Terjadi kesalahan tak terduga di Meja Redaksi; tidak ada berkas yang diubah "
                             "setengah jalan. Muat ulang halaman; bila terulang, laporkan pesan di jendela "
                             "server pratinjau.", status_code=500)
