"""imaging: each derived file depends only on the photo and its own size, format and quality."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from generator.photos import imaging
from tests.conftest import make_photo

pytestmark = pytest.mark.quick

SIZES = [(240, 180), (640, 480), (150, 112), (1000, 750)]


def _outputs(folder: Path, formats=("jpg", "webp")) -> list[imaging.Output]:
    return [imaging.Output(str(folder / f"{w}.{fmt}"), w, h, fmt) for w, h in SIZES for fmt in formats]


@pytest.mark.parametrize("name, orientation", [("foto.jpg", None), ("tegak.jpg", 6), ("foto.png", None)])
def test_each_size_has_the_same_bytes_whatever_else_the_job_makes(tmp_path, name, orientation):
    source = make_photo(tmp_path / name, (1200, 900) if orientation is None else (900, 1200),
                        orientation=orientation)
    together, alone = tmp_path / "bersama", tmp_path / "sendiri"
    together.mkdir()
    alone.mkdir()
    assert imaging.make(imaging.Job(str(source), tuple(_outputs(together)), 80)) == ""
    for output in _outputs(alone):            # one size per job, as an incremental build after a size change
        assert imaging.make(imaging.Job(str(source), (output,), 80)) == ""
    for subset in ([0, 2], [1, 3], [2, 3]):   # and any other set of sizes
        mixed = tmp_path / f"campur-{subset[0]}{subset[1]}"
        mixed.mkdir()
        outputs = [o for n, o in enumerate(_outputs(mixed)) if n // 2 in subset]
        assert imaging.make(imaging.Job(str(source), tuple(outputs), 80)) == ""
        for output in outputs:
            assert Path(output.target).read_bytes() == (together / Path(output.target).name).read_bytes()
    for path in together.iterdir():
        assert path.read_bytes() == (alone / path.name).read_bytes(), path.name
    with Image.open(together / "240.jpg") as image:
        assert image.size == (240, 180)
