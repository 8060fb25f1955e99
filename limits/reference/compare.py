"""Compare a scan's limit with a published curve: ratio ours/published vs mass over the overlap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from limits.errors import InputError
from limits.frozen import freeze
from limits.reference.curves import load_reference
from limits.scan.result import ScanResult

__all__ = ["CURVES", "Comparison", "compare"]

CURVES = ("obs", "median")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Ratios at the published curve's masses inside the overlap of both mass ranges.

    Attributes:
        reference: the index entry of the published curve.
        mass_mev, ours, published, ratio: arrays over the overlap (ours interpolated log-log in mass).
    """

    reference: dict[str, Any]
    mass_mev: np.ndarray
    ours: np.ndarray
    published: np.ndarray
    ratio: np.ndarray

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    @property
    def median_ratio(self) -> float:
        """median of ours/published."""
        return float(np.median(self.ratio))

    @property
    def median_deviation(self) -> float:
        """``median |ratio - 1|``."""
        return float(np.median(np.abs(self.ratio - 1)))

    @property
    def max_deviation(self) -> float:
        """``max |ratio - 1|``."""
        return float(np.max(np.abs(self.ratio - 1)))

    def rows(self) -> list[dict[str, float]]:
        """One row per compared mass: mass_mev, ours, published, ratio."""
        return [{"mass_mev": float(m), "ours": float(o), "published": float(p), "ratio": float(r)}
                for m, o, p, r in zip(self.mass_mev, self.ours, self.published, self.ratio)]


def compare(result: ScanResult, reference: str, curve: str = "obs") -> Comparison:
    """Ratio of our limit (``curve``: "obs" or "median" expected) to the published ``reference`` curve.

    Raises:
        InputError: unknown curve name, fewer than two successful masses, or no overlap in mass.
    """
    if curve not in CURVES:
        raise InputError("curve", f"'{curve}' is not one of {', '.join(CURVES)}")
    ref = load_reference(reference)
    curves = result.curves()
    m, g = curves.mass_mev, curves.obs if curve == "obs" else curves.exp[:, 2]
    if m.size < 2:
        raise InputError("result", f"the scan {result.analysis}/{result.model} has fewer than two successful "
                                      f"mass points")
    inside = (ref.mass_mev >= m.min()) & (ref.mass_mev <= m.max())
    if not inside.any():
        raise InputError("reference", f"no overlap between {reference} ({ref.mass_mev.min():g}-"
                                        f"{ref.mass_mev.max():g} MeV) and the results ({m.min():g}-{m.max():g} MeV)")
    ours = np.exp(np.interp(np.log(ref.mass_mev[inside]), np.log(m), np.log(g)))
    return Comparison(ref.entry, ref.mass_mev[inside], ours, ref.coupling[inside], ours / ref.coupling[inside])
