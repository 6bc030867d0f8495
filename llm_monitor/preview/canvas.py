"""A Pillow page in dashboard-grid units, for the dashboard pictures (``pictures.py``): rectangles,
lines and single-line texts, each distinct text rendered once (``_stamp``) and pasted where it goes.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImagePalette

from llm_monitor.dashboard import GRID_COLUMNS

COLUMN_INCHES = 0.8
ROW_INCHES = 0.45
MARGIN_INCHES = 0.35
HEADER_INCHES = 0.7
DPI = 100
MAX_PIXELS = 30000
"""Tall dashboards get a lower resolution rather than an image viewers refuse to open."""

LABEL_PT = 7.5
"""The grid's row and column numbers."""


@functools.cache
def _font(points: float, dpi: float, style: str = "") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans (``style``: "", "-Bold" or "Mono") at ``points`` for ``dpi``: the fonts matplotlib
    ships (found without importing it), else Pillow's built-in one. One font object per size, reused."""
    pixels = points * dpi / 72
    spec = importlib.util.find_spec("matplotlib")
    folders = spec.submodule_search_locations if spec and spec.submodule_search_locations else []
    for folder in folders:
        path = Path(folder, "mpl-data", "fonts", "ttf", f"DejaVuSans{style}.ttf")
        if path.is_file():
            # Basic layout: left-to-right Latin labels need no shaping engine (raqm is slower).
            return ImageFont.truetype(str(path), size=max(1, round(pixels)), layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(size=pixels)


class Canvas:
    """Grid-unit drawing on a Pillow image (y grows downwards, like the grid): only rectangles,
    lines and single-line texts, which is all a picture of a layout needs."""

    def __init__(self, rows: int, title: str) -> None:
        width = GRID_COLUMNS * COLUMN_INCHES + 2 * MARGIN_INCHES
        height = rows * ROW_INCHES + HEADER_INCHES + MARGIN_INCHES
        self.dpi = min(DPI, MAX_PIXELS / max(width, height))
        # A palette image: a layout has a few dozen colours, and a byte per pixel makes the PNG
        # three times faster to write than RGB (most of a page's time); texts are drawn without
        # anti-aliasing, which a palette cannot blend.
        self.image = Image.new("P", (round(width * self.dpi), round(height * self.dpi)), 0)
        self.image.putpalette(ImagePalette.ImagePalette("RGB", [255, 255, 255]))  # 0: the white page
        self.draw = ImageDraw.Draw(self.image)
        self.draw.fontmode = "1"
        self.column_px, self.row_px = COLUMN_INCHES * self.dpi, ROW_INCHES * self.dpi
        self.left, self.top = MARGIN_INCHES * self.dpi, HEADER_INCHES * self.dpi
        self.clip: tuple[float, float, float, float] | None = None
        """Pixel box of the widget being drawn: its texts are cut to it."""
        self.draw.text((self.left, 0.3 * self.dpi), title, fill="black", font=_font(12, self.dpi, "-Bold"), anchor="lm")
        bottom = self.py(rows)
        for column in range(GRID_COLUMNS + 1):
            colour = "#e0e0e0" if column % 6 else "#bdbdbd"
            self.draw.line([(self.px(column), self.top), (self.px(column), bottom)], fill=colour, width=1)
            if column % 6 == 0:
                self.text(column, -0.15, str(column), LABEL_PT, fill="#757575", anchor="ms")
        for row in range(0, rows + 1, 6):
            self.text(-0.1, row, str(row), LABEL_PT, fill="#757575", anchor="rm")

    def px(self, x: float) -> float:
        return self.left + x * self.column_px

    def py(self, y: float) -> float:
        return self.top + y * self.row_px

    def box(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (self.px(x), self.py(y), self.px(x + w), self.py(y + h))

    def rectangle(self, x: float, y: float, w: float, h: float, fill: str | None, outline: str | None = None) -> None:
        self.draw.rectangle(self.box(x, y, w, h), fill=fill, outline=outline, width=1)

    def rows_for(self, inches: float) -> float:
        return inches / ROW_INCHES

    def columns_for(self, inches: float) -> float:
        return inches / COLUMN_INCHES

    def ink(self, colour: str) -> int:
        """The palette index of a colour (added on first use)."""
        index: int = self.image.palette.getcolor(ImageColor.getrgb(colour), self.image)  # type: ignore[union-attr]
        return index

    def text(
        self, x: float, y: float, text: str, points: float, style: str = "", fill: str = "black", anchor: str = "la"
    ) -> None:
        """One line at grid point (x, y), by ``anchor`` (Pillow's: "la" is its top left)."""
        font = _font(points, self.dpi, style)
        at = (self.px(x), self.py(y))
        if self.clip is not None:  # nothing spills out of the widget being drawn
            room = self.clip[2] - at[0] if anchor[0] == "l" else at[0] - self.clip[0]
            if _stamp(text, font, anchor)[0].width > room:
                text = _fit_pixels(text, room, font)
        if text:
            mask, (dx, dy) = _stamp(text, font, anchor)
            self.image.paste(self.ink(fill), (round(at[0] + dx), round(at[1] + dy)), mask)


@functools.lru_cache(maxsize=16384)
def _stamp(
    text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, anchor: str
) -> tuple[Image.Image, tuple[int, int]]:
    """``text`` rendered once as a 1-bit mask, and where its corner goes from the anchor point: a
    page repeats the same few hundred labels (badges, series names) thousands of times."""
    # Drawn with a margin of one em, then cut to its ink: the box Pillow's basic layout reports
    # can be narrower than the glyphs it draws.
    left, top, right, bottom = (round(v) for v in font.getbbox(text, anchor=anchor))
    pad = round(getattr(font, "size", 16))
    canvas = Image.new("1", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), text, fill=1, font=font, anchor=anchor)
    ink = canvas.getbbox() or (0, 0, 1, 1)
    return canvas.crop(ink), (left - pad + ink[0], top - pad + ink[1])


def _fit_pixels(text: str, room: float, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """``text``, or its longest start that fits ``room`` pixels followed by "…"."""
    if room <= 0:
        return ""
    if font.getlength(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle] + "…") <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…" if low else ""
