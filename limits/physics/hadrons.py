"""Hadronic Z' decays below ~1.2 GeV: DarkCast's data-driven R ratios (the widths), and our own vector-meson dominance
(VMD) with rho, omega, phi (per channel, for comparison).

**The widths** (:func:`r_ratio_data`, used by :mod:`limits.physics.widths`) follow the e+e- data as DarkCast does
(Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, arXiv:1801.04847, Eqs. 2.17-2.18): R_F of every final state split
into the rho, omega and phi currents and the omega-phi interference, fitted to data with the excited vector mesons and
the continuum; for a current with overlaps c_V (below),

    R(m) = c_rho^2 R_rho(m) + c_omega^2 R_omega(m) + c_phi^2 R_phi(m) - 2 c_omega c_phi R_omega_phi(m),

R_V summed over final states, tabulated in ``limits/data/hadrons_darkcast_r.csv`` (their grids, with provenance; the
minus sign: DarkCast's phi generator has the opposite sign to our c_phi). Before issue 24 the widths used the VMD
below, which lacks the rho', omega', 4 pi and the K K-bar continuum and fell to x0.35-0.94 of DarkCast at 0.8-1.1 GeV.

**VMD** (:func:`r_ratio`, per channel):

The Z' current with quark charges (Q_u, Q_d, Q_s) is projected onto the rho, omega and phi (ideal mixing). Relative to
the photon current the overlaps are (as DarkCast: Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, arXiv:1801.04847)

    c_rho = Q_u - Q_d,     c_omega = 3 (Q_u + Q_d),     c_phi = -3 Q_s,

so a dark photon has c = (1, 1, 1) and B-L (all Q_q = 1/3) has (0, 2, -1): no rho, the omega rate x4, the phi rate x1
and the omega-phi interference with the opposite sign.

Each meson V contributes to the e+e- -> F ratio R^F = sigma(e+e- -> F)/sigma(e+e- -> mu+mu-) the amplitude

    a_V^F(s) = sqrt[(9/alpha^2) m_V^3 Gamma_ee Gamma_F(s) / sqrt(s)] / (m_V^2 - s - i sqrt(s) Gamma_V(s)),

whose square at the pole is the narrow-resonance value (9/alpha^2) BR(V -> ee) BR(V -> F) (PDG inputs in
:mod:`limits.constants`). The energy dependence of the partial widths Gamma_F(s) follows the channel's dynamics:
k^3 for P gamma, p^3/s for P-wave P Pbar, and the three-body phase space with the V -> 3pi matrix element
|p+ x p-|^2 for 3pi. For a current with weights c_V,

    R^F(s) = | sum_V c_V a_V^F(s) exp(i psi_V^F) |^2,

with the relative phases psi of ``limits.constants``; then Gamma_had = (g^2 m / 12 pi) sum_F R^F(m) for a Z' of
coupling g (the dark-photon convention g = eps e gives Gamma_F = eps^2 alpha m R^F / 3).

Accuracy: on the omega and phi peaks the result is the PDG narrow-resonance value by construction (10-20 % level
once interference and the energy-dependent widths are counted); off the peaks the tails are model dependent, which is
harmless for branching fractions (they are percent-level there). Not included: 4pi and the rho', omega', phi'
excitations, so the dark-photon hadronic width is underestimated above ~1 GeV. Valid up to 1.2 GeV.
"""

from __future__ import annotations

import hashlib
import inspect

import numpy as np

from limits import constants as C
from limits.frozen import frozen_cache
from limits.io.cache import cache_key, load_arrays, save_arrays

__all__ = ["CHANNELS", "current_weights", "r_ratio", "r_ratio_data", "r_ratio_total"]

#: Hadronic final states and the particle masses (GeV) of each.
CHANNELS: dict[str, tuple[float, ...]] = {
    "3pi": (C.M_PIPM_GEV, C.M_PIPM_GEV, C.M_PI0_GEV),
    "pi0gamma": (C.M_PI0_GEV,),
    "etagamma": (C.M_ETA_GEV,),
    "pipi": (C.M_PIPM_GEV, C.M_PIPM_GEV),
    "KK": (C.M_KPM_GEV, C.M_KPM_GEV),
    "K0K0": (C.M_K0_GEV, C.M_K0_GEV),
}

# Relative phase of each meson's amplitude per channel (radians), w.r.t. the first meson feeding the channel.
# pipi: the rho-omega mixing term delta*BW_rho*BW_omega of the pion form factor, arg(delta) ~ 12 deg (CMD-2/KLOE fits),
# taken at the omega pole where arg BW_rho = 96 deg: the omega amplitude leads the rho one by ~108 deg.
_PHASES: dict[str, dict[str, float]] = {
    "pipi": {"rho": 0.0, "omega": np.radians(108.0)},
    **{ch: {"omega": 0.0, "phi": ph} for ch, ph in C.OMEGA_PHI_PHASE_RAD.items()},
}


