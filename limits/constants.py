"""Physical constants, particle properties and material data: the one place they live.

Every number carries its unit in its name and its source in the comment beside it. Masses and widths are in
GeV unless the name says otherwise. Differences between the values used by other codes (DarkCast, DeLiVeR, DMG4)
are below 3e-5 relative and irrelevant here.

Sources
-------
- [CODATA18] E. Tiesinga et al., CODATA 2018, Rev. Mod. Phys. 93, 025010 (2021).
- [PDG24] S. Navas et al. (Particle Data Group), Phys. Rev. D 110, 030001 (2024), Summary Tables.
- [SND03] M. N. Achasov et al. (SND), Phys. Rev. D 68, 052006 (2003), e+e- -> pi+pi-pi0 below 1.4 GeV:
  relative phase of the omega and phi amplitudes.
- [PDG-mat] PDG "Atomic and nuclear properties of materials": lead.
- [NA64-22] NA64, PRL 129, 161801 (2022): the 100 GeV electron beam and the signal box E_ECAL < 50 GeV.
- [NA64-26] NA64, arXiv:2606.17320 (2026), detector section (ECAL and HCAL geometry).
- [XDB] A. C. Thompson et al., X-ray Data Booklet, LBNL (https://xdb.lbl.gov), Table 1-1: electron binding energies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# --- units: masses are MeV at the interfaces (CLI, files, the API's mass_mev), GeV inside the physics ------------
GEV_PER_MEV = 1e-3  # by definition
MEV_PER_GEV = 1e3  # by definition

# --- fundamental ------------------------------------------------------------------------------------------------
ALPHA_EM = 1.0 / 137.035999084  # fine-structure constant at q^2 = 0 [CODATA18]
E_CHARGE = math.sqrt(4.0 * math.pi * ALPHA_EM)  # elementary charge in natural units, e = sqrt(4 pi alpha) = 0.30282
HBARC_M_GEV = 1.973269804e-16  # hbar*c in m*GeV [CODATA18]
GEV2_TO_PB = 3.893793721e8  # 1 GeV^-2 = 0.3893794 mb = 3.893794e8 pb [PDG24, "Physical constants"]
GEV2_TO_CM2 = 3.893793721e-28  # 1 GeV^-2 in cm^2 [PDG24]
AVOGADRO_PER_MOL = 6.02214076e23  # [CODATA18]

# --- leptons [PDG24] --------------------------------------------------------------------------------------------
M_E_GEV = 0.51099895000e-3
M_MU_GEV = 0.1056583755
M_TAU_GEV = 1.77686

LEPTON_MASS_GEV = {"e": M_E_GEV, "mu": M_MU_GEV, "tau": M_TAU_GEV}
# electric charges (units of e) of the fermions the Z' couples to: what kinetic mixing adds, epsilon e Q_em
EM_CHARGE = {"e": -1.0, "mu": -1.0, "tau": -1.0, "u": 2.0 / 3.0, "d": -1.0 / 3.0, "s": -1.0 / 3.0}

# --- light hadrons [PDG24] --------------------------------------------------------------------------------------
M_PI0_GEV = 0.1349768
M_PIPM_GEV = 0.13957039
M_KPM_GEV = 0.493677
M_K0_GEV = 0.497611
M_ETA_GEV = 0.547862
M_PROTON_GEV = 0.93827208816
M_NEUTRON_GEV = 0.9395654205
# the nucleon mass m_N = (m_p + m_n)/2 = 0.938919 GeV: the target particle of a fixed-target centre-of-mass energy
M_NUCLEON_GEV = 0.5 * (M_PROTON_GEV + M_NEUTRON_GEV)
MU_PROTON = 2.7928473446  # proton magnetic moment in nuclear magnetons


@dataclass(frozen=True)
class VectorMeson:
    """A light vector meson as it enters vector-meson dominance (VMD).

    Attributes:
        name: "rho", "omega" or "phi".
        mass_gev: pole mass in GeV.
        width_gev: total width in GeV.
        br_ee: branching fraction Gamma(V -> e+e-)/Gamma.
        br: hadronic branching fractions by channel name (see ``limits.physics.hadrons.CHANNELS``);
            whatever is missing to 1 (besides e+e-) is carried as "other" with a constant partial width.
        source: where the numbers come from.
    """

    name: str
    mass_gev: float
    width_gev: float
    br_ee: float
    br: dict[str, float]
    source: str


# Vector-meson parameters [PDG24 Summary Tables]. Channels: "3pi" = pi+ pi- pi0, "pi0gamma", "etagamma",
# "pipi" = pi+ pi-, "KK" = K+ K-, "K0K0" = K_S K_L.
RHO = VectorMeson(
    name="rho",
    mass_gev=0.77526,
    width_gev=0.1491,
    br_ee=4.72e-5,
    br={"pipi": 0.9988, "pi0gamma": 4.7e-4, "etagamma": 3.0e-4},
    source="PDG 2024 rho(770): m = 775.26 MeV, Gamma = 149.1 MeV, Gamma_ee/Gamma = 4.72e-5",
)
OMEGA = VectorMeson(
    name="omega",
    mass_gev=0.78266,
    width_gev=0.00868,
    br_ee=7.38e-5,
    br={"3pi": 0.892, "pi0gamma": 0.0833, "pipi": 0.0153, "etagamma": 4.5e-4},
    source="PDG 2024 omega(782): m = 782.66 MeV, Gamma = 8.68 MeV, Gamma_ee/Gamma = 7.38e-5",
)
PHI = VectorMeson(
    name="phi",
    mass_gev=1.019461,
    width_gev=0.004249,
    br_ee=2.979e-4,
    br={"KK": 0.491, "K0K0": 0.339, "3pi": 0.1524, "etagamma": 0.01303, "pi0gamma": 1.32e-3},
    source="PDG 2024 phi(1020): m = 1019.461 MeV, Gamma = 4.249 MeV, Gamma_ee/Gamma = 2.979e-4",
)
VECTOR_MESONS = {v.name: v for v in (RHO, OMEGA, PHI)}

# Relative phase (radians) of the phi amplitude with respect to the omega amplitude in e+e- -> F for the photon
# current. 3pi: 163 deg from the SND fit [SND03]. Other shared channels (pi0 gamma, eta gamma): 180 deg, the
# quark-model sign of ideal mixing; these channels are percent-level and the choice only matters between the peaks.
OMEGA_PHI_PHASE_RAD = {"3pi": math.radians(163.0), "pi0gamma": math.pi, "etagamma": math.pi}

# --- lead and the NA64 ECAL -------------------------------------------------------------------------------------
PB_Z = 82
PB_A_G_PER_MOL = 207.2  # [PDG-mat]
PB_DENSITY_G_CM3 = 11.35  # [PDG-mat]
PB_X0_G_CM2 = 6.37  # radiation length [PDG-mat]
PB_X0_CM = PB_X0_G_CM2 / PB_DENSITY_G_CM3  # 0.5612 cm
PB_ATOMS_PER_CM3 = AVOGADRO_PER_MOL * PB_DENSITY_G_CM3 / PB_A_G_PER_MOL  # 3.299e22 cm^-3
PB_ATOMS_PER_CM2_PER_X0 = PB_ATOMS_PER_CM3 * PB_X0_CM  # 1.851e22 atoms/cm^2 per X0
PB_NUCLEUS_MASS_GEV = 0.9315 * PB_A_G_PER_MOL  # ~193 GeV, atomic mass unit times A
# Share of the ECAL radiation length supplied by lead: 150 layers of 1.5 mm Pb + 1.5 mm Sc [NA64-26];
# per layer 0.15 cm / 0.5612 cm = 0.2673 X0 of Pb vs 0.15 cm / ~41 cm = 0.0036 X0 of Sc (X0 values [PDG-mat]).
ECAL_PB_FRACTION = 0.987
ECAL_DEPTH_X0 = 40.0  # 150 x (0.15 cm / 0.5612 cm) = 40.1 X0 of lead [NA64-26]; the shower table's depth
ECAL_PB_LAYER_CM = 0.15  # [NA64-26]: 150 layers of 1.5 mm Pb and 1.5 mm Sc
ECAL_SC_LAYER_CM = 0.15  # [NA64-26]
SC_DENSITY_G_CM3 = 1.05  # polystyrene scintillator [PDG-mat]
SC_Z_OVER_A = 0.53768  # polystyrene (C8H8)n, <Z/A> [PDG-mat]
# Scintillator electrons per lead atom of the sandwich: 10.3 (layer thicknesses [NA64-26], density and Z/A [PDG-mat])
SC_ELECTRONS_PER_PB_ATOM = (ECAL_SC_LAYER_CM * SC_DENSITY_G_CM3 * SC_Z_OVER_A * AVOGADRO_PER_MOL
                            / (ECAL_PB_LAYER_CM * PB_ATOMS_PER_CM3))

# --- the NA64 electron-beam set-up: the defaults of limits.physics.setup.Setup (the analyses take every value from
# their run inputs, limits/data/runs.yaml, each with status and source) ---------------------------------------------
NA64_BEAM_ENERGY_GEV = 100.0  # H4 electron beam [NA64-22]
NA64_ECUT_GEV = 50.0  # signal box E_ECAL < 50 GeV = E0 - E_cut, i.e. E_Z' > 50 GeV [NA64-22]
# Length beyond which a visible Z' decay counts as invisible in PRL 129 Eq. 6: ECAL (47 cm) plus three HCAL modules
# along the beam (3 x 163 cm) [NA64-26], rounded up to 5.4 m for the gaps.
L_DETECTOR_DEFAULT_M = 5.4
# ECAL energy resolution sigma_E/E = a/sqrt(E[GeV]) (+) b, "approximately 10 %/sqrt(E) (+) 4 %" [NA64-26]
ECAL_RESOLUTION_STOCHASTIC_SQRT_GEV = 0.10
ECAL_RESOLUTION_CONSTANT = 0.04

# Lead atomic shells: (name, binding energy in keV, occupancy), K to P. Binding energies [XDB], rounded (K to O5;
# the 6s, 6p levels P1, P2 are a few eV); occupancies sum to Z = 82.
PB_SHELLS_KEV = (
    ("K", 88.0, 2),
    ("L1", 15.86, 2), ("L2", 15.20, 2), ("L3", 13.04, 4),
    ("M1", 3.85, 2), ("M2", 3.55, 2), ("M3", 3.07, 4), ("M4", 2.59, 4), ("M5", 2.48, 6),
    ("N1", 0.89, 2), ("N2", 0.76, 2), ("N3", 0.64, 4), ("N4", 0.44, 4), ("N5", 0.41, 6), ("N6", 0.14, 6),
    ("N7", 0.14, 8),
    ("O1", 0.14, 2), ("O2", 0.10, 2), ("O3", 0.08, 4), ("O4", 0.02, 4), ("O5", 0.02, 6),
    ("P1", 0.007, 2), ("P2", 0.004, 2),
)
