"""Issue 24: bound electrons in resonant annihilation. A shell's electrons have energy m_e - B_i: at p_z = 0 the
resonance sits at E_R = (m^2 - 2 m_e^2) / (2 (m_e - B_i)), and the Moller flux factor is 1/(m_e - B_i)."""

from __future__ import annotations

import numpy as np
import pytest

from limits import constants as C
from limits.physics.annihilation import spectrum_per_ge2
from limits.physics.compton import ComptonProfiles
from limits.physics.tables import load_compton


def _narrow_shell(binding_kev: float, width_au: float = 0.002) -> ComptonProfiles:
    """One shell of two electrons at rest up to width_au (a Gaussian J(p_z)), with binding energy ``binding_kev``."""
    p = np.linspace(0.0, 100.0, 200_001)
    return ComptonProfiles(("K",), np.array([2.0]), np.array([binding_kev]), p,
                           np.exp(-0.5 * (p / width_au) ** 2)[None, :])


@pytest.mark.parametrize("binding_kev", [0.0, 15.86, 88.0])  # free; lead's L1 and K edges (xraylib)
@pytest.mark.parametrize("mass_gev", [0.24, 0.28])
def test_the_resonance_of_a_shell_sits_where_its_kinematics_put_it(binding_kev, mass_gev):
    edges = np.arange(40.0, 140.0 + 1e-9, 0.05)
    tau = np.ones(edges.size - 1)  # a flat track length: the spectrum is the resonance itself
    spectrum = spectrum_per_ge2(np.array([mass_gev]), edges, tau, profiles=_narrow_shell(binding_kev))[0]
    centres = 0.5 * (edges[1:] + edges[:-1])
    e_m = C.M_E_GEV - binding_kev * 1e-6
    expected = (mass_gev**2 - 2 * C.M_E_GEV**2) / (2 * e_m)
    assert np.sum(spectrum * centres) / np.sum(spectrum) == pytest.approx(expected, abs=0.05)
    # its strength: 2 electrons x the flux factor 1/E_m, per unit track length (the module's norm divides out)
    free = spectrum_per_ge2(np.array([mass_gev]), edges, tau, profiles=_narrow_shell(0.0))[0]
    assert spectrum.sum() / free.sum() == pytest.approx(C.M_E_GEV / e_m, rel=1e-9)


def test_lead_k_and_l_shells_move_the_resonance_by_21_and_3_percent():
    """The issue's statement, from the shells' binding energies as shipped (xraylib EdgeEnergy)."""
    lead = load_compton()
    shift = {s: C.M_E_GEV / (C.M_E_GEV - b * 1e-6) - 1 for s, b in zip(lead.shells, lead.binding_kev)}
    assert shift["K"] == pytest.approx(0.21, abs=0.01)
    assert shift["L1"] == pytest.approx(0.032, abs=0.002)


def test_the_unbound_model_is_the_previous_default():
    lead = load_compton()
    edges = np.linspace(50.0, 100.0, 101)
    tau = np.linspace(2.0, 1.0, 100)
    masses = np.array([0.22, 0.25, 0.3])
    unbound = spectrum_per_ge2(masses, edges, tau, electron_model="compton-unbound", profiles=lead)
    bound = spectrum_per_ge2(masses, edges, tau, electron_model="compton", profiles=lead)
    zero = ComptonProfiles(lead.shells, lead.occupancy, np.zeros_like(lead.binding_kev), lead.p_au, lead.j_au)
    assert unbound == pytest.approx(spectrum_per_ge2(masses, edges, tau, electron_model="compton", profiles=zero),
                                    rel=1e-12)
    assert not np.allclose(bound, unbound, rtol=1e-3)
