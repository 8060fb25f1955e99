"""Compare a scan's limit with a published curve: ratio ours/published vs mass over the overlap."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from limits.errors import InputError
from limits.frozen import freeze
from limits.physics.models import builtin_document
from limits.reference.curves import load_reference
from limits.scanning.result import ScanResult

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


def compare(result: ScanResult | str | os.PathLike[str], reference: str, curve: str = "obs",
            force: bool = False) -> Comparison:
    """Ratio of our coupling limit (``curve``: ``obs`` or ``median`` expected) to a published curve vs mass, over the
    overlap of both mass ranges (ours interpolated log-log in mass at the published masses).

    The scan must be of the curve's analysis, model (by content: a user model may carry a built-in's name with other
    charges), coupling symbol and confidence level (a ratio of a g limit to an epsilon curve, or of 2026 data to a
    2022 curve, means nothing); ``force`` compares anyway.

    Args:
        result: a scan, or the path of its limits.json (or its directory).
        reference: a published curve's name (:func:`limits.reference.curves.reference_names`).
        curve: which of our curves.
        force: skip the check that the scan and the curve are of the same thing.

    Raises:
        InputError: an unknown curve (``reference``, ``curve``), an unreadable result (``result``), fewer than two
            successful masses, no overlap, or (without ``force``) a mismatch (``reference``).
    """
    ref = load_reference(reference, field="reference")  # an unknown name fails before any file is read
    if curve not in CURVES:
        raise InputError("curve", f"'{curve}' is not one of {', '.join(CURVES)}")
    res = ScanResult.read(result)
    if not force:
        mine = {"analysis": res.analysis, "model": res.model, "coupling": res.coupling, "cl": res.cl}
        differ = [f"{k} {mine[k]!r} vs {ref.entry[k]!r}" for k in mine if ref.entry.get(k) != mine[k]]
        if not differ and res.model_document != builtin_document(res.model):
            differ = [f"model {res.model!r} of the scan is not the built-in {res.model!r} (its document differs"
                      f"{'' if res.model_document is not None else ': the result does not record it'})"]
        if differ:
            raise InputError("reference", f"{reference} is not a curve of this scan ({'; '.join(differ)}); "
                                          "force=True compares anyway")
    curves = res.curves()
    m, g = curves.mass_mev, curves.obs if curve == "obs" else curves.exp[:, 2]
    if m.size < 2:
        raise InputError("result", f"the scan {res.analysis}/{res.model} has fewer than two successful mass points")
    inside = (ref.mass_mev >= m.min()) & (ref.mass_mev <= m.max())
    if not inside.any():
        raise InputError("reference", f"no overlap between {reference} ({ref.mass_mev.min():g}-"
                                      f"{ref.mass_mev.max():g} MeV) and the results ({m.min():g}-{m.max():g} MeV)")
    ours = np.exp(np.interp(np.log(ref.mass_mev[inside]), np.log(m), np.log(g)))
    return Comparison(ref.entry, ref.mass_mev[inside], ours, ref.coupling[inside], ours / ref.coupling[inside])
