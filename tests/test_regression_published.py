"""CI regression: our hybrid-CLs limits against the published NA64 curves (issue 6), with windows that have reasons.

The scans run at the published curves' own masses (no interpolation on our side), with the analyses' stated
assumptions (flat efficiency 0.55, ETL, physical BR_inv with PRL 129 Eq. 6). Where our treatment and the paper's
agree, the ratio ours/published must lie in a window made only of stated uncertainties, never of a measured value:

- the efficiency: PRL 129 states a total signal efficiency "from ~0.62 to ~0.48"; we use 0.55 in every run, and
  g_up ~ eff^(-1/2), so the ratio may lie anywhere in [sqrt(0.55/0.62), sqrt(0.55/0.48)] = [0.942, 1.070];
- the digitisation: the curves are third-party digitisations of log-log figures, a few per cent of scatter
  (results/reference/README.md): +-3 %;
- a documented difference of treatment, as a factor: below 2 m_e, where no visible channel is open, our BR_inv is 1
  and the published curve's is 3/4 (PRL 129: "Br(Z' -> nu nu) varies in the range 0.6-0.75"), so our limit is
  stronger by sqrt(3/4).

Where the paper's treatment is not known well enough to predict the ratio (above 2 m_mu; the 2019 curve's mass trend,
a log-axis calibration of the digitisation), the shape of the documented tension is tested instead
(docs/reproducing.md; the two tests below, each with its reason).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from limits.api import compare
from limits.cli import main
from limits.reference.curves import load_reference

EFFICIENCY_BAND = (math.sqrt(0.55 / 0.62), math.sqrt(0.55 / 0.48))  # PRL 129's stated range around our 0.55
DIGITISATION = 0.03  # relative scatter of a third-party digitisation of a log-log figure


def _window(factor: float = 1.0) -> tuple[float, float]:
    """The ratios allowed by the efficiency range and the digitisation, times a documented treatment factor."""
    return factor * EFFICIENCY_BAND[0] * (1 - DIGITISATION), factor * EFFICIENCY_BAND[1] * (1 + DIGITISATION)


CASES = {"na64-prl129-2022-bl-unbroken": ("na64-2022", "bl-unbroken"),
         "na64-prl123-2019-dark-photon": ("na64-2019", "dark-photon")}


@pytest.fixture(scope="module")
def comparisons(tmp_path_factory):
    out = {}
    for ref, (analysis, model) in CASES.items():
        m = load_reference(ref).mass_mev
        directory = tmp_path_factory.mktemp(ref)
        masses = ",".join(f"{x:.10g}" for x in m[m <= 1000.0])
        assert main(["scan", "--analysis", analysis, "--model", model, "--masses", masses,
                     "--out", str(directory)]) == 0
        out[ref] = compare(directory, ref)
    return out


@pytest.mark.parametrize("ref", list(CASES))
def test_every_published_point_is_compared(comparisons, ref):
    m = load_reference(ref).mass_mev
    assert comparisons[ref].mass_mev.size == np.count_nonzero(m <= 1000.0)


def test_prl129_between_the_thresholds_is_reproduced(comparisons):
    """10-200 MeV: both treatments have BR_inv = 3/4 and prompt decays; every point inside the stated window."""
    c = comparisons["na64-prl129-2022-bl-unbroken"]
    plateau = c.ratio[(c.mass_mev > 10.0) & (c.mass_mev < 200.0)]
    lo, hi = _window()
    assert plateau.size >= 5 and np.all((lo <= plateau) & (plateau <= hi)), (lo, hi, plateau)


def test_prl129_below_2me_is_the_branching_treatment(comparisons):
    """Below 2 m_e (1.022 MeV): our BR_inv = 1 against the paper's 3/4, every point inside sqrt(3/4) x the window."""
    c = comparisons["na64-prl129-2022-bl-unbroken"]
    below = c.ratio[c.mass_mev < 1.0]
    lo, hi = _window(math.sqrt(0.75))
    assert below.size >= 5 and np.all((lo <= below) & (below <= hi)), (lo, hi, below)


def test_prl123_normalisation_is_reproduced(comparisons):
    """The 2019 dark-photon curve: its overall normalisation (median ratio; the statistical method and the efficiency
    set it) inside the stated window; its mass trend is the documented axis calibration (test below)."""
    lo, hi = _window()
    assert lo <= float(np.median(comparisons["na64-prl123-2019-dark-photon"].ratio)) <= hi


def test_prl129_tension_sits_at_the_branching_thresholds(comparisons):
    """The PRL 129 ratio is flat between the BR_inv thresholds and steps at 2 m_e and 2 m_mu (the finding in
    docs/reproducing.md).

    A BR_inv of 3/4 at every mass in the published curve gives steps of sqrt(3/4) = 0.866 below 2 m_e and
    sqrt(0.75/0.61) = 1.11 above 2 m_mu relative to the plateau in between (0.61: our BR_inv above 2 m_mu). The
    finding is that this treatment is the larger part of each step (in log) and the rest a smooth residual; so each
    step must be at least the BR effect and at most twice it in log: low step in [3/4, sqrt(3/4)], high step in
    [sqrt(0.75/0.61), 0.75/0.61]. Flat means within the digitisation scatter on either side (2 x 3 %).
    """
    c = comparisons["na64-prl129-2022-bl-unbroken"]
    below_2me = c.ratio[c.mass_mev < 0.05]
    mid = c.ratio[(c.mass_mev > 20) & (c.mass_mev < 150)]
    above_2mmu = c.ratio[c.mass_mev > 290]
    assert np.ptp(below_2me) < 2 * DIGITISATION and np.ptp(mid) < 2 * DIGITISATION
    low_step, high_step = np.median(below_2me) / np.median(mid), np.median(above_2mmu) / np.median(mid)
    assert 0.75 <= low_step <= math.sqrt(0.75)
    assert math.sqrt(0.75 / 0.61) <= high_step <= 0.75 / 0.61


def test_2019_residual_is_a_power_law_in_the_coupling(comparisons):
    """The whole 2019 trend is ln(ratio) linear in ln(eps_pub) (a log-axis calibration, docs/reproducing.md): a real
    trend (spread of ln ratio above 3 x the digitisation scatter), falling with the coupling, and after the power
    law only digitisation-level scatter (rms below 3 %)."""
    c = comparisons["na64-prl123-2019-dark-photon"]
    x, y = np.log(c.published), np.log(c.ratio)
    coef = np.polyfit(x, y, 1)
    rms = np.sqrt(np.mean((y - np.polyval(coef, x)) ** 2))
    assert np.std(y) > 3 * DIGITISATION and rms < DIGITISATION
    assert coef[0] < 0
