"""PNG pictures of generated samples, drawn with Pillow only (no matplotlib).

- :func:`save_image_grid`: a grid of NHWC images in ``[-1, 1]``, upscaled with
  nearest-neighbour so that 16x16 digits stay visible.
- :func:`save_image_groups`: groups of images side by side (``[input | output]``
  of image-to-image models), several groups a row.
- :func:`save_labelled_rows`: rows of images named on the left (input /
  output per direction or domain / target of image-to-image models).
- :func:`save_scatter`: 2-D points rasterised onto a canvas with axes, ticks and
  (optionally) the true mode centres, for the ``ring8`` / ``grid25`` benchmarks.

Both write atomically (a temporary file in the target folder, then
``os.replace``), so a reader never sees half a PNG.

Example:
    >>> import numpy as np
    >>> from kerasgan import plotting
    >>> plotting.save_image_grid(np.zeros((16, 8, 8, 1)), "/tmp/grid.png")
    >>> plotting.save_scatter(np.random.normal(size=(500, 2)), "/tmp/points.png")
"""

from __future__ import annotations

import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kerasgan.files import atomic_path

__all__ = [
    "atomic_path",
    "grid_layout",
    "group_layout",
    "save_image_grid",
    "save_image_groups",
    "save_labelled_rows",
    "save_scatter",
    "nice_ticks",
]

#: Images smaller than this (in pixels) are upscaled by an integer factor.
MIN_TILE_PIXELS = 64
GRID_PADDING = 2
#: Pixels between two groups of :func:`save_image_groups` on one row.
GROUP_GAP = 10
_BACKGROUND = (255, 255, 255)
_GRID_BACKGROUND = (40, 40, 40)
_POINT_COLOR = np.array([31, 119, 180], dtype=np.float32)  # blue
_CENTER_COLOR = (214, 39, 40)  # red
_AXIS_COLOR = (0, 0, 0)


def _save_png(image, path):
    with atomic_path(path, suffix=".png") as tmp:
        image.save(tmp, format="PNG")


