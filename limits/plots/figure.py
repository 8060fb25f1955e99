"""Making and writing a figure: a matplotlib ``Figure`` without pyplot, laid out (optional), saved atomically (format
from the file's suffix).

No pyplot: it holds global state (the current figure, a registry of open figures) that is neither needed for a file
nor safe under threads (a server drawing for several requests), and importing it costs more. matplotlib itself is
imported when a figure is made, so importing any ``limits.plots`` module (for its constants) stays light."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from limits.io.files import atomic_path, check_output_file

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DPI", "IMAGE_FORMATS", "image_path", "new_figure", "save_figure"]

IMAGE_FORMATS = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")
"""Image formats a plot path may name by its suffix (matplotlib's writers without extra packages)."""


def image_path(path: str | os.PathLike[str], field: str = "path") -> Path:
    """``path`` as an image file that can be written, its suffix naming the format (:data:`IMAGE_FORMATS`): what
    every ``plot_*`` function checks before it draws.

    Raises:
        InputError: naming ``field``: another suffix, a directory, or a place that cannot be written.
    """
    return check_output_file(path, field, IMAGE_FORMATS)


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **subplots: Any) -> tuple[Figure, Any]:
    """A new figure of ``figsize`` inches and its axes, as ``Figure.subplots(nrows, ncols, **subplots)`` returns them
    (one ``Axes``, or an array of them)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # where used: importing the module stays light
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    # an Agg canvas of its own: its renderer, and the mathtext the renderer has parsed, serve every PNG of the figure
    # (a bare Figure would get a new canvas and renderer at each savefig; limits.plots.exclusion.prepare_frame)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **subplots)


DPI = 130
"""Resolution of every figure file (dots per inch)."""


def save_figure(fig: Figure, path: str | os.PathLike[str], layout: bool = True) -> None:
    """Lay out ``fig`` (``layout=False``: its margins are already set, which saves ~0.4 s of text measuring) and write
    it to ``path`` atomically at :data:`DPI`."""
    if layout:
        fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=DPI)