def current_weights(q_u: float, q_d: float, q_s: float) -> dict[str, float]:
    """Overlap of a vector current with quark charges (Q_u, Q_d, Q_s) with rho, omega, phi, relative to the photon.

    Ideal mixing: T_rho = diag(1, -1, 0)/2, T_omega = diag(1, 1, 0)/2, T_phi = diag(0, 0, 1)/sqrt(2); the photon has
    Tr(Q T) = 1/2, 1/6, -1/(3 sqrt 2) (DarkCast, arXiv:1801.04847).
    """
    return {"rho": q_u - q_d, "omega": 3.0 * (q_u + q_d), "phi": -3.0 * q_s}


def _two_body_momentum(sqrt_s: np.ndarray, m1: float, m2: float) -> np.ndarray:
    """Momentum (GeV) of either daughter in a two-body decay at rest of invariant mass sqrt_s (GeV).

    Zero below threshold.
    """
    s = sqrt_s**2
    lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
    return np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * np.maximum(sqrt_s, 1e-30))


@frozen_cache(1)
def _three_pion_table() -> tuple[np.ndarray, np.ndarray]:
    """Tabulate the V -> pi+ pi- pi0 phase-space factor (1/M) * Dalitz integral of |p+ x p-|^2, in GeV^7.

    |M|^2 of V -> 3pi summed over polarisations is proportional to M^2 |p+ x p-|^2 in the V rest frame
    (the epsilon-tensor coupling of a vector to three pseudoscalars), and dGamma = |M|^2 ds1 ds2 /(256 pi^3 M^3).
    """
    mp, m0 = C.M_PIPM_GEV, C.M_PI0_GEV
    masses = np.linspace(2 * mp + m0 + 1e-6, 1.35, 400)
    n = 240
    # ~0.13 s at every start-up otherwise: kept on disk, keyed by the pion masses, the grid and this code
    key = cache_key("three_pion", {"mp": mp, "m0": m0, "n": n, "masses": [masses[0], masses[-1], masses.size],
                                   "code": hashlib.sha256(inspect.getsource(_three_pion_table).encode()).hexdigest()})
    cached = load_arrays(key)
    if cached is not None:
        return cached["masses"], cached["values"]
    values = np.zeros_like(masses)
    for i, big_m in enumerate(masses):
        # s1 = m^2(pi+ pi0), s2 = m^2(pi- pi0); midpoint grid over the enclosing rectangle, Dalitz region masked.
        lo, hi = (mp + m0) ** 2, (big_m - mp) ** 2
        edges = np.linspace(lo, hi, n + 1)
        mid = 0.5 * (edges[1:] + edges[:-1])
        s1, s2 = np.meshgrid(mid, mid, indexing="ij")
        e_minus = (big_m**2 + mp**2 - s1) / (2 * big_m)  # pi- energy recoils against (pi+ pi0)
        e_plus = (big_m**2 + mp**2 - s2) / (2 * big_m)
        s12 = big_m**2 + 2 * mp**2 + m0**2 - s1 - s2  # m^2(pi+ pi-)
        p_plus2 = e_plus**2 - mp**2
        p_minus2 = e_minus**2 - mp**2
        dot = e_plus * e_minus - 0.5 * (s12 - 2 * mp**2)  # p+ . p- (3-vectors)
        cross2 = p_plus2 * p_minus2 - dot**2
        inside = (cross2 > 0) & (p_plus2 > 0) & (p_minus2 > 0)
        values[i] = np.sum(np.where(inside, cross2, 0.0)) * (edges[1] - edges[0]) ** 2 / big_m
    save_arrays(key, {"masses": masses, "values": values})
    return masses, values


def _dynamics(channel: str, sqrt_s: np.ndarray) -> np.ndarray:
    """Energy dependence of a partial width Gamma_F(s) up to a constant (arbitrary units, 0 below threshold)."""
    m = CHANNELS[channel]
    if channel == "3pi":
        grid, values = _three_pion_table()
        return np.interp(sqrt_s, grid, values, left=0.0, right=values[-1])
    if len(m) == 1:  # P gamma, magnetic-dipole transition: k^3
        k = np.clip((sqrt_s**2 - m[0] ** 2) / (2.0 * np.maximum(sqrt_s, 1e-30)), 0.0, None)
        return k**3
    p = _two_body_momentum(sqrt_s, m[0], m[1])  # P-wave pseudoscalar pair: p^3/s
    return p**3 / np.maximum(sqrt_s, 1e-30) ** 2


