"""Compare a scan's observed limit with a published curve: ratio ours/published vs mass over the overlap."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from limits.errors import InputError
from limits.io.reference import load_reference
from limits.io.results import limit_curves, read_limits

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Ratios at the published curve's masses inside the overlap of both mass ranges.

    Attributes:
        reference: the index entry of the published curve.
        mass_mev, ours, published, ratio: arrays over the overlap (ours interpolated log-log in mass).
    """

    reference: dict
    mass_mev: np.ndarray
    ours: np.ndarray
    published: np.ndarray
    ratio: np.ndarray

    @property
    def median_deviation(self) -> float:
        """median |ratio - 1|."""
        return float(np.median(np.abs(self.ratio - 1)))

    @property
    def max_deviation(self) -> float:
        """max |ratio - 1|."""
        return float(np.max(np.abs(self.ratio - 1)))


def compare(results_dir: str | Path, reference: str, curve: str = "obs") -> Comparison:
    """Ratio of our limit (``curve``: "obs" or "median" expected) to the published ``reference`` curve."""
    doc = read_limits(results_dir, f"run `limits scan --out {results_dir}` first")
    entry, ref_m, ref_g = load_reference(reference)
    curves = limit_curves(doc)
    m, g = curves.mass_mev, curves.obs if curve == "obs" else curves.exp[:, 2]
    if m.size < 2:
        raise InputError("--results", f"{Path(results_dir) / 'limits.json'} has fewer than two successful mass "
                                      f"points")
    inside = (ref_m >= m.min()) & (ref_m <= m.max())
    if not inside.any():
        raise InputError("--reference", f"no overlap between {reference} ({ref_m.min():g}-{ref_m.max():g} MeV) "
                                        f"and the results ({m.min():g}-{m.max():g} MeV)")
    ours = np.exp(np.interp(np.log(ref_m[inside]), np.log(m), np.log(g)))
    return Comparison(entry, ref_m[inside], ours, ref_g[inside], ours / ref_g[inside])
