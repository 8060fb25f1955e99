"""Writing a figure: tight layout (optional), saved atomically (format from the file's suffix), closed."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from limits.io.files import atomic_path

__all__ = ["IMAGE_FORMATS", "save_figure"]

IMAGE_FORMATS = ("png", "pdf", "svg", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")
"""Image formats a plot path may name by its suffix (matplotlib's writers without extra packages)."""


def save_figure(fig: Figure, path: str | os.PathLike[str], layout: bool = True) -> None:
    """Lay out ``fig`` (``layout=False``: its margins are already set, which saves ~0.4 s of text measuring), write it
    to ``path`` atomically at 130 dpi, and close it."""
    if layout:
        fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
