"""Phone videos are published without the place they were filmed: udta/©xyz, 3GPP loci and the ilst value of
com.apple.quicktime.location.ISO6709 are blanked in a copy (every box keeping its size, mdat byte for byte), the
source in content/ is never changed, a video that cannot be read is published as it is with a warning, and the desk
cleans a video as it is uploaded."""

from __future__ import annotations

import io
import os
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import (ROOT, VIDEO_FRAMES, VIDEO_PLACE, VIDEO_PLACE_NAME, build_site, clean_build_tree,
                            make_video, snapshot, tree, video_box, video_boxes, write_post, write_site)
from generator.core import racy
from generator.desk import uploads
from generator.desk.checks import FieldProblem
from generator.photos import videometa

pytestmark = pytest.mark.quick

PLACE_TEXT = b"37.3349"         # the latitude however it is written


def video_site(root, data: bytes, name: str = "rekaman.mov"):
    write_site(root, {})
    write_post(root, "rapat", "title: Rapat pleno\ndate: 2024-05-02", files={name: data})
    return root


def published(site, name: str = "rekaman.mov") -> bytes:
    [path] = [p for p in (site / "output").rglob(name)]
    return path.read_bytes()


def assert_same_layout(before: bytes, after: bytes) -> None:
    """Every box of moov and udta at the same offset with the same size; mdat and stco byte for byte."""
    assert len(after) == len(before)
    top = video_boxes(before)
    assert [(o, s) for _k, o, s in video_boxes(after)] == [(o, s) for _k, o, s in top]
    [(_m, mdat_at, mdat_size)] = [b for b in top if b[0] == b"mdat"]
    assert after[mdat_at:mdat_at + mdat_size] == before[mdat_at:mdat_at + mdat_size]
    assert VIDEO_FRAMES in after
    stco = before.index(b"stco")
    assert after[stco - 4:stco + 16] == before[stco - 4:stco + 16]
    chunk = struct.unpack(">I", after[stco + 12:stco + 16])[0]
    assert after[chunk:chunk + len(VIDEO_FRAMES)] == VIDEO_FRAMES      # the chunk offset still points at the frames


@pytest.mark.parametrize("quicktime, large_mdat, name", [(True, False, "rekaman.mov"), (False, False, "klip.MP4"),
                                                         (False, True, "klip.m4v"), (True, True, "hp.3gp")])
def test_a_phone_video_is_published_without_the_place_it_was_filmed(tmp_path, quicktime, large_mdat, name):
    original = make_video(quicktime=quicktime, large_mdat=large_mdat)
    site = video_site(tmp_path / "situs", original, name)
    build_site(site)
    out = published(site, name)
    for secret in (VIDEO_PLACE, PLACE_TEXT, VIDEO_PLACE_NAME, b"\xa9xyz", b"loci"):
        assert secret not in out
    assert_same_layout(original, out)
    assert b"com.apple.quicktime.make" in out and b"Apple" in out        # other metadata stays
    assert (site / "content/posts/rapat" / name).read_bytes() == original
    assert list((site / ".cache" / "video").glob("*" + name.rsplit(".", 1)[1].lower()))


def test_each_place_a_phone_writes_is_found_and_a_cleaned_copy_holds_none():
    for quicktime in (True, False):
        data = make_video(quicktime=quicktime)
        found = videometa.scan(io.BytesIO(data), len(data))
        assert not found.problem
        assert [spot.what for spot in found.spots] == [
            "moov/udta/©xyz", "moov/udta/loci", "moov/meta/ilst com.apple.quicktime.location.ISO6709"]
        cleaned, _found = videometa.clean_bytes(data)
        again = videometa.scan(io.BytesIO(cleaned), len(cleaned))
        assert not again.problem and not again.has_location
        assert [kind for kind, _o, _s in video_boxes(cleaned, *_udta(cleaned))] == [b"free", b"free"]


def test_the_at_sign_spelling_of_xyz_is_a_location_too():
    data = make_video(place=False)
    place = VIDEO_PLACE.replace(b"+", b"-")
    udta_end = _udta(data)[1]
    box = struct.pack(">I4sHH", 12 + len(place), b"@xyz", len(place), 0x15C7) + place
    grown = len(box)
    data = data[:udta_end - 4] + box + data[udta_end - 4:]
    moov = data.index(b"moov") - 4
    udta = data.index(b"udta") - 4
    for at in (moov, udta):
        data = data[:at] + struct.pack(">I", struct.unpack(">I", data[at:at + 4])[0] + grown) + data[at + 4:]
    cleaned, found = videometa.clean_bytes(data)
    assert [spot.what for spot in found.spots] == ["moov/udta/@xyz"] and place not in cleaned


def _udta(data: bytes) -> tuple[int, int]:
    [(_k, moov, size)] = [b for b in video_boxes(data) if b[0] == b"moov"]
    [(_k, at, length)] = [b for b in video_boxes(data, moov + 8, moov + size) if b[0] == b"udta"]
    return at + 8, at + length


