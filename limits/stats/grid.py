"""``--grid`` mode: CLs on a full (mass, coupling) grid and its 90 % CL contours, islands included.

Each mass column evaluates CLs at mu = S(m, g)/S(m, g_ref) for a log grid of g. Contours are extracted with
contourpy (marching squares) on (log10 m, log10 g) at CLs = 1 - CL, with the frame padded by CLs = 1 (not excluded)
so that regions touching the grid edge close (stats notes §6C). Per-mass crossings are found along each column by
linear interpolation of log CLs in log g, and give the excluded intervals of every mass, islands included.
"""

from __future__ import annotations


import numpy as np

from limits.stats.counting import counting_model
from limits.stats.exact import ExactCalculator
from limits.stats.limits import excluded_intervals

__all__ = ["cls_column", "column_crossings", "contours"]


def cls_column(method: str, bkg_only: dict, patch: dict, mu: np.ndarray, *, ntoys: int = 10_000, seed=None):
    """(observed CLs, expected CLs (5, n)) at each signal strength in ``mu``."""
    mu = np.asarray(mu, dtype=float)
    if method == "exact":
        calc = ExactCalculator(counting_model(bkg_only, patch))
        counts = calc.expected_counts()
        obs = np.array([calc.cls(m) for m in mu])
        per_count = {n: np.array([calc.cls(m, n) for m in mu]) for n in set(counts.tolist())}
        return obs, np.array([per_count[n] for n in counts])
    if method == "asymptotic":
        from limits.stats.asymptotic import cls_asymptotic
        from limits.stats.model import model_and_data

        model, data = model_and_data(bkg_only, patch)
        bound = model.config.suggested_bounds()[0][1]
        rows = [cls_asymptotic(model, data, min(m, bound)) if m > 1e-12 else (1.0, np.ones(5)) for m in mu]
        return np.array([r[0] for r in rows]), np.array([r[1] for r in rows]).T
    if method == "toys":
        from limits.stats.toys import toy_cls_column

        return toy_cls_column(bkg_only, patch, mu, ntoys=ntoys, seed=seed)
    raise ValueError(method)


def _loglog(cls):
    """-ln(-ln CLs): ~ -2 ln g + const where CLs = exp(-mu S) and S ~ g^2, so it is nearly linear in ln g."""
    c = np.clip(np.asarray(cls, dtype=float), 1e-300, 1.0 - 1e-15)
    return -np.log(-np.log(c))


def column_crossings(g: np.ndarray, cls: np.ndarray, level: float) -> tuple[list[float], list[list[float]]]:
    """Crossings of CLs = level along one column and the excluded g intervals (CLs < level).

    Interpolates -ln(-ln CLs) linearly in ln g between grid points (exact for CLs = exp(-c g^2)).
    """
    lg = np.log(g)
    lc = _loglog(cls) - _loglog(level)
    crossings = []
    for i in np.nonzero(np.sign(lc[:-1]) != np.sign(lc[1:]))[0]:
        t = lc[i] / (lc[i] - lc[i + 1])
        crossings.append(float(np.exp(lg[i] + t * (lg[i + 1] - lg[i]))))
    return crossings, excluded_intervals(crossings, float(g[0]) if lc[0] < 0 else None)


def contours(points: list[dict], cl: float) -> dict:
    """Contour polylines [[mass_mev, g], ...] of CLs = 1 - CL for the observed and each expected curve."""
    import contourpy

    ok = [p for p in points if "grid" in p]
    if len(ok) < 2:
        return {}
    level = 1.0 - cl
    m = np.array([p["mass_mev"] for p in ok])
    g = np.array(ok[0]["grid"]["g"])
    x = np.log10(m)
    y = np.log10(g)
    # pad the frame with a not-excluded value so that contours touching the edges close
    dx, dy = x[1] - x[0] if x.size > 1 else 1.0, y[1] - y[0]
    xp = np.concatenate([[x[0] - dx], x, [x[-1] + dx]])
    yp = np.concatenate([[y[0] - dy], y, [y[-1] + dy]])

    def lines(z):
        zp = np.ones((yp.size, xp.size))
        zp[1:-1, 1:-1] = z
        gen = contourpy.contour_generator(xp, yp, _loglog(zp))
        return [[[float(10**a), float(10**b)] for a, b in seg] for seg in gen.lines(float(_loglog(level)))]

    out = {"obs": lines(np.array([p["grid"]["cls_obs"] for p in ok]).T)}
    labels = ("-2sigma", "-1sigma", "median", "+1sigma", "+2sigma")
    out["exp"] = {lab: lines(np.array([p["grid"]["cls_exp"][i] for p in ok]).T) for i, lab in enumerate(labels)}
    return out
