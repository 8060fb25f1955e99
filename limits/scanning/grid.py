"""``--grid`` mode: CLs on a full (mass, coupling) grid and its CLs = 1 - CL contours, islands included.

Each mass column is CLs at S(m, g) for a log grid of g (:data:`GRID_G`), read off the scan calculator's CLs table
of the mass's signal shape (one table per shape and method, :func:`limits.stats.tables.cls_table`). Contours
are extracted with contourpy (marching squares) on (log10 m, log10 g) at CLs = 1 - CL, with the frame padded by
CLs = 1 (not excluded) so that regions touching the grid edge close (stats notes §6C). Per-mass
crossings are found along each column by interpolating -ln(-ln CLs) linearly in ln g, and give the excluded intervals
of every mass, islands included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import contourpy
import numpy as np
from numpy.typing import ArrayLike

from limits.scanning.inversion import excluded_intervals
from limits.scanning.point import MassLimit
from limits.stats.interface import BAND_LABELS

__all__ = ["GRID_G", "column_crossings", "contours", "grid_column"]

GRID_G = (1e-9, 1.0, 91)  # the coupling grid of every column: 10 points per decade


def grid_column(table: tuple[np.ndarray, np.ndarray, np.ndarray],
                signal_total: Callable[[np.ndarray], np.ndarray]) -> dict[str, Any]:
    """CLs (observed and expected) along the log g grid at one mass, read off the CLs table of the mass's signal
    shape (:func:`limits.stats.tables.cls_table`) at S(m, g): -ln(-ln CLs) interpolated linearly in ln S
    (exact for CLs = exp(-c S)); CLs = 1 below the table's smallest signal, its last value above the largest.

    Returns:
        ``{"g": [...], "cls_obs": [...], "cls_exp": [[...] x 5]}`` (expected in :data:`BAND_LABELS` order).
    """
    g = np.geomspace(*GRID_G)
    events, obs_t, exp_t = table
    ls = np.log(np.maximum(np.asarray(signal_total(g), dtype=float), 1e-300))
    x = np.log(events)

    def column(curve: np.ndarray) -> np.ndarray:
        y = np.interp(ls, x, _loglog(curve), left=float(_loglog(1.0)), right=float(_loglog(curve[-1])))
        return np.asarray(np.exp(-np.exp(-y)))

    obs = column(obs_t)
    exp = np.array([column(exp_t[:, k]) for k in range(exp_t.shape[1])])
    return {"g": g.tolist(), "cls_obs": obs.tolist(), "cls_exp": exp.tolist()}


def _loglog(cls: ArrayLike) -> np.ndarray:
    """-ln(-ln CLs): ~ -2 ln g + const where CLs = exp(-mu S) and S ~ g^2, so it is nearly linear in ln g."""
    c = np.clip(np.asarray(cls, dtype=float), 1e-300, 1.0 - 1e-15)
    return np.asarray(-np.log(-np.log(c)))


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


def contours(points: Sequence[MassLimit], cl: float) -> dict[str, Any]:
    """Contour polylines [[mass_mev, g], ...] of CLs = 1 - CL for the observed and each expected curve."""
    columns = [(p.mass_mev, p.grid) for p in points if p.grid is not None]
    if len(columns) < 2:
        return {}
    level = 1.0 - cl
    m = np.array([mass for mass, _ in columns])
    g = np.array(columns[0][1]["g"])
    x = np.log10(m)
    y = np.log10(g)
    # pad the frame with a not-excluded value so that contours touching the edges close
    dx, dy = x[1] - x[0] if x.size > 1 else 1.0, y[1] - y[0]
    xp = np.concatenate([[x[0] - dx], x, [x[-1] + dx]])
    yp = np.concatenate([[y[0] - dy], y, [y[-1] + dy]])

    def lines(z: np.ndarray) -> list[list[list[float]]]:
        zp = np.ones((yp.size, xp.size))
        zp[1:-1, 1:-1] = z
        gen = contourpy.contour_generator(xp, yp, _loglog(zp))
        segments = cast(list[np.ndarray], gen.lines(float(_loglog(level))))  # default line type: (n, 2) arrays
        # the padding closes regions at the frame; clip it back so no line leaves the scanned masses and couplings
        return [[[float(10 ** np.clip(a, x[0], x[-1])), float(10 ** np.clip(b, y[0], y[-1]))] for a, b in seg]
                for seg in segments]

    out: dict[str, Any] = {"obs": lines(np.array([col["cls_obs"] for _, col in columns]).T)}
    out["exp"] = {lab: lines(np.array([col["cls_exp"][i] for _, col in columns]).T)
                  for i, lab in enumerate(BAND_LABELS)}
    return out
