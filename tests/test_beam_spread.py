"""Issue 24: the beam-energy spread as a run input. The cut on E_ECAL sees the spread in quadrature with the ECAL
resolution; checked against averaging folds made at other beam energies."""

from __future__ import annotations

import numpy as np
import pytest

from limits.errors import InputError
from limits.physics.detector import EcalResolution
from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.yields import yield_per_eot


def test_the_spread_adds_to_the_resolution_in_quadrature():
    setup = Setup(beam_energy_spread_gev=2.0)
    e = np.array([10.0, 50.0, 90.0])
    expected = np.sqrt(EcalResolution(0.10, 0.04).sigma_gev(e) ** 2 + 2.0**2)
    assert setup.cut_resolution.sigma_gev(e) == pytest.approx(expected, rel=1e-12)
    assert Setup(beam_energy_spread_gev=0.0).cut_resolution == setup.ecal_resolution
    with pytest.raises(InputError, match="beam_energy_spread_gev"):
        Setup(beam_energy_spread_gev=20.0)  # above 10 % of the beam energy
    with pytest.raises(InputError, match="ecal_resolution"):
        Setup(ecal_resolution=EcalResolution(0.1, 0.04, 1.0))


@pytest.mark.slow
def test_the_spread_equals_an_average_over_beam_energies():
    """A Gaussian spread sigma of the beam energy, with the threshold on E_ECAL fixed (50 GeV), equals the average of
    yields computed at beam energies E0 + sigma x_k (Gauss-Hermite, 5 nodes; each its own fold, cut at
    E_Z' > E0 + sigma x_k - 50) to first order in sigma/E0: measured within 1.1 % at 1 GeV, the most at the
    annihilation window's lower edge where the yield changes fastest with E0."""
    model = get_model("dark-photon")
    masses = np.array([0.05, 0.2, 0.215, 0.222, 0.23, 0.3])
    spread = 1.0
    direct = yield_per_eot(model, masses, 1e-4, Setup(beam_energy_spread_gev=spread)).total
    x, w = np.polynomial.hermite_e.hermegauss(5)
    w = w / w.sum()
    average = sum(wk * yield_per_eot(model, masses, 1e-4, Setup(beam_energy_gev=100.0 + spread * xk,
                                                                 ecut_gev=50.0 + spread * xk)).total
                  for xk, wk in zip(x, w))
    assert direct == pytest.approx(average, rel=0.015)
