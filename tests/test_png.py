"""The worker's PNG writer, read back by a real decoder (Pillow) pixel for pixel."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from tgraph_bot.graphs.worker import png_bytes


def _decoded(png: bytes) -> tuple[str, np.ndarray]:
    with Image.open(BytesIO(png)) as image:
        image.load()
        return image.mode, np.asarray(image)


@pytest.mark.parametrize(("width", "height"), [(1400, 700), (1, 1), (3, 5)])
def test_opaque_pixels_come_back_exactly_as_rgb(width: int, height: int) -> None:
    rng = np.random.default_rng(width * height)
    rgba = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    rgba[:, :, 3] = 255
    mode, pixels = _decoded(png_bytes(memoryview(rgba.tobytes()), width, height))
    assert mode == "RGB"
    assert pixels.shape == (height, width, 3)
    assert (pixels == rgba[:, :, :3]).all()


def test_any_transparent_pixel_keeps_the_alpha_channel() -> None:
    rgba = np.full((4, 6, 4), 200, dtype=np.uint8)
    rgba[:, :, 3] = 255
    rgba[2, 3] = (10, 20, 30, 0)  # one see-through pixel: e.g. a background colour with alpha
    mode, pixels = _decoded(png_bytes(memoryview(rgba.tobytes()), 6, 4))
    assert mode == "RGBA"
    assert (pixels == rgba).all()
