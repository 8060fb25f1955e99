"""Exact-tree-level (ETL) Z' bremsstrahlung e+- Z -> e+- Z Z' on lead, differential in x = E_Z'/E.

Implements the azimuth-integrated squared amplitude of Gninenko, Kirpichnikov, Kirsanov, Krasnikov, PLB 782, 406
(2018) (arXiv:1712.05706; structure as Liu, McKeen, Miller, PRD 95, 036010 (2017), arXiv:1609.06781), with Tsai's
elastic (atomic screening x nuclear size) and inelastic (atomic electrons x proton form factor) photon-flux form
factors (Tsai, RMP 46, 815 (1974); as in BEST = Bjorken, Essig, Schuster, Toro, PRD 80, 075018 (2009),
arXiv:0906.0580, App. A):

    d sigma / (dx dcos(theta) dt) = eps^2 alpha^3 [G2(t)/t^2] k E Phi / (p V)       per lead atom, in GeV^-4 ...

integrated here over cos(theta) (Z' polar angle) and t (momentum transfer to the atom) with nested composite
Gauss-Legendre quadrature in ln(1 - cos theta) and ln t, and over x in ln(1 - x). Everything is computed with the
cancellation-free forms of the kinematics (see the helpers), which keeps double precision good down to m = 1 keV.
Checks: docs/physics.md, "Physics: signal yield per electron on target".

Units: energies and masses in GeV, t in GeV^2, cross sections in GeV^-2 at coupling eps = 1 (multiply by eps^2, or by
g^2 Q_e^2/(4 pi alpha) for a Z', arXiv:2606.17320: "replacing eps e with g_B-L"). ``GEV2_TO_PB`` converts to pb.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from limits import constants as C
from limits.errors import InputError
from limits.frozen import frozen_cache
from limits.io.checks import number_in_range
from limits.io.masses import check_masses_mev
from limits.physics.models import Model, check_coupling, get_model
from limits.physics.widths import MASS_RANGE_MEV

__all__ = ["CrossSection", "chi_iww", "cross_section", "dsigma_dx", "dsigma_dx_iww", "form_factor_g2", "sigma_iww",
           "sigma_iww_approx", "sigma_total", "x_threshold"]

_ALPHA3 = C.ALPHA_EM**3


def form_factor_g2(t: np.ndarray, z: int = C.PB_Z, a_mass: float = C.PB_A_G_PER_MOL) -> np.ndarray:
    """Tsai's G2(t) = G2_el + G2_inel (Tsai, RMP 46, 815 (1974); BEST App. A), t in GeV^2, dimensionless.

    Elastic: Z^2 [a^2 t/(1 + a^2 t)]^2 [1/(1 + t/d)]^2 with a = 111 Z^(-1/3)/m_e, d = 0.164 A^(-2/3) GeV^2.
    Inelastic: Z [a'^2 t/(1 + a'^2 t)]^2 [(1 + t (mu_p^2 - 1)/(4 m_p^2))/(1 + t/0.71)^4]^2 with a' = 773 Z^(-2/3)/m_e.
    """
    a2 = (111.0 * z ** (-1.0 / 3.0) / C.M_E_GEV) ** 2
    d = 0.164 * a_mass ** (-2.0 / 3.0)
    ap2 = (773.0 * z ** (-2.0 / 3.0) / C.M_E_GEV) ** 2
    elastic = z**2 * (a2 * t / (1.0 + a2 * t)) ** 2 / (1.0 + t / d) ** 2
    proton = (1.0 + t * (C.MU_PROTON**2 - 1.0) / (4.0 * C.M_PROTON_GEV**2)) / (1.0 + t / 0.71) ** 4
    inelastic = z * (ap2 * t / (1.0 + ap2 * t)) ** 2 * proton**2
    return elastic + inelastic


@frozen_cache(None)
def _gauss_panels(lo: float, hi: float, panels: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of composite Gauss-Legendre quadrature on [lo, hi]."""
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(lo, hi, panels + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    return (mid[:, None] + half[:, None] * x).ravel(), (half[:, None] * w).ravel()


def x_threshold(mass_gev: float, energy_gev: float) -> float:
    """Smallest kinematically allowed x = E_Z'/E, i.e. m/E."""
    return mass_gev / energy_gev


def _integrand_theta_t(omx, energy, mass, delta, tfrac, m_l, big_m):
    """Integrand of d sigma/dx (GeV^-2, eps = 1) in (ln delta, ln t) with the Jacobians delta and t included.

    Args:
        omx: 1 - x (array broadcastable with the others).
        energy, mass: lepton energy E and Z' mass m in GeV.
        delta: 1 - cos(theta) of the Z'.
        tfrac: position in [0, 1] along ln t between ln t- and ln t+ (the t range depends on theta).
        m_l, big_m: lepton and nuclear masses in GeV.

    Returns:
        (value, dlnt) where value * dlnt is the integrand per unit ln(delta) per unit tfrac.
    """
    e = energy
    x = 1.0 - omx
    m2, ml2 = mass**2, m_l**2
    k = np.sqrt(np.clip((x * e) ** 2 - m2, 0.0, None))
    p = np.sqrt(e**2 - ml2)
    # p - k and x E^2 - k p without cancellation (both are tiny differences of ~E-sized numbers)
    p_minus_k = (e**2 * omx * (1.0 + x) - ml2 + m2) / (p + k)
    xe2_minus_kp = ((x * e) ** 2 * ml2 + m2 * e**2 - m2 * ml2) / (x * e**2 + k * p)
    v2 = p_minus_k**2 + 2.0 * p * k * delta
    v = np.sqrt(v2)
    u = m2 - 2.0 * (xe2_minus_kp + k * p * delta)  # (p - k)^2 - m_l^2 < 0
    e_bar = omx * e + big_m
    disc = u**2 + 4.0 * big_m * u * e_bar + 4.0 * big_m**2 * v2
    ok = (disc > 0.0) & (k > 0.0) & (omx * e > m_l)  # the recoiling lepton keeps at least its mass
    sq = np.sqrt(np.where(ok, disc, 0.0))
    denom = 2.0 * (e_bar**2 - v2)
    q_plus = (v * (u + 2.0 * big_m * e_bar) + e_bar * sq) / denom
    q_minus = (v * (u + 2.0 * big_m * e_bar) - e_bar * sq) / denom
    t_plus = 2.0 * big_m * q_plus**2 / (np.sqrt(big_m**2 + q_plus**2) + big_m)
    t_minus = 2.0 * big_m * q_minus**2 / (np.sqrt(big_m**2 + q_minus**2) + big_m)
    ok &= (t_plus > t_minus) & (t_minus > 0.0)
    lo = np.log(np.where(ok, t_minus, 1.0))
    hi = np.log(np.where(ok, t_plus, 2.0))
    dlnt = hi - lo
    t = np.exp(lo + tfrac * dlnt)

    q0 = -t / (2.0 * big_m)
    qabs = np.sqrt(t**2 / (4.0 * big_m**2) + t)
    cos_q = (u - t * (1.0 + omx * e / big_m)) / (2.0 * v * qabs)
    sin2_q = 1.0 - cos_q**2
    ok = ok & (sin2_q >= 0.0)
    y = -t + 2.0 * q0 * e - 2.0 * qabs * p * (p_minus_k + k * delta) * cos_q / v
    sin2_t = delta * (2.0 - delta)
    w = y**2 - 4.0 * qabs**2 * p**2 * k**2 * sin2_t * sin2_q / v2
    ok = ok & (w > 0.0)
    w = np.where(ok, w, 1.0)

    mu2 = m2 + 2.0 * ml2
    a_m2 = -8.0 * big_m * (4.0 * e**2 * big_m - t * (2.0 * e + big_m)) * mu2
    a_1 = 8.0 * big_m**2 / u
    a_m1 = (8.0 / u) * (
        big_m**2 * (2.0 * t * u + u**2 + 4.0 * e**2 * (-2.0 * omx * mu2 - t * (x**2 - 2.0 * x + 2.0))
                    + 2.0 * t * (2.0 * ml2 - m2 + t))
        - 2.0 * e * big_m * t * (omx * u + (x - 2.0) * (mu2 + t))
        + t**2 * (u - m2)
    )
    a_0 = (8.0 / u**2) * (big_m**2 * (2.0 * t * u + (t - 4.0 * e**2 * omx**2) * mu2)
                          + 2.0 * e * big_m * t * (u + omx * mu2))
    sqrt_w = np.sqrt(w)
    phi = (a_0 + y * a_1 + a_m1 / sqrt_w + y * a_m2 / (w * sqrt_w)) / (8.0 * big_m**2)
    value = _ALPHA3 * form_factor_g2(t) / t**2 * k * e * phi / (p * v)
    # Jacobians: d cos(theta) = delta d ln(delta); dt = t d ln t = t dlnt d tfrac
    value = np.where(ok, value * delta * t, 0.0)
    return value, dlnt


def dsigma_dx(mass_gev: float, energy_gev: float, x, *, m_lepton: float = C.M_E_GEV,
              nucleus_mass_gev: float = C.PB_NUCLEUS_MASS_GEV, n_theta: int = 48, n_t: int = 24) -> np.ndarray:
    """d sigma/dx per lead atom in GeV^-2 at eps = 1, by quadrature over cos(theta) and t.

    Args:
        mass_gev: Z' mass m (GeV).
        energy_gev: lepton energy E (GeV).
        x: E_Z'/E values (array), m/E < x < 1.
        n_theta, n_t: number of 4-point Gauss-Legendre panels in ln(1 - cos theta) and ln t.
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    omx = 1.0 - x
    return _dsigma_domx(mass_gev, energy_gev, omx, m_lepton, nucleus_mass_gev, n_theta, n_t)


def _dsigma_domx(mass, energy, omx, m_l, big_m, n_theta, n_t):
    # Z' angles that matter are theta ~ max(m, m_e)/E; integrate ln(1 - cos theta) from 1e-8 theta_c^2 to 2.
    theta_c2 = (max(mass, m_l) / energy) ** 2
    lnd, wd = _gauss_panels(float(np.log(theta_c2 * 1e-8)), float(np.log(2.0)), n_theta, 4)
    tf, wt = _gauss_panels(0.0, 1.0, n_t, 6)
    # t spans many decades inside [t-, t+]; panels are uniform in ln t, so integrate over tfrac with the ln-t length.
    out = np.empty(omx.shape)
    chunk = max(1, 200_000 // (lnd.size * tf.size))
    for s in range(0, omx.size, chunk):
        o = omx[s:s + chunk, None, None]
        val, dlnt = _integrand_theta_t(o, energy, mass, np.exp(lnd)[None, :, None], tf[None, None, :], m_l, big_m)
        out[s:s + chunk] = np.einsum("ijk,j,k->i", val * dlnt, wd, wt)
    return out


def sigma_total(mass_gev: float, energy_gev: float, x_min: float | None = None, *, m_lepton: float = C.M_E_GEV,
                nucleus_mass_gev: float = C.PB_NUCLEUS_MASS_GEV, n_x: int = 24, n_theta: int = 48,
                n_t: int = 24) -> float:
    """sigma(x > x_min) per lead atom in GeV^-2 at eps = 1 (x_min defaults to the threshold m/E).

    The x integral is split at x = 1/2: ln x below (light Z' spectra are photon-like, ~1/x), ln(1 - x) above (heavy
    Z' spectra peak at x -> 1), each with ``n_x`` 4-point Gauss-Legendre panels. The upper end is 1 - x = m_l/E, where
    the recoiling lepton comes to rest.
    """
    lo_x = x_threshold(mass_gev, energy_gev) if x_min is None else max(x_min, x_threshold(mass_gev, energy_gev))
    omx_end = m_lepton / energy_gev
    total = 0.0
    if lo_x < 0.5:
        ln_x, w = _gauss_panels(float(np.log(lo_x)), float(np.log(0.5)), n_x, 4)
        x = np.exp(ln_x)
        total += float(np.sum(_dsigma_domx(mass_gev, energy_gev, 1.0 - x, m_lepton, nucleus_mass_gev, n_theta, n_t)
                              * x * w))
    hi_omx = min(0.5, 1.0 - lo_x)
    if hi_omx > omx_end:
        ln_omx, w = _gauss_panels(float(np.log(omx_end)), float(np.log(hi_omx)), n_x, 4)
        omx = np.exp(ln_omx)
        total += float(np.sum(_dsigma_domx(mass_gev, energy_gev, omx, m_lepton, nucleus_mass_gev, n_theta, n_t)
                              * omx * w))
    return total


def chi_iww(mass_gev: float, energy_gev: float, *, z: int = C.PB_Z, n: int = 400) -> float:
    """The photon flux chi = int_{t_min}^{t_max} dt (t - t_min)/t^2 G2(t) of the IWW approximation (dimensionless).

    t_min = (m^2/2E)^2, t_max = m^2 + m_e^2 (BEST Eqs. A14-A15), G2 = Tsai's elastic + inelastic form
    factor (:func:`form_factor_g2`); Gauss-Legendre in ln t.
    """
    t_min = (mass_gev**2 / (2.0 * energy_gev)) ** 2
    t_max = mass_gev**2 + C.M_E_GEV**2
    ln_t, w = _gauss_panels(float(np.log(t_min)), float(np.log(t_max)), n // 4, 4)
    t = np.exp(ln_t)
    return float(np.sum((t - t_min) / t * form_factor_g2(t, z) * w))


def dsigma_dx_iww(mass_gev: float, energy_gev: float, x) -> np.ndarray:
    """Improved Weizsaecker-Williams d sigma/dx per lead atom, GeV^-2 at eps = 1 (BEST Eq. A14).

        d sigma/dx = 4 alpha^3 chi beta (1 - x + x^2/3) / [m^2 (1 - x)/x + m_e^2 x],   beta = sqrt(1 - m^2/E^2),

    with chi fixed at t_min (:func:`chi_iww`). Not used for yields: it is the approximation behind DMG4's pre-ETL
    cross sections (and, rescaled by a K-factor, its x-shape), kept to quantify what that treatment changes in the
    comparison with published curves. Valid only for m << sqrt(m_e E).
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    beta = np.sqrt(1.0 - (mass_gev / energy_gev) ** 2)
    chi = chi_iww(mass_gev, energy_gev)
    return (4.0 * _ALPHA3 * chi * beta * (1.0 - x + x**2 / 3.0)
            / (mass_gev**2 * (1.0 - x) / x + C.M_E_GEV**2 * x))


def sigma_iww(mass_gev: float, energy_gev: float, x_min: float | None = None, n_x: int = 32) -> float:
    """IWW sigma(x > x_min) per lead atom, GeV^-2 at eps = 1 (x_min defaults to m/E).

    Split at x = 1/2 as :func:`sigma_total`: ln x below, ln(1 - x) above, where heavy-Z' spectra peak within
    (1 - x) ~ m_e^2/m^2 of the endpoint 1 - x = m_e/E.
    """
    lo = x_threshold(mass_gev, energy_gev) if x_min is None else max(x_min, x_threshold(mass_gev, energy_gev))
    total = 0.0
    if lo < 0.5:
        ln_x, w = _gauss_panels(float(np.log(lo)), float(np.log(0.5)), n_x, 4)
        total += float(np.sum(dsigma_dx_iww(mass_gev, energy_gev, np.exp(ln_x)) * np.exp(ln_x) * w))
    hi_omx, omx_end = min(0.5, 1.0 - lo), C.M_E_GEV / energy_gev
    if hi_omx > omx_end:
        ln_omx, w = _gauss_panels(float(np.log(omx_end)), float(np.log(hi_omx)), n_x, 4)
        omx = np.exp(ln_omx)
        total += float(np.sum(dsigma_dx_iww(mass_gev, energy_gev, 1.0 - omx) * omx * w))
    return total


def sigma_iww_approx(mass_gev: float, energy_gev: float) -> float:
    """BEST's closed-form IWW total, sigma ~ (4/3) alpha^3 chi beta/m^2 ln(1/delta), delta = max(m_e^2/m^2, m^2/E^2).

    GeV^-2 per lead atom at eps = 1 (BEST App. A; natural log, delta a squared ratio). The "plain IWW" that
    overestimates ETL by ~10 % at 10 MeV and by x1.3-2 at 0.1-1 GeV; for comparisons only (m > m_e).
    """
    delta = max((C.M_E_GEV / mass_gev) ** 2, (mass_gev / energy_gev) ** 2)
    beta = np.sqrt(1.0 - (mass_gev / energy_gev) ** 2)
    return float(4.0 / 3.0 * _ALPHA3 * chi_iww(mass_gev, energy_gev) * beta / mass_gev**2 * np.log(1.0 / delta))


@dataclass(frozen=True)
class CrossSection:
    """A bremsstrahlung cross section per lead atom (:func:`cross_section`).

    Attributes:
        sigma_pb: sigma(x > x_min) in pb.
        model: the model's name; coupling: its coupling parameter (dimensionless).
        mass_mev: Z' mass (MeV); energy_gev: lepton energy (GeV); x_min: lower limit of x = E_Z'/E.
    """

    sigma_pb: float
    model: str
    coupling: float
    mass_mev: float
    energy_gev: float
    x_min: float

    def row(self) -> dict[str, Any]:
        """The cross section as ``limits xsec`` prints it."""
        return {"sigma_pb": self.sigma_pb, "mass_mev": self.mass_mev, "energy_gev": self.energy_gev,
                "coupling": self.coupling, "model": self.model, "x_min": self.x_min}


def cross_section(model: str | Mapping[str, Any] | Model, *, mass_mev: float, energy_gev: float, coupling: float,
                  x_min: float | None = None) -> CrossSection:
    """Exact-tree-level bremsstrahlung cross section sigma(x > x_min) in pb for e- Pb -> e- Pb Z' (arXiv:1712.05706),
    by direct integration; x = E_Z'/E, x_min defaults to the threshold m/E.

    Args:
        model: see :func:`limits.physics.models.get_model`; its electron coupling g|Q_e| sets the normalisation
            (dark photon: epsilon e, DMG4's convention).
        mass_mev: Z' mass in MeV (1 keV - 1.2 GeV).
        energy_gev: lepton energy in GeV (1-1000, above the mass).
        coupling: coupling parameter (dimensionless).
        x_min: lower limit of x in (0, 1].

    Example:
        >>> round(cross_section("dark-photon", mass_mev=16.7, energy_gev=150.0, coupling=1e-4).sigma_pb)
        3635
    """
    m = get_model(model)
    mass = float(check_masses_mev([mass_mev], *MASS_RANGE_MEV)[0])
    energy = number_in_range("energy_gev", energy_gev, 1.0, 1000.0, "GeV")
    if energy * C.MEV_PER_GEV <= mass:
        raise InputError("energy_gev", f"{energy:g} GeV must exceed the mass {mass:g} MeV")
    g = check_coupling(coupling)
    if x_min is not None and not (0.0 < x_min <= 1.0):
        raise InputError("x_min", f"{x_min:g} is outside the allowed range (0, 1]")
    sigma_eps1 = sigma_total(mass * C.GEV_PER_MEV, energy, x_min)
    eps2 = float(m.electron_coupling(g, mass * C.GEV_PER_MEV)) ** 2 / (4.0 * np.pi * C.ALPHA_EM)
    lower = x_threshold(mass * C.GEV_PER_MEV, energy) if x_min is None else float(x_min)
    return CrossSection(float(sigma_eps1 * eps2 * C.GEV2_TO_PB), m.name, g, mass, energy, lower)