def grid_layout(n, height, width, nrow=None, scale=None, padding=GRID_PADDING):
    """Geometry of the grid :func:`save_image_grid` draws.

    Args:
        n: number of images.
        height, width: size of one image in pixels.
        nrow: images per row (default ``ceil(sqrt(n))``).
        scale: integer upscaling factor (default: smallest that makes a tile at
            least :data:`MIN_TILE_PIXELS` on its longer side).
        padding: pixels between and around tiles.

    Returns:
        dict with ``cols``, ``rows``, ``scale``, ``tile_height``, ``tile_width``,
        ``width`` and ``height`` (of the whole PNG).
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"Need at least one image, got {n}.")
    cols = int(nrow) if nrow else int(math.ceil(math.sqrt(n)))
    if cols < 1:
        raise ValueError(f"nrow must be a positive integer, got {nrow!r}.")
    cols = min(cols, n)
    rows = int(math.ceil(n / cols))
    if scale is None:
        scale = max(1, int(math.ceil(MIN_TILE_PIXELS / max(height, width))))
    tile_h, tile_w = height * scale, width * scale
    return {
        "cols": cols,
        "rows": rows,
        "scale": int(scale),
        "tile_height": tile_h,
        "tile_width": tile_w,
        "width": cols * tile_w + (cols + 1) * padding,
        "height": rows * tile_h + (rows + 1) * padding,
    }


def _to_uint8_images(images):
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:  # (N, H, W): grayscale without channel axis
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"Expected images of shape (N, H, W, 1|3) in [-1, 1], got shape {images.shape}."
        )
    images = np.nan_to_num(images, nan=0.0, posinf=1.0, neginf=-1.0)
    images = np.clip((images + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def save_image_grid(images, path, nrow=None, scale=None):
    """Writes a grid of images to a PNG file.

    Args:
        images: array (N, H, W, C) with C in {1, 3} (or (N, H, W)), values in
            ``[-1, 1]`` (clipped; NaN shows as mid-grey).
        path: output ``.png`` path (written atomically).
        nrow: images per row (default ``ceil(sqrt(N))``).
        scale: integer nearest-neighbour upscaling (default: tiles of at least
            :data:`MIN_TILE_PIXELS` pixels).

    Returns:
        The path written.
    """
    images = _to_uint8_images(images)
    n, h, w, _ = images.shape
    layout = grid_layout(n, h, w, nrow=nrow, scale=scale)
    s, pad = layout["scale"], GRID_PADDING
    canvas = np.empty((layout["height"], layout["width"], 3), dtype=np.uint8)
    canvas[...] = _GRID_BACKGROUND
    for i, image in enumerate(images):
        r, c = divmod(i, layout["cols"])
        y = pad + r * (layout["tile_height"] + pad)
        x = pad + c * (layout["tile_width"] + pad)
        tile = image.repeat(s, axis=0).repeat(s, axis=1)
        canvas[y : y + tile.shape[0], x : x + tile.shape[1]] = tile
    _save_png(Image.fromarray(canvas, "RGB"), path)
    return os.fspath(path)


def group_layout(n, per_group, height, width, groups_per_row=None, scale=None,
                 padding=GRID_PADDING, gap=GROUP_GAP):
    """Geometry of the picture :func:`save_image_groups` draws.

    Args:
        n: number of groups.
        per_group: images side by side in one group.
        height, width: size of one image in pixels.
        groups_per_row: groups per row (default ``ceil(sqrt(n / per_group))``,
            which makes the picture about square).
        scale: integer upscaling factor (default as in :func:`grid_layout`).
        padding: pixels between the images of a group, between rows and around.
        gap: pixels between two groups on a row.

    Returns:
        dict with ``groups_per_row``, ``rows``, ``scale``, ``tile_height``,
        ``tile_width``, ``group_width``, ``width`` and ``height``.
    """
    n, per_group = int(n), int(per_group)
    if n < 1 or per_group < 1:
        raise ValueError(f"Need at least one group of one image, got {n} groups of {per_group}.")
    cols = int(groups_per_row) if groups_per_row else math.ceil(math.sqrt(n / per_group))
    if cols < 1:
        raise ValueError(f"groups_per_row must be a positive integer, got {groups_per_row!r}.")
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    if scale is None:
        scale = max(1, math.ceil(MIN_TILE_PIXELS / max(height, width)))
    tile_h, tile_w = height * scale, width * scale
    group_w = per_group * tile_w + (per_group - 1) * padding
    return {
        "groups_per_row": cols,
        "rows": rows,
        "scale": int(scale),
        "tile_height": tile_h,
        "tile_width": tile_w,
        "group_width": group_w,
        "width": cols * group_w + (cols - 1) * gap + 2 * padding,
        "height": rows * tile_h + (rows + 1) * padding,
    }


def _column_images(column):
    if isinstance(column, (list, tuple)):
        return np.concatenate([_to_uint8_images(part) for part in column], axis=0)
    return _to_uint8_images(column)


def save_image_groups(columns, path, groups_per_row=None, scale=None):
    """Writes groups of images shown side by side, e.g. [input | output | target].

    Group ``i`` is ``(columns[0][i], columns[1][i], ...)``; groups fill rows
    left to right with a wider gap between groups than inside one.

    Args:
        columns: sequence of image arrays ``(N, H, W, C)`` (C in {1, 3}, values
            in ``[-1, 1]``), one per position in the group; a column may also
            be a list of such arrays (concatenated, e.g. CycleGAN's A and B
            inputs with different channel counts). Every column holds N
            images of the same height and width.
        path: output ``.png`` path (written atomically).
        groups_per_row: groups per row (default: about square picture).
        scale: integer nearest-neighbour upscaling (default: tiles of at least
            :data:`MIN_TILE_PIXELS` pixels).

    Returns:
        The path written.
    """
    columns = [_column_images(column) for column in columns]
    if not columns:
        raise ValueError("save_image_groups needs at least one column of images.")
    n, h, w, _ = columns[0].shape
    for column in columns[1:]:
        if column.shape[:3] != (n, h, w):
            raise ValueError(
                f"Every column needs {n} images of {h}x{w}; got shape {column.shape[:3]}."
            )
    layout = group_layout(n, len(columns), h, w, groups_per_row=groups_per_row, scale=scale)
    s, pad = layout["scale"], GRID_PADDING
    canvas = np.empty((layout["height"], layout["width"], 3), dtype=np.uint8)
    canvas[...] = _GRID_BACKGROUND
    for i in range(n):
        r, c = divmod(i, layout["groups_per_row"])
        y = pad + r * (layout["tile_height"] + pad)
        x0 = pad + c * (layout["group_width"] + GROUP_GAP)
        for j, column in enumerate(columns):
            x = x0 + j * (layout["tile_width"] + pad)
            tile = column[i].repeat(s, axis=0).repeat(s, axis=1)
            canvas[y : y + tile.shape[0], x : x + tile.shape[1]] = tile
    _save_png(Image.fromarray(canvas, "RGB"), path)
    return os.fspath(path)


def save_labelled_rows(rows, path, scale=None):
    """Writes rows of images, each named by a label on its left (e.g. input / output / target).

    Args:
        rows: sequence of ``(label, images)`` with images ``(N, H, W, C)`` in
            ``[-1, 1]`` (the same N, H, W in every row), or ``None`` for a gap
            that separates blocks of rows.
        path: output ``.png`` path (written atomically).
        scale: integer nearest-neighbour upscaling (default: tiles of at least
            :data:`MIN_TILE_PIXELS` pixels).

    Returns:
        The path written.
    """
    named = [(str(label), _to_uint8_images(images)) for label, images in (r for r in rows if r is not None)]
    if not named:
        raise ValueError("save_labelled_rows needs at least one (label, images) row.")
    n, h, w, _ = named[0][1].shape
    for label, images in named:
        if images.shape[:3] != (n, h, w):
            raise ValueError(f"Row {label!r} needs {n} images of {h}x{w}; got shape {images.shape[:3]}.")
    s = scale or max(1, int(math.ceil(MIN_TILE_PIXELS / max(h, w))))
    font = ImageFont.load_default()
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = max(int(probe.textlength(label, font=font)) for label, _ in named) + 12
    pad, tile_h, tile_w = GRID_PADDING, h * s, w * s
    tops, y, gap = [], pad, 0
    for row in rows:
        if row is None:  # a gap only between two rows
            gap = GROUP_GAP if tops else 0
            continue
        y += gap
        tops.append(y)
        y, gap = y + tile_h + pad, 0
    width = label_width + n * tile_w + (n + 1) * pad
    canvas = Image.new("RGB", (width, y), _BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    for top, (label, images) in zip(tops, named):
        draw.rectangle([label_width, top - pad, width - 1, top + tile_h + pad - 1], fill=_GRID_BACKGROUND)
        draw.text((6, top + tile_h // 2 - 6), label, fill=(0, 0, 0), font=font)
        for i, image in enumerate(images):
            tile = Image.fromarray(image.repeat(s, axis=0).repeat(s, axis=1), "RGB")
            canvas.paste(tile, (label_width + pad + i * (tile_w + pad), top))
    _save_png(canvas, path)
    return os.fspath(path)


def nice_ticks(lo, hi, target=5):
    """Round tick values (1, 2 or 5 times a power of ten) covering ``[lo, hi]``.

    Args:
        lo, hi: the axis range.
        target: approximate number of ticks.

    Returns:
        List of floats inside ``[lo, hi]``.
    """
    span = float(hi) - float(lo)
    if not np.isfinite(span) or span <= 0:
        return [float(lo)]
    raw = span / max(1, target)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + 1e-9 * step:
        ticks.append(0.0 if abs(value) < 1e-12 * step else round(value, 12))
        value += step
    return ticks


def _format_tick(value):
    text = f"{value:.6g}"
    return "0" if text in ("-0", "0") else text


def _default_extent(points, centers):
    if centers is not None and len(centers):
        lo, hi = centers.min(axis=0), centers.max(axis=0)
        margin = np.maximum(0.5 * (hi - lo), 0.5)
    else:
        finite = points[np.isfinite(points).all(axis=1)]
        if len(finite) == 0:
            return (-1.0, 1.0, -1.0, 1.0)
        lo, hi = np.percentile(finite, 0.5, axis=0), np.percentile(finite, 99.5, axis=0)
        margin = np.maximum(0.1 * (hi - lo), 0.1)
    lo, hi = lo - margin, hi + margin
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def save_scatter(points, path, centers=None, size=512, extent=None, title=None):
    """Writes a scatter plot of 2-D points to a square PNG file.

    Points are rasterised (2x2 pixel dots; overlapping dots get darker) inside
    a plot area with a black frame, round-numbered ticks and labels. Points
    outside the extent are not drawn.

    Args:
        points: array (N, 2).
        path: output ``.png`` path (written atomically).
        centers: optional (K, 2) array of true mode centres, drawn as red rings.
        size: width and height of the PNG in pixels (>= 128).
        extent: ``(xmin, xmax, ymin, ymax)`` of the plot area (default: the
            centres' box plus half its span, or the points' 0.5-99.5
            percentile box plus 10%).
        title: optional text drawn at the top.

    Returns:
        The path written.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"Expected points of shape (N, 2), got shape {points.shape}.")
    size = int(size)
    if size < 128:
        raise ValueError(f"size must be at least 128 pixels, got {size}.")
    if centers is not None:
        centers = np.asarray(centers, dtype=np.float64).reshape(-1, 2)
    if extent is None:
        extent = _default_extent(points, centers)
    x0, x1, y0, y1 = (float(v) for v in extent)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"extent must be (xmin, xmax, ymin, ymax) with min < max, got {extent!r}.")

    font = ImageFont.load_default()
    left, right, top, bottom = 48, 12, 24 if title else 12, 32
    plot_w, plot_h = size - left - right, size - top - bottom

    def to_pixel(xy):
        """Data coordinates (N, 2) to pixel coordinates (x right, y down)."""
        px = left + (xy[:, 0] - x0) / (x1 - x0) * (plot_w - 1)
        py = top + (y1 - xy[:, 1]) / (y1 - y0) * (plot_h - 1)
        return px, py

    # Density raster: count hits per pixel, shade as 1 - exp(-count / k).
    finite = points[np.isfinite(points).all(axis=1)]
    px, py = to_pixel(finite)
    inside = (px >= left) & (px <= left + plot_w - 1) & (py >= top) & (py <= top + plot_h - 1)
    counts = np.zeros((size, size), dtype=np.float32)
    ix, iy = px[inside].astype(np.int64), py[inside].astype(np.int64)
    for dx in (0, 1):
        for dy in (0, 1):
            rows = np.minimum(iy + dy, top + plot_h - 1)
            cols = np.minimum(ix + dx, left + plot_w - 1)
            np.add.at(counts, (rows, cols), 1.0)
    alpha = (1.0 - np.exp(-counts / 1.5))[..., None]
    canvas = np.full((size, size, 3), 255.0, dtype=np.float32)
    canvas = canvas * (1.0 - alpha) + _POINT_COLOR * alpha
    image = Image.fromarray(canvas.round().astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)

    if centers is not None and len(centers):
        cx, cy = to_pixel(centers)
        radius = max(4, size // 60)
        for x, y in zip(cx, cy):
            box = (x - radius, y - radius, x + radius, y + radius)
            draw.ellipse(box, outline=_CENTER_COLOR, width=1)

    # Frame, ticks and labels.
    draw.rectangle((left - 1, top - 1, left + plot_w, top + plot_h), outline=_AXIS_COLOR, width=1)
    for value in nice_ticks(x0, x1):
        x = left + (value - x0) / (x1 - x0) * (plot_w - 1)
        draw.line((x, top + plot_h, x, top + plot_h + 4), fill=_AXIS_COLOR)
        text = _format_tick(value)
        tw = draw.textlength(text, font=font)
        draw.text((x - tw / 2, top + plot_h + 7), text, fill=_AXIS_COLOR, font=font)
    for value in nice_ticks(y0, y1):
        y = top + (y1 - value) / (y1 - y0) * (plot_h - 1)
        draw.line((left - 5, y, left - 1, y), fill=_AXIS_COLOR)
        text = _format_tick(value)
        tw = draw.textlength(text, font=font)
        draw.text((left - 8 - tw, y - 6), text, fill=_AXIS_COLOR, font=font)
    if title:
        draw.text((left, 5), str(title), fill=_AXIS_COLOR, font=font)
    _save_png(image, path)
    return os.fspath(path)
