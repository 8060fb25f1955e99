"""A spey backend for NA64 (``spey.get_backend("limits.na64")``; optional extra ``pip install 'limits[spey]'``).

spey (Araz, SciPost Phys. 16, 032 (2024)) is a plugin framework for reinterpretation: a backend gives it a likelihood,
and spey's own ``exclusion_confidence_level``, ``poi_upper_limit`` and friends do the statistics. This backend gives
spey the likelihood ``limits`` builds for (analysis, model, mass): the pyhf workspace's counting model (one single-bin
channel per run, shapesys backgrounds, normsys signal uncertainties with pyhf's code4, signal at the patch's reference
coupling), with analytic gradient and Hessian (``limits.stats.fit``) and a toy sampler.

Parameters: ``[mu, alpha_1..alpha_K, gamma_1..gamma_J]`` as in :class:`limits.stats.fit.BatchLikelihood`. Data: the run
counts, then the auxiliary data (normsys a_k, shapesys m_j); ``expected_data`` returns all of them, so spey's Asimov
data carry the fitted nuisances as pyhf's do. The parameter of interest is the signal strength of the patch at
``coupling_ref``; :meth:`NA64Backend.coupling_for_mu` turns a limit on it into one on the coupling (decay factor
included). What spey can express: its asymptotic and toy calculators (q~_mu, LHC-style). What it cannot: our default
``hybrid`` method (formerly "exact"), CLs with the nuisances integrated over their priors and the total count as test
statistic, which is not a profile-likelihood test statistic; spey's asymptotic limits therefore match our
``asymptotic`` method, not the published ``hybrid`` limits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import spey
from spey.base.model_config import ModelConfig

from limits._version import __version__
from limits.analysis.definition import get_analysis
from limits.physics.models import get_model
from limits.scanning.inversion import coupling_for_mu
from limits.stats.conventions import POI_BOUNDS
from limits.stats.counting import counting_model
from limits.stats.fit import BatchLikelihood
from limits.workspace.build import build_workspaces

__all__ = ["NA64Backend"]


class NA64Backend(spey.BackendBase):
    """The NA64 likelihood of one (analysis, model, mass) for spey.

    Args:
        analysis: a built-in analysis name or an analysis file (default ``na64-2026``).
        model: a built-in model name or a model file (default ``bl-unbroken``).
        mass_mev: the Z' mass in MeV.
    """

    name = "limits.na64"
    version = __version__
    author = "The limits developers"
    spey_requires = ">=0.2.0"
    # the NA64 papers whose data and analyses the built-in analyses use (as CITATION.cff lists them)
    doi = ["10.1103/PhysRevLett.129.161801", "10.1103/PhysRevLett.131.161801", "10.1103/PhysRevLett.123.121801",
           "10.1103/PhysRevD.97.072002", "10.1103/PhysRevD.109.L031103", "10.1103/PhysRevLett.132.211803"]
    arXiv = ["2606.17320", "2207.09979", "2307.02404", "1906.00176", "1710.00971", "2308.15612", "2502.04053",
             "2401.01708", "2409.10128"]

    def __init__(self, analysis: str = "na64-2026", model: str = "bl-unbroken", mass_mev: float = 10.0):
        a, m = get_analysis(analysis, field="analysis"), get_model(model, field="model")
        ws = build_workspaces(a, m, np.array([float(mass_mev)]))
        self.patch_metadata = ws.patchset["patches"][0]["metadata"]
        self.coupling_ref = float(self.patch_metadata[f"{m.coupling_symbol}_ref"])
        self.counts = counting_model(ws.bkg_only, ws.patchset["patches"][0])
        self.bm = BatchLikelihood(self.counts, POI_BOUNDS[1])
        self.n_main = self.counts.signal.size

    # -- data layout ------------------------------------------------------------------------------------------------
    def _split(self, data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d = np.asarray(data, dtype=float)
        k = self.bm.n_syst
        return d[None, :self.n_main], d[None, self.n_main:self.n_main + k], d[None, self.n_main + k:]

    def _data(self, expected: spey.ExpectationType, data: Any) -> np.ndarray:
        if data is not None:
            return np.asarray(data, dtype=float)
        if expected is spey.ExpectationType.apriori:  # the background-only prediction, nominal nuisances
            return np.asarray(self.expected_data(self.bm.init(1, 0.0)[0]))
        aux_a, aux_m = self.bm.nominal_aux(1)
        return np.concatenate([self.counts.observed, aux_a[0], aux_m[0]])

    # -- what spey needs --------------------------------------------------------------------------------------------
    @property
    def is_alive(self) -> bool:
        """True when the patch has signal."""
        return bool(np.any(self.counts.signal > 0))

    def config(self, allow_negative_signal: bool = True, poi_upper_bound: float = POI_BOUNDS[1]) -> ModelConfig:
        """mu in [0 (or -min b/s), poi_upper_bound], nuisances within the fit's bounds, initial values at nominal."""
        lo, hi = self.bm.bounds()
        s = self.counts.signal
        min_poi = -float(np.min(self.counts.background[s > 0] / s[s > 0])) * 0.999 if allow_negative_signal else 0.0
        bounds = [(min_poi, poi_upper_bound)] + list(zip(lo[1:].tolist(), hi[1:].tolist()))
        names = ["mu", *self.counts.syst_names, *(f"gamma_{self.counts.channels[j]}" for j in self.bm.gamma_channels)]
        return ModelConfig(poi_index=0, minimum_poi=min_poi, suggested_init=self.bm.init(1)[0].tolist(),
                           suggested_bounds=bounds, parameter_names=names)

    def get_logpdf_func(self, expected: spey.ExpectationType = spey.ExpectationType.observed,
                        data: Any = None) -> Callable[[np.ndarray], float]:
        """log L(mu, theta) up to a data-only constant."""
        n, a, m = self._split(self._data(expected, data))

        def logpdf(pars: np.ndarray) -> float:
            return float(-0.5 * self.bm.nll2(np.asarray(pars, dtype=float)[None, :], n, a, m)[0])

        return logpdf

    def get_objective_function(self, expected: spey.ExpectationType = spey.ExpectationType.observed,
                               data: Any = None, do_grad: bool = True) -> Callable[[np.ndarray], Any]:
        """-log L and, with ``do_grad``, its analytic gradient."""
        n, a, m = self._split(self._data(expected, data))

        def objective(pars: np.ndarray) -> Any:
            x = np.asarray(pars, dtype=float)[None, :]
            value = float(0.5 * self.bm.nll2(x, n, a, m)[0])
            if not do_grad:
                return value
            grad, _ = self.bm.grad_hess(x, n, a, m)
            return value, 0.5 * grad[0]

        return objective

    def get_hessian_logpdf_func(self, expected: spey.ExpectationType = spey.ExpectationType.observed,
                                data: Any = None) -> Callable[[np.ndarray], np.ndarray]:
        """The analytic Hessian of log L."""
        n, a, m = self._split(self._data(expected, data))

        def hessian(pars: np.ndarray) -> np.ndarray:
            _, hess = self.bm.grad_hess(np.asarray(pars, dtype=float)[None, :], n, a, m)
            return np.asarray(-0.5 * hess[0])

        return hessian

    def expected_data(self, pars: Any) -> list[float]:
        """Expected run counts and auxiliary data (a_k = alpha_k, m_j = gamma_j tau_j) at ``pars``."""
        x = np.asarray(pars, dtype=float)[None, :]
        k = self.bm.n_syst
        aux_m = x[0, 1 + k:] * self.counts.tau[self.bm.gamma_channels]
        return [*self.bm.expected(x)[0].tolist(), *x[0, 1:1 + k].tolist(), *aux_m.tolist()]

    def get_sampler(self, pars: np.ndarray) -> Callable[..., np.ndarray]:
        """Toy datasets at ``pars``: Poisson run counts and shapesys aux, Gaussian normsys aux (pyhf's model)."""
        expected = np.array(self.expected_data(pars))
        k = self.bm.n_syst

        def sampler(number_of_samples: int, include_auxiliary: bool = True) -> np.ndarray:
            # numpy's global state, as spey's own backends (scipy.stats .rvs without random_state): spey has no seed
            # argument, so ``np.random.seed`` is how a spey user makes toys reproducible
            main = np.random.poisson(expected[:self.n_main], size=(number_of_samples, self.n_main)).astype(float)
            if not include_auxiliary:
                return main
            alpha = np.random.normal(expected[self.n_main:self.n_main + k], 1.0, size=(number_of_samples, k))
            n_gamma = expected.size - self.n_main - k
            gam = np.random.poisson(expected[self.n_main + k:], size=(number_of_samples, n_gamma))
            return np.concatenate([main, alpha, gam.astype(float)], axis=1)

        return sampler

    def coupling_for_mu(self, mu: float) -> float:
        """The coupling whose signal is ``mu`` times the patch's (the decay factor included)."""
        return coupling_for_mu(self.patch_metadata, mu)
