"""CI regression: our exact-CLs limits against the published NA64 curves (issue 6).

The scans run at the published curves' own masses (no interpolation on our side), with the analyses' stated
assumptions (flat efficiency 0.55, ETL, physical BR_inv with PRL 129 Eq. 6). Each bound is the deviation measured
when the tolerance was set (docs/reproducing.md, "Reproducing the published curves") plus a margin of 0.01, i.e. 1 %
in the coupling: ~40x the numerical reproducibility of the limits (tables interpolate sigma to 0.05 %, the exact
calculator is deterministic), and about what a 2 % change of the signal yield does. A change that worsens the agreement
by more than that fails here; a change that improves it passes and should tighten the bounds.

The digitisations themselves scatter by a few per cent (``../shared/na64/curves/README.md``); the large deviations are
the documented tension (see docs/reproducing.md and ``tests/studies/reference_tension.py``), not noise, and are pinned
as such.
"""

from __future__ import annotations

import numpy as np
import pytest

from limits.api import compare
from limits.cli import main
from limits.reference.curves import load_reference

MARGIN = 0.01

CASES = {
    # reference: analysis, model, measured median |r-1|, measured max |r-1|, measured median ratio
    "na64-prl129-2022-bl-unbroken": ("na64-2022", "bl-unbroken", 0.1484, 0.3341, 0.9019),
    "na64-prl123-2019-dark-photon": ("na64-2019", "dark-photon", 0.1636, 0.2743, 1.0588),
}


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory):
    out = {}
    for ref, (analysis, model, *_rest) in CASES.items():
        m = load_reference(ref).mass_mev
        directory = tmp_path_factory.mktemp(ref)
        masses = ",".join(f"{x:.10g}" for x in m[m <= 1000.0])
        assert main(["scan", "--analysis", analysis, "--model", model, "--masses", masses,
                     "--out", str(directory)]) == 0
        out[ref] = compare(directory, ref)
    return out


@pytest.mark.parametrize("ref", list(CASES))
def test_published_curve_reproduced(comparisons, ref):
    c = comparisons[ref]
    _, _, median_dev, max_dev, median_ratio = CASES[ref]
    m = load_reference(ref).mass_mev
    assert c.mass_mev.size == np.count_nonzero(m <= 1000.0)  # every published point inside our range is compared
    assert c.median_deviation <= median_dev + MARGIN
    assert c.max_deviation <= max_dev + MARGIN
    # the overall normalisation (what the statistical method and the efficiency set) stays where it was
    assert abs(np.median(c.ratio) - median_ratio) <= MARGIN


def test_prl129_tension_sits_at_the_branching_thresholds(comparisons):
    """The PRL 129 ratio is flat between the BR_inv thresholds and steps at 2 m_e and 2 m_mu (the finding in
    docs/reproducing.md).

    A BR_inv of 3/4 at every mass in the published curve gives steps of sqrt(3/4) = 0.866 below 2 m_e and
    sqrt(0.75/0.61) = 1.11 above 2 m_mu relative to the plateau in between; the measured steps are larger (0.78 and
    1.19), so the BR treatment explains about 60 % of each in log, and the rest is the smooth residual.
    """
    c = comparisons["na64-prl129-2022-bl-unbroken"]
    below_2me = c.ratio[c.mass_mev < 0.05]
    mid = c.ratio[(c.mass_mev > 20) & (c.mass_mev < 150)]
    above_2mmu = c.ratio[c.mass_mev > 290]
    assert np.ptp(below_2me) < 0.03 and np.ptp(mid) < 0.03
    low_step, high_step = np.median(below_2me) / np.median(mid), np.median(above_2mmu) / np.median(mid)
    assert 0.72 < low_step < np.sqrt(0.75) and np.sqrt(0.75 / 0.61) < high_step < 1.26


def test_2019_residual_is_a_power_law_in_the_coupling(comparisons):
    """The whole 2019 trend is ln(ratio) linear in ln(eps_pub), leaving digitisation-level (< 2.5 %) scatter."""
    c = comparisons["na64-prl123-2019-dark-photon"]
    x, y = np.log(c.published), np.log(c.ratio)
    coef = np.polyfit(x, y, 1)
    rms = np.sqrt(np.mean((y - np.polyval(coef, x)) ** 2))
    assert np.std(y) > 0.1 and rms < 0.025
    assert coef[0] == pytest.approx(-0.078, abs=0.01)
