"""Writing a figure: tight layout, saved atomically (format from the file's suffix), closed."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from limits.io.files import atomic_path

__all__ = ["save_figure"]


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Lay out ``fig``, write it to ``path`` atomically at 130 dpi, and close it."""
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=130)
    plt.close(fig)
