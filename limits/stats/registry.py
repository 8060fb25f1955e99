"""The one registry of CLs calculators, chosen by name (as pyhf's ``infer.utils.create_calculator``).

- ``hybrid``: hybrid CLs, total count as test statistic, nuisances integrated over their constraints
  (:class:`~limits.stats.hybrid.HybridCalculator`; the published limits' method). ``exact`` is an alias (the
  method's name before version 0.4: the counting is exact, the nuisance treatment is not);
- ``asymptotic``: q~_mu asymptotics as pyhf, batched fits (:class:`~limits.stats.asymptotic.AsymptoticCalculator`);
- ``toys``: q~_mu with toys as pyhf's ToyCalculator, batched and seeded (:class:`~limits.stats.toys.ToyCalculator`);
- ``asymptotic-pyhf``: pyhf's own asymptotic calculator, for cross-checks
  (:class:`~limits.stats.pyhf_calculator.PyhfAsymptoticCalculator`).
"""

from __future__ import annotations

import numpy as np

from limits.errors import InputError
from limits.stats.asymptotic import AsymptoticCalculator
from limits.stats.counting import CountingModel
from limits.stats.hybrid import HybridCalculator
from limits.stats.interface import Calculator
from limits.stats.toys import ToyCalculator

__all__ = ["ALIASES", "CALCULATORS", "METHODS", "calculator_class", "canonical_method", "create_calculator"]

CALCULATORS: dict[str, type[Calculator]] = {
    cls.name: cls for cls in (HybridCalculator, AsymptoticCalculator, ToyCalculator)}
LAZY = ("asymptotic-pyhf",)
"""Registered on first use: ``asymptotic-pyhf`` imports pyhf (~0.3 s with scipy.stats), which scans do not need."""
METHODS = ("hybrid", "asymptotic", "toys")
"""The methods offered for scans (``asymptotic-pyhf`` is for cross-checks only)."""

ALIASES = {"exact": "hybrid"}
"""Old names still accepted, mapped to the registry name (results record the registry name)."""


def canonical_method(method: str) -> str:
    """The registry name of ``method`` (an alias resolved).

    Example:
        >>> canonical_method("exact")
        'hybrid'
    """
    return ALIASES.get(method, method) if isinstance(method, str) else method  # a non-name is refused by its user


def calculator_class(method: str, field: str = "method") -> type[Calculator]:
    """The calculator class registered as ``method``.

    Raises:
        InputError: unknown name (the message lists the registered ones).

    Example:
        >>> calculator_class("hybrid").__name__
        'HybridCalculator'
    """
    if method in LAZY and method not in CALCULATORS:
        from limits.stats.pyhf_calculator import PyhfAsymptoticCalculator  # leaf module: no cycle

        CALCULATORS[PyhfAsymptoticCalculator.name] = PyhfAsymptoticCalculator
    try:
        return CALCULATORS[canonical_method(method)]
    except (KeyError, TypeError):  # TypeError: not a name at all (a list, a dict)
        raise InputError(field, f"unknown method '{method}'; use one of {', '.join((*CALCULATORS, *LAZY))}") from None


def create_calculator(method: str, counts: CountingModel, *, ntoys: int = 10_000,
                      seed: np.random.SeedSequence | None = None) -> Calculator:
    """A calculator of ``method`` for the counting model ``counts`` (``ntoys`` and ``seed`` are used by ``toys``
    only)."""
    return calculator_class(method).create(counts, ntoys=ntoys, seed=seed)
