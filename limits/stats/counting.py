"""The workspace model as arrays: a product of single-bin Poisson counts with normsys and shapesys constraints.

Our workspaces (``limits.workspace.build``) have, per channel j, a background b_j with a ``shapesys`` (Poisson
auxiliary measurement, tau_j = (b_j/db_j)^2) and a signal s_j with normfactor mu and ``normsys`` modifiers, some shared
between channels (``signal_yield``). This module reads those into arrays, and implements pyhf's normsys
interpolation code4 so that our own calculators (hybrid, toys) use the very likelihood pyhf builds:

    L = prod_j Pois(n_j | mu s_j prod_k kappa_k(alpha_k) + gamma_j b_j)
        x prod_k N(a_k | alpha_k, 1) x prod_j Pois(m_j | gamma_j tau_j)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["CountingModel", "code4", "counting_model"]


@dataclass(frozen=True)
class CountingModel:
    """Arrays of a multi-channel counting model.

    Attributes:
        channels: channel names.
        signal: s_j at mu = 1, events.
        background: b_j, events.
        background_unc: db_j (absolute), events; 0 means no constraint.
        observed: n_j.
        syst_names: normsys names (order of the columns below).
        syst_hi, syst_lo: (n_syst, n_channels) factors at alpha = +1 and -1 (1 where a channel lacks the modifier).
    """

    channels: tuple[str, ...]
    signal: np.ndarray
    background: np.ndarray
    background_unc: np.ndarray
    observed: np.ndarray
    syst_names: tuple[str, ...]
    syst_hi: np.ndarray
    syst_lo: np.ndarray

    def without_systematics(self) -> CountingModel:
        """The model with every constrained modifier dropped (``--stat-only``): no background uncertainty, no
        normsys."""
        return CountingModel(self.channels, self.signal, self.background, np.zeros_like(self.background_unc),
                             self.observed, (), np.ones((0, self.signal.size)), np.ones((0, self.signal.size)))

    @property
    def tau(self) -> np.ndarray:
        """shapesys auxiliary scale tau_j = (b_j/db_j)^2 (inf where db_j = 0)."""
        with np.errstate(divide="ignore"):
            return np.where(self.background_unc > 0, (self.background / self.background_unc) ** 2, np.inf)


def counting_model(bkg_only: dict[str, Any], patch: dict[str, Any] | None) -> CountingModel:
    """Read a workspace (background-only spec plus one signal patch) into a :class:`CountingModel`."""
    chans = bkg_only["channels"]
    names = tuple(c["name"] for c in chans)
    obs = {o["name"]: o["data"][0] for o in bkg_only["observations"]}
    b = np.array([c["samples"][0]["data"][0] for c in chans], dtype=float)
    db = np.zeros_like(b)
    for j, c in enumerate(chans):
        for mod in c["samples"][0]["modifiers"]:
            if mod["type"] == "shapesys":
                db[j] = mod["data"][0]
    s = np.zeros_like(b)
    hi: dict[str, np.ndarray] = {}
    lo: dict[str, np.ndarray] = {}
    for op in (patch or {"patch": []})["patch"]:
        j = int(op["path"].split("/")[2])
        sample = op["value"]
        s[j] = sample["data"][0]
        for mod in sample["modifiers"]:
            if mod["type"] == "normsys":
                hi.setdefault(mod["name"], np.ones_like(b))[j] = mod["data"]["hi"]
                lo.setdefault(mod["name"], np.ones_like(b))[j] = mod["data"]["lo"]
            elif mod["type"] != "normfactor":
                raise ValueError(f"unsupported signal modifier type {mod['type']!r} in our counting model")
    syst = tuple(hi)
    return CountingModel(names, s, b, db, np.array([obs[n] for n in names], dtype=float), syst,
                         np.array([hi[k] for k in syst]).reshape(len(syst), b.size),
                         np.array([lo[k] for k in syst]).reshape(len(syst), b.size))


# pyhf 0.7.6 code4 (alpha0 = 1): coefficients a = A_INV @ b with
# b = [hi - 1, lo - 1, hi ln hi, -lo ln lo, hi ln^2 hi, lo ln^2 lo]: the inverse of the conditions that value, slope
# and curvature match the exponential branches at alpha = +-1 (matrix as in pyhf's interpolators/code4.py; a test
# checks equality with pyhf's interpolator).
_A_INV = np.array([
    [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
    [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
    [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
    [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
    [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
    [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
])


def _code4_coefficients(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """Polynomial coefficients a_1..a_6 of pyhf's code4 for |alpha| < 1."""
    hi, lo = np.broadcast_arrays(np.asarray(hi, float), np.asarray(lo, float))
    lnh, lnl = np.log(hi), np.log(lo)
    rhs = np.stack([hi - 1, lo - 1, hi * lnh, -lo * lnl, hi * lnh**2, lo * lnl**2], axis=-1)
    return rhs @ _A_INV.T


def code4(alpha: ArrayLike, hi: ArrayLike, lo: ArrayLike) -> np.ndarray:
    """pyhf normsys interpolation code4: hi^alpha above 1, lo^-alpha below -1, a 6th-order polynomial between."""
    alpha = np.asarray(alpha, dtype=float)
    hi_b = np.broadcast_to(hi, np.broadcast_shapes(np.shape(alpha), np.shape(hi)))
    lo_b = np.broadcast_to(lo, hi_b.shape)
    a = np.broadcast_to(alpha, hi_b.shape)
    coef = _code4_coefficients(hi_b, lo_b)
    powers = np.stack([a**i for i in range(1, 7)], axis=-1)
    inner = 1.0 + np.sum(coef * powers, axis=-1)
    return np.where(a >= 1, hi_b**a, np.where(a <= -1, lo_b ** (-a), inner))
