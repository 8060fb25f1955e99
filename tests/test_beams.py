"""Issue 23: positron and muon beams. The positron beam's primary annihilation against its kinematics and Tsai's
primary track length; the muon beam's yield against the cross section along its path; the set-up's rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from limits import constants as C
from limits.errors import InputError
from limits.physics.brems import dsigma_dx, sigma_total
from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.tables import load_compton, load_shower
from limits.physics.yields import yield_per_eot

DARK_PHOTON = get_model("dark-photon")
A_U_GEV = C.ALPHA_EM * C.M_E_GEV  # one atomic unit of momentum


def _primary_per_gev(energy_gev: np.ndarray, e0_gev: float) -> np.ndarray:
    """The primary's differential track length at E, X0 per GeV: the shower table's input (validated against its
    own tests), bin by bin, so that what is tested here is the fold: where and how much the primary annihilates."""
    table = load_shower()
    index = np.clip(np.searchsorted(table.y_edges, np.asarray(energy_gev) / e0_gev) - 1, 0, table.y_edges.size - 2)
    return table.tracks["primary"][index] / e0_gev


def _primary_annihilation(mass_gev: float, beam: Setup) -> tuple[float, float]:
    """(yield per POT per unit g_e^2, mean E_Z') of the primary positron alone: the e+ beam minus the e- beam."""
    eps = 1e-4
    ge2 = (eps * C.E_CHARGE) ** 2
    plus, edges, dn_plus, _ = yield_per_eot(DARK_PHOTON, mass_gev, eps, beam.replace(beam_particle="e+"),
                                            spectrum=True)
    minus, _, dn_minus, _ = yield_per_eot(DARK_PHOTON, mass_gev, eps, beam, spectrum=True)
    centres = 0.5 * (edges[1:] + edges[:-1])
    diff = (dn_plus - dn_minus)[0] * np.diff(edges)  # events per POT in each bin (the dark photon decays invisibly)
    return float(plus.annihilation[0] - minus.annihilation[0]) / ge2, float(np.sum(diff * centres) / np.sum(diff))


def _kinematic_prefactor(mass_gev: float) -> float:
    """f_Pb n_Pb X0 (hbar c)^2 (pi/2)(1 + 2 r_e) beta_e: int sigma dE+ per target electron times the target, per
    unit g_e^2 (arXiv:2606.17320 Eq. A1 in the narrow-width limit), atoms/cm^2/X0 x cm^2 x GeV."""
    r = (C.M_E_GEV / mass_gev) ** 2
    return (C.ECAL_PB_FRACTION * C.PB_ATOMS_PER_CM2_PER_X0 * C.GEV2_TO_CM2 * 0.5 * math.pi * (1 + 2 * r)
            * math.sqrt(1 - 4 * r))


@pytest.mark.parametrize("mass_gev", [0.24, 0.27, 0.30])
def test_positron_primary_annihilates_at_the_resonant_energy(mass_gev):
    """Free electrons at rest: the primary positron makes a Z' only at E+ = (m^2 - 2 m_e^2)/(2 m_e); the yield is
    the resonance integral times Z electrons per atom times the primary's track length there."""
    beam = Setup(electron_momenta="free", ecal_resolution=(0.0, 0.0))
    e_res = (mass_gev**2 - 2 * C.M_E_GEV**2) / (2 * C.M_E_GEV)
    ours, mean = _primary_annihilation(mass_gev, beam)
    expected = _kinematic_prefactor(mass_gev) * C.PB_Z * _primary_per_gev(np.array([e_res]), 100.0)[0] / C.M_E_GEV
    # the annihilation spectrum is tabulated on masses 0.25 MeV apart and interpolated linearly: E_R moves by ~0.13 GeV
    # per node, so near a track-length bin edge the yield mixes two of the table's 0.5 GeV bins (1-2 % apart here)
    assert ours == pytest.approx(expected, rel=0.02)
    assert mean == pytest.approx(e_res, abs=0.5 * 100.0 / 180 + 1e-9)  # inside the shower table's bin (E0/200 wide)


def test_positron_primary_with_bound_electrons_follows_the_compton_profiles():
    """Bound electrons (impulse approximation, w = m_e - B_i - p_z): the resonance spreads to E_R(p_z) =
    (m^2 - 2 m_e^2) / (2 (m_e - B_i - p_z)); yield and mean energy recomputed here by integrating over p_z with each
    shell's profile and binding energy (the module bins cumulative profiles instead)."""
    mass_gev = 0.27
    beam = Setup(ecal_resolution=(0.0, 0.0))  # compton
    ours, mean = _primary_annihilation(mass_gev, beam)
    prof = load_compton()
    p_half = prof.p_au * A_U_GEV
    p = np.concatenate([-p_half[:0:-1], p_half])  # p_z from -p_max to p_max
    j = np.concatenate([prof.j_au[:, :0:-1], prof.j_au], axis=1) / A_U_GEV  # per GeV, per electron
    j = j / np.trapezoid(j, p, axis=1)[:, None]  # each shell's profile normalised to one electron
    e_m = C.M_E_GEV - prof.binding_kev[:, None] * 1e-6  # each shell's bound-electron energy (issue 24)
    e_r = (mass_gev**2 - 2 * C.M_E_GEV**2) / (2 * (e_m - p[None, :]))  # (shells, p_z)
    inside = (e_r > 50.0) & (e_r < 100.0)  # the cut (no resolution) and the beam energy
    tau = np.zeros_like(e_r)
    tau[inside] = _primary_per_gev(e_r[inside], 100.0)
    shell_weight = prof.occupancy[:, None] * j * tau / e_m  # Moller flux 1/E_m per shell
    weight, e_r = shell_weight.sum(axis=0), (shell_weight * e_r).sum(axis=0) / np.maximum(shell_weight.sum(axis=0),
                                                                                            1e-300)
    expected = _kinematic_prefactor(mass_gev) * np.trapezoid(weight, p)
    expected_mean = np.trapezoid(weight * e_r, p) / np.trapezoid(weight, p)
    assert ours == pytest.approx(expected, rel=0.01)
    assert mean == pytest.approx(expected_mean, rel=0.005)
    # bound electrons spread the line: its width (relative) is that of p_z/m_e, wider than the free line's one bin
    free_bin_width = 100.0 / 180
    spread = math.sqrt(np.trapezoid(weight * (e_r - expected_mean) ** 2, p) / np.trapezoid(weight, p))
    assert spread > 3 * free_bin_width


@pytest.mark.parametrize("mass_gev", [0.001, 0.03, 0.2])
def test_muon_yield_is_the_cross_section_along_the_path(mass_gev):
    """A muon does not shower: its Z' yield per MOT is sigma(E_Z' > E_cut) at the beam energy times the lead atoms
    along the target (f_Pb n_Pb X0 per X0 of depth); the coupling is the muon's, g Q_mu."""
    setup = Setup(beam_particle="mu+", beam_energy_gev=160.0, ecut_gev=80.0, annihilation=False,
                  ecal_resolution=(0.0, 0.0), target_depth_x0=40.0)
    g = 1e-4
    lmu = get_model("lmu-ltau")
    y = yield_per_eot(lmu, mass_gev, g, setup)
    g_mu = float(lmu.fermion_coupling("mu", g, mass_gev))
    # cm^2 at coupling e (quadrature orders converged to 4e-6, well inside the tolerance)
    sigma = sigma_total(mass_gev, 160.0, 0.5, m_lepton=C.M_MU_GEV, n_x=12, n_theta=20, n_t=10) * C.GEV2_TO_CM2
    expected = C.ECAL_PB_FRACTION * C.PB_ATOMS_PER_CM2_PER_X0 * 40.0 * sigma * g_mu**2 / (4 * math.pi * C.ALPHA_EM)
    assert y.brem[0] == pytest.approx(expected, rel=1e-3)  # the mass nodes' spline and the energy bins
    assert y.annihilation[0] == 0.0
    # twice the depth, twice the yield; an electron beam's production goes with g_e, not g_mu
    deeper = yield_per_eot(lmu, mass_gev, g, setup.replace(target_depth_x0=80.0))
    assert deeper.brem[0] == pytest.approx(2 * y.brem[0], rel=1e-12)


def test_setups_refuse_what_the_beam_cannot_do():
    with pytest.raises(InputError, match="annihilation"):
        Setup(beam_particle="mu+", beam_energy_gev=160.0, ecut_gev=80.0)
    with pytest.raises(InputError, match="target_depth_x0"):
        Setup(beam_particle="e+", target_depth_x0=20.0)
    with pytest.raises(InputError, match="beam_energy_gev"):
        Setup(beam_particle="mu+", beam_energy_gev=500.0, ecut_gev=80.0, annihilation=False)
    assert Setup(beam_particle="mu-", beam_energy_gev=160.0, ecut_gev=80.0, annihilation=False).lepton == "mu"
    assert Setup(beam_particle="e+").lepton == "e"


@pytest.mark.slow  # integration run by .ci/run; the default suite stays near 2 min
def test_the_new_analyses_and_beams_from_the_command_line(run_cli, tmp_path):
    """Issue 23 acceptance: the muon and positron analyses scan from the CLI (and Python) like the electron ones;
    `limits yields --beam` gives a muon beam's yield, annihilation off by default there, refused if asked for."""
    import json

    import limits

    for analysis, model in (("na64mu-2022", "lmu-ltau"), ("na64pos-2022", "dark-photon"),
                            ("na64pos-2023", "dark-photon")):
        code, out, err = run_cli("scan", "--analysis", analysis, "--model", model, "--masses", "250",
                                 "--format", "json", "--out", str(tmp_path / analysis))
        assert code == 0, err
        doc = json.loads(out)
        assert doc["analysis"] == analysis and [p["status"] for p in doc["points"]] == ["ok"]
        if analysis == "na64mu-2022":  # the same from Python (one is enough: the CLI makes one library call)
            assert limits.scan(analysis, model, mass_mev=[250]).g_obs.tolist() == [doc["points"][0]["g_obs"]]
    code, out, err = run_cli("yields", "--beam", "mu+", "--beam-energy-gev", "160", "--ecut-gev", "80",
                             "--model", "lmu-ltau", "--masses", "10", "--format", "json")
    assert code == 0 and json.loads(out)[0]["yield_annihilation_per_eot"] == 0.0
    code, _, err = run_cli("yields", "--beam", "mu+", "--beam-energy-gev", "160", "--ecut-gev", "80",
                           "--annihilation")
    assert code == 2 and err.startswith("limits: error: --annihilation") and err.count("\n") == 1


@pytest.mark.parametrize("x", [0.1, 0.3, 0.5, 0.7, 0.9, 0.95])
def test_a_light_z_prime_from_a_muon_is_the_muons_bremsstrahlung(x):
    """Independent check of the muon-beam cross section: for m_Z' << m_mu the Z' (coupling e) is radiated as a photon,
    so d sigma/dx must equal the muon bremsstrahlung of Kelner, Kokoulin and Petrukhin (Phys. At. Nucl. 60 (1997)
    576; the formula of Geant4's G4MuBremsstrahlungModel and of the PDG muon energy-loss tables), written out here:

        d sigma/dv = (16/3) alpha (r_e m_e/m_mu)^2 (1/v) Z (Z Phi_n + Phi_e) (1 - v + 3 v^2/4),

    with its nuclear (Phi_n: screening B = 183, nuclear size D_n = 1.54 A^0.27) and atomic-electron (Phi_e, B' = 1429)
    terms. The two calculations share no code and model the nucleus differently (Tsai's form factors vs KKP's D_n,
    which matters at large v, i.e. large momentum transfer): measured 0.4-2.4 % apart, tolerance 3 %."""
    energy, z, a = 160.0, C.PB_Z, C.PB_A_G_PER_MOL
    me, mmu = C.M_E_GEV, C.M_MU_GEV
    r_e_cm = 2.8179403262e-13  # classical electron radius, CODATA 2018
    sqrt_e = math.sqrt(math.e)
    b, b_prime = 183.0, 1429.0
    d_n = (1.54 * a**0.27) ** (1.0 - 1.0 / z)
    delta = mmu**2 * x / (2.0 * energy * (1.0 - x))  # minimal momentum transfer
    phi_n = max(0.0, math.log(b * z ** (-1 / 3) * (mmu + delta * (d_n * sqrt_e - 2.0))
                              / (d_n * (me + delta * sqrt_e * b * z ** (-1 / 3)))))
    screening_e = (1.0 + delta * mmu / (me**2 * sqrt_e)) * (me + delta * sqrt_e * b_prime * z ** (-2 / 3))
    phi_e = max(0.0, math.log(b_prime * z ** (-2 / 3) * mmu / screening_e)
                - math.log(1.0 + me / (delta * b * z ** (-1 / 3) * sqrt_e)))
    kkp = (16.0 / 3.0 * C.ALPHA_EM * (r_e_cm * me / mmu) ** 2 / x * z * (z * phi_n + phi_e)
           * (1.0 - x + 0.75 * x * x))
    ours = float(dsigma_dx(1e-5, energy, [x], m_lepton=mmu)[0]) * C.GEV2_TO_CM2  # a 10 keV Z', coupling e
    assert ours == pytest.approx(kkp, rel=0.03)
