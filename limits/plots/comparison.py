"""Comparison figure: our limit and a published one (top), their ratio (bottom)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from limits.plots.figure import image_path, new_figure, save_figure
from limits.reference.compare import Comparison

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_comparison", "plot_comparison"]


def plot_comparison(cmp: Comparison, path: str | os.PathLike[str]) -> None:
    """:func:`draw_comparison` written to the image file ``path`` (atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_comparison(cmp)
    save_figure(fig, path)


def draw_comparison(cmp: Comparison) -> Figure:
    """Our limit and the published one (top), their ratio (bottom), vs mass; returns the figure."""
    fig, (top, bottom) = new_figure(2, 1, figsize=(7, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    top.plot(cmp.mass_mev, cmp.published, "o-", ms=3, color="tab:blue", label=cmp.reference["label"])
    top.plot(cmp.mass_mev, cmp.ours, "-", color="k", label="limits (this work)")
    top.set_xscale("log")
    top.set_yscale("log")
    top.set_ylabel(f"{cmp.reference['coupling']} limit")
    top.legend(frameon=False, fontsize=9)
    top.grid(alpha=0.3, which="both", lw=0.5)
    bottom.plot(cmp.mass_mev, cmp.ratio, "o-", ms=3, color="k")
    bottom.axhline(1.0, color="0.5", lw=1)
    bottom.set_xlabel(r"$m_{Z'}$ [MeV]")
    bottom.set_ylabel("ours / published")
    bottom.grid(alpha=0.3, which="both", lw=0.5)
    return fig
