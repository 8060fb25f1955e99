"""pyhf's own path, for cross-checks: pyhf models of our workspaces and pyhf's asymptotic calculator.

Every pyhf model we build uses the interpolation codes of :data:`limits.stats.conventions.MODIFIER_SETTINGS` (normsys
code4, histosys code4p, as ``pyhf cls``). :class:`PyhfAsymptoticCalculator` (registry name ``asymptotic-pyhf``) runs
``pyhf.infer.hypotest`` on the pyhf model of a :class:`~limits.stats.counting.CountingModel`: slow (one fit per call),
kept to test :class:`~limits.stats.asymptotic.AsymptoticCalculator` against and for the benchmark.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyhf
from numpy.typing import ArrayLike

from limits.stats.conventions import MODIFIER_SETTINGS, POI_BOUNDS
from limits.stats.counting import CountingModel
from limits.stats.interface import Calculator, MuLimit
from limits.stats.intervals import solve_curve, zero_background_guess

__all__ = ["PyhfAsymptoticCalculator", "cls_asymptotic", "model_and_data", "workspace_of"]


def model_and_data(bkg_only: dict[str, Any], patch: dict[str, Any] | list[Any] | None = None) -> tuple[Any, Any]:
    """(pyhf model, observed data incl. auxdata) for a workspace, optionally patched (a patch dict or JSON-patch ops).

    Interpolation codes: :data:`limits.stats.conventions.MODIFIER_SETTINGS` (code4/code4p, as ``pyhf cls``).
    """
    ws = pyhf.Workspace(bkg_only)
    if patch is not None:
        ops = patch["patch"] if isinstance(patch, dict) else patch
        ws = pyhf.Workspace(pyhf.patchset.Patch({"metadata": {"name": "p", "values": [0]}, "patch": ops}).apply(ws))
    pdf = ws.model(modifier_settings=MODIFIER_SETTINGS)
    return pdf, ws.data(pdf)


def workspace_of(counts: CountingModel) -> dict[str, Any]:
    """The pyhf workspace (schema 1.0.0) of a counting model: background with shapesys, signal with mu and normsys."""
    channels, observations = [], []
    for j, name in enumerate(counts.channels):
        bkg_mods = ([{"name": f"bkg_{name}", "type": "shapesys", "data": [float(counts.background_unc[j])]}]
                    if counts.background_unc[j] > 0 else [])
        sig_mods: list[dict[str, Any]] = [{"name": "mu", "type": "normfactor", "data": None}]
        for k, syst in enumerate(counts.syst_names):
            hi, lo = float(counts.syst_hi[k, j]), float(counts.syst_lo[k, j])
            if hi != 1.0 or lo != 1.0:
                sig_mods.append({"name": syst, "type": "normsys", "data": {"hi": hi, "lo": lo}})
        channels.append({"name": name, "samples": [
            {"name": "background", "data": [float(counts.background[j])], "modifiers": bkg_mods},
            {"name": "signal", "data": [float(counts.signal[j])], "modifiers": sig_mods}]})
        observations.append({"name": name, "data": [float(counts.observed[j])]})
    measurement = {"name": "m", "config": {"poi": "mu", "parameters": [
        {"name": "mu", "bounds": [list(POI_BOUNDS)], "inits": [1.0]}]}}
    return {"channels": channels, "observations": observations, "measurements": [measurement], "version": "1.0.0"}


def cls_asymptotic(pdf: Any, data: Any, mu: float) -> tuple[float, np.ndarray]:
    """pyhf's (observed CLs, expected CLs at -2..+2 sigma) at signal strength ``mu`` > 0 (q~_mu, asymptotics)."""
    if mu <= 0:
        return 1.0, np.ones(5)
    obs, expected = pyhf.infer.hypotest(float(mu), data, pdf, test_stat="qtilde", calctype="asymptotics",
                                        return_expected_set=True)
    return float(obs), np.array([float(e) for e in expected])


class PyhfAsymptoticCalculator(Calculator):
    """pyhf's asymptotic calculator on the pyhf model of a counting model (registry name ``asymptotic-pyhf``)."""

    name = "asymptotic-pyhf"
    expected_bands = "pyhf asymptotic (Asimov, post-fit to the observed data), pyhf's own fits"

    def __init__(self, counts: CountingModel):
        super().__init__(counts)
        self._pyhf_model, self._data = model_and_data(workspace_of(counts))
        self._bound = float(self._pyhf_model.config.suggested_bounds()[0][1])
        self._cache: dict[float, tuple[float, np.ndarray]] = {}

    def _at(self, mu: float) -> tuple[float, np.ndarray]:
        if mu not in self._cache:
            self._cache[mu] = cls_asymptotic(self._pyhf_model, self._data, mu)
        return self._cache[mu]

    def cls(self, mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(observed (n,), expected (n, 5)) CLs, one pyhf hypotest per mu (capped at the POI bound)."""
        mu = np.atleast_1d(np.asarray(mu, dtype=float))
        rows = [self._at(min(float(m), self._bound)) if m > 1e-12 else (1.0, np.ones(5)) for m in mu]
        return np.array([r[0] for r in rows]), np.array([r[1] for r in rows]).reshape(mu.size, 5)

    def upper_limit(self, level: float) -> MuLimit:
        """Each curve's crossing with :func:`~limits.stats.roots.solve_monotonic` (pyhf's ``upper_limit`` ignores
        ``level`` in 0.7.6)."""
        signal = float(self.counts.signal.sum())
        guess = float(zero_background_guess(level, signal))

        def curve(i: int) -> float:
            return solve_curve(lambda mu: self._at(mu)[0] if i < 0 else float(self._at(mu)[1][i]), level, signal,
                               x_min=1e-6 * guess, x_max=min(1e4 * guess, self._bound), rtol=1e-4)

        return MuLimit(curve(-1), tuple(curve(i) for i in range(5)), {"hypotests": len(self._cache)})
