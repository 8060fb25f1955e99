"""Comparison figure: our limit and a published one (top), their ratio (bottom)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from limits.plots.figure import image_path, new_figure, save_figure
from limits.plots.overlays import draw_overlays
from limits.reference.compare import Comparison
from limits.reference.overlays import OverlaySpec, check_overlays, read_overlays

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_comparison", "plot_comparison"]


def plot_comparison(cmp: Comparison, path: str | os.PathLike[str],
                    overlays: Sequence[OverlaySpec] = ()) -> None:
    """:func:`draw_comparison` written to the image file ``path`` (atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_comparison(cmp, overlays)
    save_figure(fig, path)


def draw_comparison(cmp: Comparison, overlays: Sequence[OverlaySpec] = ()) -> Figure:
    """Our limit and the published one (top, with ``overlays``: other curves in the same coupling), their ratio
    (bottom), vs mass; returns the figure."""
    overlays = read_overlays(overlays)  # files read here, curves as they are
    check_overlays(overlays, str(cmp.reference["coupling"]))
    fig, (top, bottom) = new_figure(2, 1, figsize=(7, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    top.plot(cmp.mass_mev, cmp.published, "o-", ms=3, color="tab:blue", label=cmp.reference["label"])
    top.plot(cmp.mass_mev, cmp.ours, "-", color="k", label="limits (this work)")
    top.set_xscale("log")
    top.set_yscale("log")
    top.set_ylabel(f"{cmp.reference['coupling']} limit")
    if overlays:  # within our masses (the frame is not widened for them)
        top.set_xlim(float(cmp.mass_mev.min()), float(cmp.mass_mev.max()))
        draw_overlays(top, overlays)
    top.legend(frameon=False, fontsize=9)
    top.grid(alpha=0.3, which="both", lw=0.5)
    bottom.plot(cmp.mass_mev, cmp.ratio, "o-", ms=3, color="k")
    bottom.axhline(1.0, color="0.5", lw=1)
    bottom.set_xlabel(r"$m_{Z'}$ [MeV]")
    bottom.set_ylabel("ours / published")
    bottom.grid(alpha=0.3, which="both", lw=0.5)
    return fig