def _partial_width(meson: C.VectorMeson, channel: str, sqrt_s: np.ndarray) -> np.ndarray:
    """Energy-dependent partial width Gamma(V -> F) at invariant mass sqrt_s (GeV), normalised to PDG at the pole."""
    pole = _dynamics(channel, np.asarray([meson.mass_gev]))[0]
    return meson.width_gev * meson.br[channel] * _dynamics(channel, sqrt_s) / pole


def _total_width(meson: C.VectorMeson, sqrt_s: np.ndarray) -> np.ndarray:
    """Energy-dependent total width of V (GeV); the unlisted remainder of the decays keeps its pole value."""
    rest = 1.0 - sum(meson.br.values())
    total = np.full_like(sqrt_s, meson.width_gev * rest)
    for channel in meson.br:
        total = total + _partial_width(meson, channel, sqrt_s)
    return total


def _amplitude(meson: C.VectorMeson, channel: str, sqrt_s: np.ndarray) -> np.ndarray:
    """Photon-normalised complex amplitude a_V^F(s) with |a_V^F|^2 = R contribution of V to e+e- -> F."""
    s = sqrt_s**2
    m = meson.mass_gev
    gamma_ee = meson.width_gev * meson.br_ee
    numerator = np.sqrt(9.0 / C.ALPHA_EM**2 * m**3 * gamma_ee * _partial_width(meson, channel, sqrt_s) / sqrt_s)
    return numerator / (m**2 - s - 1j * sqrt_s * _total_width(meson, sqrt_s))


def r_ratio(sqrt_s_gev, weights: dict[str, float]) -> dict[str, np.ndarray]:
    """R^F(sqrt s) per hadronic channel for a vector current with photon-relative meson weights.

    Args:
        sqrt_s_gev: invariant mass(es) in GeV (for a Z' decay, its mass).
        weights: ``{"rho": c_rho, "omega": c_omega, "phi": c_phi}``, e.g. from :func:`current_weights`.

    Returns:
        Mapping channel -> R^F (dimensionless), same shape as ``sqrt_s_gev``.
    """
    sqrt_s = np.atleast_1d(np.asarray(sqrt_s_gev, dtype=float))
    shape = np.shape(sqrt_s_gev)
    out = {}
    for channel in CHANNELS:
        amp = np.zeros(sqrt_s.shape, dtype=complex)
        for meson in C.VECTOR_MESONS.values():
            c = weights.get(meson.name, 0.0)
            if c == 0.0 or channel not in meson.br:
                continue
            phase = _PHASES.get(channel, {}).get(meson.name, 0.0)
            amp = amp + c * np.exp(1j * phase) * _amplitude(meson, channel, sqrt_s)
        out[channel] = (np.abs(amp) ** 2).reshape(shape)
    return out


def r_ratio_total(sqrt_s_gev, weights: dict[str, float]) -> np.ndarray:
    """Sum over channels of :func:`r_ratio` (dimensionless)."""
    return np.asarray(sum(r_ratio(sqrt_s_gev, weights).values()))


@frozen_cache(1)
def _darkcast_table() -> np.ndarray:
    """The summed R ratios per meson combination: columns mass_gev, r_rho, r_omega, r_phi, r_omega_phi."""
    from importlib import resources

    text = resources.files("limits.data").joinpath("hadrons_darkcast_r.csv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")][1:]  # after the header
    return np.array([[float(v) for v in row.split(",")] for row in rows])


def r_ratio_data(sqrt_s_gev, weights: dict[str, float]) -> np.ndarray:
    """The hadronic R ratio of a current with overlaps ``weights`` (:func:`current_weights`) from DarkCast's
    data-driven fits (module docstring), linear between the table's 0.5 MeV nodes, 0 below 0.14 GeV (no hadronic
    final state), the edge value above 1.25 GeV (beyond the package's mass range). Dimensionless.

    Example:
        >>> photon = current_weights(2 / 3, -1 / 3, -1 / 3)
        >>> round(float(r_ratio_data(0.7753, photon)), 1)  # the rho peak: pi pi's beta^3 |F_pi|^2/4 ~ 9, and more
        12.2
    """
    table = _darkcast_table()
    m = np.asarray(sqrt_s_gev, dtype=float)

    def column(k: int) -> np.ndarray:
        return np.interp(m, table[:, 0], table[:, k], left=0.0)

    c_rho, c_omega, c_phi = weights["rho"], weights["omega"], weights["phi"]
    return np.asarray(c_rho**2 * column(1) + c_omega**2 * column(2) + c_phi**2 * column(3)
                      - 2.0 * c_omega * c_phi * column(4))
