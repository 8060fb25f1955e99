"""Overlay curves (:mod:`limits.reference.overlays`) drawn on a figure's axis: each its own colour, after ours."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from limits.reference.curves import ReferenceCurve

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["OVERLAY_COLOURS", "draw_overlays"]

OVERLAY_COLOURS = ("tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:orange", "tab:gray")
"""Colours of the overlays, in order (cycled): none is used by our curves, bands or the published ones."""


def draw_overlays(ax: Axes, overlays: Sequence[ReferenceCurve]) -> None:
    """Draw each overlay as a solid line with its label (gaps where it has no limit), clipped to the axis' mass
    range if one is set (the frame is not widened for an overlay)."""
    for k, curve in enumerate(overlays):
        mass, coupling = np.asarray(curve.mass_mev, float), np.asarray(curve.coupling, float)
        lo, hi = ax.get_xlim() if ax.get_autoscalex_on() is False else (-math.inf, math.inf)
        shown = np.isnan(mass) | ((mass >= lo) & (mass <= hi))
        ax.plot(mass[shown], coupling[shown], color=OVERLAY_COLOURS[k % len(OVERLAY_COLOURS)], lw=1.3,
                label=curve.label, scalex=False, scaley=False)
