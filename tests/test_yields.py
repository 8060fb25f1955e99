"""Yields per EOT against production.md §4-6 and the papers' scaling statements."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from limits import constants as C
from limits.physics import annihilation
from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.widths import decay_widths
from limits.physics.yields import _tracks_per_gev, decay_factor, spectra, yield_per_eot


def yields(model, mass_gev, coupling, spectrum=False, **changes):
    """The yield per EOT in NA64's set-up with the cut on the true Z' energy (the physics notes' numbers), or as
    ``changes`` say (:class:`limits.physics.setup.Setup` attributes)."""
    return yield_per_eot(model, mass_gev, coupling, Setup(ecal_resolution=(0.0, 0.0)).replace(**changes),
                         spectrum=spectrum)

DP = get_model("dark-photon")
BL = get_model("bl-unbroken")


@pytest.mark.parametrize("mass_gev, target", [(1e-3, 1.93e-9), (1e-2, 1.10e-10)])
def test_bremsstrahlung_yield_per_eot(mass_gev, target):
    # production.md §5: eps = 1e-4, E0 = 100 GeV, E_Z' > 50 GeV, f_Pb = 0.987, e- and e+, +-3-4 %
    assert yields(DP, mass_gev, 1e-4).brem[0] == pytest.approx(target, rel=0.04)


def test_annihilation_constant_and_free_electron_numbers():
    # production.md §4.2: int sigma dE+ = 1.197e-24 g^2 Q_e^2 BR cm^2 GeV per electron (free, at rest)
    assert np.pi / (2 * C.M_E_GEV) * C.GEV2_TO_CM2 == pytest.approx(1.197e-24, rel=1e-3)
    e_edges, _, tau_pos = _tracks_per_gev(100.0, 50.0)
    free = annihilation.spectrum_per_ge2(np.array([0.24, 0.26]), e_edges, tau_pos, electron_model="free").sum(axis=1)
    assert free * (1e-4 * C.E_CHARGE) ** 2 == pytest.approx([3.2e-12, 1.6e-12], rel=0.05)  # §4.4


def test_annihilation_with_shells():
    y = yields(DP, [0.24, 0.26], 1e-4, electron_momenta="exponential")
    assert y.annihilation == pytest.approx([3.0e-12, 1.6e-12], rel=0.05)  # §4.4, DMG4 >= 2.4 electron motion
    y = yields(DP, [0.24, 0.26], 1e-4)  # Compton profiles: the same inside the window (detector.md §2: <= 3-4 %)
    assert y.annihilation == pytest.approx([3.0e-12, 1.6e-12], rel=0.05)


def test_annihilation_window():
    e_edges, _, tau_pos = _tracks_per_gev(100.0, 50.0)
    m = np.array([0.2200, 0.2270, 0.3190, 0.3210])
    free = annihilation.spectrum_per_ge2(m, e_edges, tau_pos, electron_model="free").sum(axis=1)
    assert free[0] == 0 and free[1] > 0 and free[2] > 0 and free[3] == 0  # 0.2261 <= m <= 0.3197 GeV
    narrow = dataclasses.replace(DP, dark=None)  # the window's edges from the electrons' motion alone (no width)
    peak = yields(narrow, 0.24, 1e-4).annihilation[0]
    smeared = yields(narrow, [0.20, 0.34, 0.17, 0.45], 1e-4, electron_momenta="exponential").annihilation
    assert smeared[0] > 0 and smeared[1] > 0  # shell motion extends the window
    assert np.all(smeared[2:] < 1e-3 * peak)  # nothing survives outside ~0.18-0.40 GeV
    compton = yields(narrow, [0.17, 0.45], 1e-4).annihilation  # Hartree-Fock momenta reach further below the window
    # the K shell's large momenta make the far tail; its flux factor 1/(m_e - B_K) is 21 % above a free electron's
    assert compton[0] > smeared[2] and np.all(compton < 1e-2 * peak)


def test_variant_scaling_x9_and_x6():
    # arXiv:2606.17320 Sec. I: B-3L_e / B-L invisible yield = 9 below 2 m_e, 6.0 for 2 m_e << m < 2 m_mu
    b3 = get_model("b-3le")
    for m, ratio in ((5e-4, 9.0), (0.05, 6.0)):
        g = 1e-3  # prompt decays at 50 MeV; invisible-only at 0.5 MeV
        assert yields(b3, m, g).total[0] / yields(BL, m, g).total[0] == pytest.approx(ratio, rel=0.003)


def test_decay_factor_limits():
    m = np.array([0.01, 0.01])
    g = np.array([1e-7, 1e-2])  # long-lived vs prompt
    p = decay_factor(BL, m, g, np.array([60.0]), 5.4)
    assert p[0, 0] == pytest.approx(1.0, abs=1e-3)
    assert p[1, 0] == pytest.approx(0.75, abs=2e-5)
    # intermediate: explicit Eq. 6 with L_Z' = (p/m) c tau
    g1 = 3e-6
    w = decay_widths(BL, 0.01, g1)
    lz = np.sqrt(60.0**2 - 0.01**2) / 0.01 * w.ctau_m
    expected = w.br_invisible + (1 - w.br_invisible) * np.exp(-5.4 / lz)
    assert decay_factor(BL, np.array([0.01]), np.array([g1]), np.array([60.0]), 5.4)[0, 0] == pytest.approx(expected)



def test_yield_sums_equal_the_spectrum_weighted_by_eq6():
    # the scan's yields sum BR_inv sum_E w + (1 - BR_inv) sum_E w exp(-L_det/L_Z') without the (points x energies)
    # P_inv matrix; the spectrum output (spectrum=True) still weights dN/dE by that matrix (PRL 129 Eq. 6) bin by bin:
    # the two must agree to rounding, prompt, long-lived and intermediate rows alike
    m = np.repeat([0.0008, 0.01, 0.15], 5)
    g = np.tile([1e-9, 1e-6, 3e-5, 1e-3, 1e-1], 3)
    y, edges, dn_de, _ = yield_per_eot(BL, m, g, spectrum=True)
    total = (dn_de * np.diff(edges)).sum(axis=1)
    assert np.all(y.total > 0)
    np.testing.assert_allclose(yield_per_eot(BL, m, g).total, total, rtol=1e-13)
    np.testing.assert_allclose(y.total, total, rtol=1e-13)

def test_yield_not_proportional_to_g2_when_long_lived():
    m = 0.01
    y1, y2 = yields(BL, m, 1e-6).total[0], yields(BL, m, 1e-4).total[0]
    assert y2 / y1 < 1e4 * 0.99  # visible decays are prompt at g = 1e-4 but not at 1e-6


def test_spectrum_integrates_to_total():
    y, edges, dn, _ = yields(BL, [0.001, 0.1], 1e-4, spectrum=True)
    assert (dn * np.diff(edges)).sum(axis=1) == pytest.approx(y.total, rel=1e-12)
    assert edges[0] == pytest.approx(50.0) and edges[-1] == pytest.approx(100.0)


def test_beam_energy_and_cut_configurable():
    lo = yields(DP, 0.01, 1e-4, ecut_gev=60.0).brem[0]
    hi = yields(DP, 0.01, 1e-4, ecut_gev=50.0).brem[0]
    assert lo < hi
    assert spectra(150.0, 50.0).e_edges_gev[-1] == pytest.approx(150.0)
