"""What every CLs calculator provides, and the order of the expected bands (defined here once).

A calculator is built for one :class:`~limits.stats.counting.CountingModel` (signal at mu = 1) and gives

- ``cls(mu)``: observed CLs (n,) and expected CLs (n, 5) at each signal strength in ``mu``;
- ``upper_limit(level)``: the signal strength where CLs = ``level`` (= 1 - CL), observed and expected, as
  :class:`MuLimit`, found from its CLs curves by :mod:`limits.stats.intervals` (root finding apart from CLs);
- ``upper_limits(models, level, ...)`` (class method): the same for a batch of models that share the
  background-only part, which a vectorised calculator (asymptotic) computes together;
- where a limit is a search over independent points (toys; ``split_search``): ``limit_search(level)``,
  ``point(mu, index)`` (a picklable task for ``evaluate_point``, which runs in any process) and
  ``limit_of_search(search)``, so that a scan spreads one limit's points over its workers.

Expected values always come in :data:`BAND_LABELS` order: -2, -1, 0 (median), +1, +2 standard deviations of the
background-only test-statistic distribution (stronger to weaker limits).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike

from limits.frozen import freeze
from limits.stats.counting import CountingModel
from limits.stats.intervals import GridSearch

__all__ = ["BAND_LABELS", "N_SIGMA", "CLsScan", "Calculator", "MuLimit", "scan_grid"]

BAND_LABELS = ("-2sigma", "-1sigma", "median", "+1sigma", "+2sigma")
"""Labels of the expected limits, in the order of every ``*_exp`` array (shape (..., 5))."""

N_SIGMA = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
"""Standard deviations of the background-only distribution behind each entry of :data:`BAND_LABELS`."""


@dataclass(frozen=True, eq=False)
class CLsScan:
    """CLs at the signal strengths a limit was solved from: what pyhf's ``upper_limit(..., return_results=True)``
    returns beside its limits, to draw CLs against mu (the "Brazil" view of one mass) or check the crossing.

    For ``toys`` these are the grid points the limit was interpolated from (each point's toys); for the other methods
    (root searches on a CLs they compute exactly) the same CLs on a log grid of 31 points from 1/3 of the smallest to
    3 times the largest limit, the limits themselves included (where CLs = 1 - CL).

    Attributes:
        mu: signal strengths (ascending; of the mass's reference-coupling patch in a scan, as ``mu_obs``).
        cls_obs: observed CLs at each mu.
        cls_exp: expected CLs at each mu, :data:`BAND_LABELS` order, shape (len(mu), 5).

    Example:
        >>> import numpy as np
        >>> scan = CLsScan(np.array([1.0, 2.0]), np.array([0.2, 0.05]), np.full((2, 5), 0.1))
        >>> scan.scaled(0.5).mu.tolist(), scan.cls_obs.flags.writeable
        ([0.5, 1.0], False)
    """

    mu: np.ndarray
    cls_obs: np.ndarray
    cls_exp: np.ndarray

    def __post_init__(self) -> None:
        mu, obs, exp = (np.array(v, dtype=float) for v in (self.mu, self.cls_obs, self.cls_exp))
        if mu.ndim != 1 or obs.shape != mu.shape or exp.shape != (mu.size, len(BAND_LABELS)):
            raise ValueError(f"a CLs scan needs mu (k,), cls_obs (k,) and cls_exp (k, {len(BAND_LABELS)}); got "
                             f"{mu.shape}, {obs.shape}, {exp.shape}")
        for name, value in (("mu", mu), ("cls_obs", obs), ("cls_exp", exp)):
            object.__setattr__(self, name, value)
        freeze(self)  # the arrays read-only: shared by every mass of a shape

    def scaled(self, factor: float) -> CLsScan:
        """The same CLs at mu x ``factor``: the scan of a model whose signal is 1/``factor`` times this one's."""
        return CLsScan(self.mu * factor, self.cls_obs, self.cls_exp)

    def record(self) -> dict[str, list[Any]]:
        """As JSON lists (a checkpoint keeps it): ``{"mu": [...], "cls_obs": [...], "cls_exp": [[5] x k]}``."""
        return {"mu": self.mu.tolist(), "cls_obs": self.cls_obs.tolist(), "cls_exp": self.cls_exp.tolist()}

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> CLsScan:
        """The scan of a :meth:`record`."""
        return cls(np.asarray(rec["mu"], dtype=float), np.asarray(rec["cls_obs"], dtype=float),
                   np.asarray(rec["cls_exp"], dtype=float).reshape(-1, len(BAND_LABELS)))

    def same_as(self, other: CLsScan) -> bool:
        """Equal values (NaN equal to NaN)."""
        return all(np.array_equal(a, b, equal_nan=True) for a, b in
                   ((self.mu, other.mu), (self.cls_obs, other.cls_obs), (self.cls_exp, other.cls_exp)))


def scan_grid(limits: Sequence[float], points: int = 31) -> np.ndarray:
    """The mu of a :class:`CLsScan` around ``limits`` (finite ones): log-spaced from a third of the smallest to three
    times the largest, the limits themselves included; empty without a finite limit."""
    finite = np.array([v for v in limits if math.isfinite(v) and v > 0])
    if finite.size == 0:
        return np.empty(0)
    return np.unique(np.concatenate([np.geomspace(finite.min() / 3.0, finite.max() * 3.0, points), finite]))


@dataclass(frozen=True)
class MuLimit:
    """Upper limits on the signal strength mu at one mass.

    Attributes:
        mu_obs: observed limit (NaN if CLs = 1 - CL was not bracketed).
        mu_exp: expected limits in :data:`BAND_LABELS` order.
        info: calculator-specific facts recorded with the point (e.g. the background counts behind the exact bands,
            toys per point, fit convergence).
        cls_scan: the CLs the limits were solved from (:class:`CLsScan`), where asked for or free (toys); else None.
    """

    mu_obs: float
    mu_exp: tuple[float, ...]
    info: Mapping[str, Any] = field(default_factory=dict)
    cls_scan: CLsScan | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # memoised per signal shape and shared by every mass of it: read-only (limits.frozen)
        freeze(self)

    def scaled(self, factor: float) -> MuLimit:
        """The limits of a model whose signal is 1/``factor`` times this one's (same shape): every mu x ``factor``,
        the Monte Carlo errors of toys too."""
        info = dict(self.info)
        if "mu_mc_err" in info:
            info["mu_mc_err"] = [e * factor for e in info["mu_mc_err"]]
        return MuLimit(self.mu_obs * factor, tuple(m * factor for m in self.mu_exp), info,
                       None if self.cls_scan is None else self.cls_scan.scaled(factor))


class Calculator(ABC):
    """CLs and upper limits on mu for one counting model. Build one with
    :func:`limits.stats.registry.create_calculator`.

    Attributes:
        name: the registry name of the method.
        batch_size: models a scan task gives :meth:`upper_limits` at once (1 unless the method is vectorised).
        split_search: the limit is a :class:`~limits.stats.intervals.GridSearch` of independent points
            (:meth:`limit_search`, :meth:`point`, :meth:`evaluate_point`, :meth:`limit_of_search`).
        expected_bands: how the expected limits are defined (recorded in ``limits.json``).
        description: what the method is, test statistic and nuisance treatment (recorded in ``limits.json``).
    """

    name: ClassVar[str]
    batch_size: ClassVar[int] = 1
    split_search: ClassVar[bool] = False
    expected_bands: ClassVar[str]
    description: ClassVar[str] = ""

    def __init__(self, counts: CountingModel):
        self.counts = counts

    @classmethod
    def create(cls, counts: CountingModel, *, ntoys: int, seed: np.random.SeedSequence | None) -> Calculator:
        """Build the calculator from the options every method is offered (``ntoys`` and ``seed`` matter for toys)."""
        return cls(counts)

    @abstractmethod
    def cls(self, mu: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(observed CLs (n,), expected CLs (n, 5)) at each signal strength in ``mu`` (1 where mu <= 0)."""

    @abstractmethod
    def upper_limit(self, level: float) -> MuLimit:
        """mu where CLs = ``level`` (1 - CL), observed and expected."""

    @classmethod
    def upper_limits(cls, counts: Sequence[CountingModel], level: float, *, ntoys: int,
                     seeds: Sequence[np.random.SeedSequence | None]) -> list[MuLimit]:
        """:meth:`upper_limit` for several models (one seed each); vectorised calculators override this."""
        return [cls.create(c, ntoys=ntoys, seed=s).upper_limit(level) for c, s in zip(counts, seeds)]

    @classmethod
    def cls_many(cls, counts: Sequence[CountingModel], mu: Sequence[np.ndarray], *, ntoys: int,
                 seeds: Sequence[np.random.SeedSequence | None]) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`cls` of several models, each at its own signal strengths ``mu[i]`` (one seed each); vectorised
        calculators override this, with the same values as one :meth:`cls` per model."""
        return [cls.create(c, ntoys=ntoys, seed=s).cls(m) for c, m, s in zip(counts, mu, seeds)]

    def limit_search(self, level: float) -> GridSearch:
        """The search :meth:`upper_limit` runs, before any point is evaluated (``split_search`` methods)."""
        raise NotImplementedError(f"{self.name}: its limit is not a search over independent points")

    def point(self, mu: float, index: int) -> Any:
        """The picklable task of one point of :meth:`limit_search` for :meth:`evaluate_point`."""
        raise NotImplementedError(f"{self.name}: its limit is not a search over independent points")

    @staticmethod
    def evaluate_point(point: Any) -> dict[str, Any]:
        """One point's CLs (``{"cls": ..., "cls_exp": [...], ...}``) in any process."""
        raise NotImplementedError("not a search over independent points")

    def limit_of_search(self, search: GridSearch) -> MuLimit:
        """The limits of a finished :meth:`limit_search`."""
        raise NotImplementedError(f"{self.name}: its limit is not a search over independent points")
