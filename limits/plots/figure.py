"""Writing a figure: tight layout (optional), saved atomically (format from the file's suffix), closed."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from limits.io.files import atomic_path, check_output_file

__all__ = ["IMAGE_FORMATS", "image_path", "save_figure"]

IMAGE_FORMATS = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")
"""Image formats a plot path may name by its suffix (matplotlib's writers without extra packages)."""


def image_path(path: str | os.PathLike[str], field: str = "path") -> Path:
    """``path`` as an image file that can be written, its suffix naming the format (:data:`IMAGE_FORMATS`): what
    every ``plot_*`` function checks before it draws.

    Raises:
        InputError: naming ``field``: another suffix, a directory, or a place that cannot be written.
    """
    return check_output_file(path, field, IMAGE_FORMATS)


def save_figure(fig: Figure, path: str | os.PathLike[str], layout: bool = True) -> None:
    """Lay out ``fig`` (``layout=False``: its margins are already set, which saves ~0.4 s of text measuring), write it
    to ``path`` atomically at 130 dpi, and close it."""
    if layout:
        fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