@pytest.mark.parametrize("name, where", [
    ("ffmpeg-keys.mp4", ["moov/udta/meta/ilst location", "moov/udta/meta/ilst com.apple.quicktime.location.ISO6709",
                         "moov/udta/loci"]),
    ("ffmpeg-udta.mov", ["moov/udta/©xyz"])])
def test_videos_a_real_muxer_wrote_lose_their_location_and_keep_every_box(tmp_path, name, where):
    original = (ROOT / "tests" / "videos" / name).read_bytes()
    site = video_site(tmp_path / "situs", original, name)
    build_site(site)
    out = published(site, name)
    assert [spot.what for spot in videometa.scan(io.BytesIO(original), len(original)).spots] == where
    assert PLACE_TEXT not in out and len(out) == len(original)
    assert [(o, s) for _k, o, s in video_boxes(out)] == [(o, s) for _k, o, s in video_boxes(original)]
    [(_m, at, size)] = [b for b in video_boxes(original) if b[0] == b"mdat"]
    assert out[at:at + size] == original[at:at + size]
    assert not videometa.scan(io.BytesIO(out), len(out)).has_location


def test_xmp_with_gps_in_a_uuid_box_is_blanked():
    xmp = b"<x:xmpmeta><rdf:Description exif:GPSLatitude='37,20.094N' exif:GPSLongitude='122,0.54W'/></x:xmpmeta>"
    uuid = struct.pack(">I4s", 24 + len(xmp), b"uuid") + bytes.fromhex("be7acfcb97a942e89c71999491e3afac") + xmp
    data = make_video(place=False) + uuid
    cleaned, found = videometa.clean_bytes(data)
    assert [spot.what for spot in found.spots] == ["uuid (XMP GPS)"]
    assert b"GPSLatitude" not in cleaned and len(cleaned) == len(data)


def test_a_video_without_location_is_published_as_it_is_with_no_copy(tmp_path):
    original = make_video(place=False)
    site = video_site(tmp_path / "situs", original)
    result = build_site(site)
    assert published(site) == original
    assert not [w for w in result.warnings if "rekaman.mov" in w.path]
    assert not list((site / ".cache" / "video").glob("*.mov"))


def _damaged() -> dict[str, bytes]:
    good = make_video()
    moov = good.index(b"moov") - 4
    return {"terpotong di moov": good[:moov + 40], "sampah": random.Random(7).randbytes(3000), "kosong": b"",
            "moov melewati akhir": good[:moov] + struct.pack(">I4s", 1 << 30, b"moov") + good[moov + 8:],
            "mdat melewati akhir": good[:24] + struct.pack(">I4s", 1 << 20, b"mdat") + VIDEO_FRAMES,
            "tanpa moov": good[:moov], "teks": b"bukan video sama sekali\n" * 20}


@pytest.mark.parametrize("kind", list(_damaged()))
def test_a_video_that_cannot_be_read_is_published_as_it_is_with_a_warning_naming_it(tmp_path, kind):
    data = _damaged()[kind]
    site = video_site(tmp_path / "situs", data)
    result = build_site(site)
    assert published(site) == data
    [warning] = [w for w in result.warnings if w.path.endswith("rapat/rekaman.mov")]
    assert "tidak bisa diperiksa" in warning.message and "Traceback" not in str(warning)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(0, 10_000), flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)),
                                                   max_size=6), quicktime=st.booleans())
def test_no_damaged_video_raises(cut, flips, quicktime):
    data = bytearray(make_video(quicktime=quicktime)[:cut])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    cleaned, found = videometa.clean_bytes(bytes(data))
    assert len(cleaned) == len(data)
    assert found.problem or not videometa.scan(io.BytesIO(cleaned), len(cleaned)).has_location


def test_a_second_build_writes_nothing_and_an_unrelated_edit_keeps_the_cleaned_copy(tmp_path, clock):
    site = video_site(tmp_path / "situs", make_video())
    build_site(site, racy_clock=clock)
    clock.advance()
    build_site(site, racy_clock=clock)
    before = snapshot(site / "output")
    cache = snapshot(site / ".cache" / "video")
    result = build_site(site, racy_clock=clock)
    assert result.report.written == 0 and snapshot(site / "output") == before
    write_post(site, "lain", "title: Berita lain\ndate: 2024-05-03")
    build_site(site, racy_clock=clock)
    video = [rel for rel in before if rel.endswith("rekaman.mov")][0]
    assert snapshot(site / "output")[video] == before[video]
    assert snapshot(site / ".cache" / "video") == cache
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_a_new_video_under_the_same_name_is_cleaned_anew_and_the_old_copy_goes(tmp_path, clock):
    site = video_site(tmp_path / "situs", make_video())
    build_site(site, racy_clock=clock)
    old = {p.name for p in (site / ".cache" / "video").glob("*.mov")}
    second = make_video(quicktime=True).replace(VIDEO_PLACE, b"-06.2088+106.8456+012.000/")
    (site / "content/posts/rapat/rekaman.mov").write_bytes(second)
    clock.advance()
    build_site(site, racy_clock=clock)
    out = published(site)
    assert b"106.8456" not in out and len(out) == len(second)
    new = {p.name for p in (site / ".cache" / "video").glob("*.mov")}
    assert new and not new & old
    (site / "content/posts/rapat/rekaman.mov").write_bytes(make_video(place=False))
    clock.advance()
    build_site(site, racy_clock=clock)
    assert published(site) == make_video(place=False)
    assert not list((site / ".cache" / "video").glob("*.mov"))


