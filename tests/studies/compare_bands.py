"""Study: our limits against the published NA64 curves, by mass band.

Run: ``python tests/studies/compare_bands.py [RESULTS_DIR]`` (default: the repository's results/). For each published
curve it prints the median and max |ours/published - 1| of the observed limit over the whole overlap and in the
bands < 1, 1-10, 10-100, 100-2 m_mu and > 2 m_mu MeV (the median ratio in brackets). Asserts nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import limits

CURVES = (("na64-prl129-2022-bl-unbroken", "na64-2022", "bl-unbroken"),
          ("na64-prl123-2019-dark-photon", "na64-2019", "dark-photon"),
          ("na64-prd97-2018-dark-photon", "na64-2016", "dark-photon"))
BANDS = ((0.0, 1.0), (1.0, 10.0), (10.0, 100.0), (100.0, 211.3), (211.3, np.inf))


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "results"
    print(f"{'curve':32s} {'all':>22s} " + " ".join(f"{f'{lo:g}-{hi:g} MeV':>22s}" for lo, hi in BANDS))
    for reference, analysis, model in CURVES:
        cmp = limits.compare(root / analysis / model, reference)
        dev = np.abs(cmp.ratio - 1)
        cells = [f"{np.median(dev):.3f}/{dev.max():.3f} ({np.median(cmp.ratio):.3f})"]
        for lo, hi in BANDS:
            sel = (cmp.mass_mev >= lo) & (cmp.mass_mev < hi)
            cells.append(f"{np.median(dev[sel]):.3f}/{dev[sel].max():.3f} ({np.median(cmp.ratio[sel]):.3f})"
                         if sel.any() else "-")
        print(f"{reference:32s} " + " ".join(f"{c:>22s}" for c in cells))


if __name__ == "__main__":
    main()