def test_verify_sees_a_video_edited_with_its_old_time_put_back(clock, tmp_path, monkeypatch):
    """Where st_ctime tells nothing of edits (Windows), --verify reads every video again, whatever the index says."""
    monkeypatch.setattr(racy, "CHANGE_TIME", False)
    site = video_site(tmp_path / "situs", make_video())
    clock.advance()
    build_site(site, racy_clock=clock)
    path = site / "content/posts/rapat/rekaman.mov"
    before = path.stat()
    edited = make_video().replace(VIDEO_FRAMES[:16], b"lain" * 4, 1)       # a frame changed, same size
    path.write_bytes(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build_site(site, verify=True, racy_clock=clock)
    assert b"lain" * 4 in published(site) and VIDEO_PLACE not in published(site)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_a_cached_copy_changed_by_hand_is_made_again(tmp_path, clock):
    site = video_site(tmp_path / "situs", make_video())
    build_site(site, racy_clock=clock)
    [copy] = (site / ".cache" / "video").glob("*.mov")
    copy.write_bytes(make_video())          # the location back in the cache
    write_post(site, "lain", "title: Berita lain\ndate: 2024-05-03")
    clock.advance()
    build_site(site, racy_clock=clock)
    assert VIDEO_PLACE not in published(site)


@pytest.mark.parametrize("name", ["VID_20240502.MOV", "rekaman.mp4", "klip.3gp"])
def test_the_desk_keeps_an_uploaded_video_without_its_location(tmp_path, name):
    original = make_video(quicktime=name.endswith(".MOV"))
    stored = uploads.store(tmp_path / "berita", name, io.BytesIO(original), uploads.Limits(1 << 20, 1 << 20))
    assert isinstance(stored, uploads.Stored) and stored.kind == "attachment"
    kept = (tmp_path / "berita" / stored.name).read_bytes()
    assert VIDEO_PLACE not in kept and VIDEO_PLACE_NAME not in kept
    assert_same_layout(original, kept)
    assert stored.size == len(original)


def test_the_desk_keeps_a_video_it_cannot_read_as_it_was_sent(tmp_path):
    stored = uploads.store(tmp_path / "berita", "rusak.mp4", io.BytesIO(b"\0\0\0\x20ftypisom" + b"x" * 10),
                           uploads.Limits())
    assert isinstance(stored, uploads.Stored)
    assert (tmp_path / "berita" / stored.name).read_bytes() == b"\0\0\0\x20ftypisom" + b"x" * 10


def test_a_phone_video_larger_than_the_document_limit_is_kept_under_the_video_limit(tmp_path):
    original = make_video(quicktime=True) + video_box(b"free", bytes(3 << 20))     # 3 MB: over 1 MB, under 4 MB
    stored = uploads.store(tmp_path / "berita", "VID_20240502.MOV", io.BytesIO(original),
                           uploads.Limits(files=1 << 20, videos=4 << 20))
    assert isinstance(stored, uploads.Stored) and stored.size == len(original)
    kept = (tmp_path / "berita" / stored.name).read_bytes()
    assert VIDEO_PLACE not in kept and VIDEO_PLACE_NAME not in kept and len(kept) == len(original)
    assert sorted(p.name for p in (tmp_path / "berita").iterdir()) == [stored.name]     # no temporary file left


def test_a_video_over_the_video_limit_is_refused_naming_the_setting_and_leaves_nothing(tmp_path):
    (tmp_path / "berita").mkdir()
    original = make_video() + video_box(b"free", bytes(2 << 20))
    refused = uploads.store(tmp_path / "berita", "rekaman.mp4", io.BytesIO(original),
                            uploads.Limits(files=100 << 20, videos=1 << 20))
    assert isinstance(refused, FieldProblem) and refused.field == "attachments"
    assert "1 MB" in refused.message and "video_limit_mb" in refused.message and "rekaman.mp4" in refused.message
    assert list((tmp_path / "berita").iterdir()) == []


def test_what_a_cut_off_video_upload_left_is_removed_by_the_next_and_nothing_else(tmp_path):
    folder = tmp_path / "berita"
    folder.mkdir()
    old, fresh = folder / ".upload.abc.redaksi-tmp", folder / ".upload.def.redaksi-tmp"
    for path in (old, fresh, folder / ".catatan", folder / "foto.jpg"):
        path.write_bytes(b"x")
    os.utime(old, (1, 1))                    # left by a desk stopped long ago
    stored = uploads.store(folder, "rekaman.mp4", io.BytesIO(make_video()), uploads.Limits())
    assert isinstance(stored, uploads.Stored)
    assert sorted(p.name for p in folder.iterdir()) == sorted([".upload.def.redaksi-tmp", ".catatan", "foto.jpg",
                                                               stored.name])
