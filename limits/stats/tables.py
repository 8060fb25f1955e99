"""CLs tables of a signal shape: CLs as a function of the total signal, evaluated once per (method, shape) on the
shape's canonical model and remembered; every mass of the shape reads its CLs column off the table (``--grid``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from limits.frozen import freeze
from limits.stats.counting import CountingModel
from limits.stats.registry import calculator_class
from limits.stats.shapes import CANONICAL_EVENTS, canonical_seed, canonical_shape

__all__ = ["CLS_TABLE_EVENTS", "cls_table"]


CLS_TABLE_EVENTS = np.geomspace(0.02, 200.0, 121)
"""Total signal (events) at which :func:`cls_table` evaluates CLs at zero observed events, 30 points per decade
(scaled with the canonical model's total otherwise)."""

_TABLES: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def cls_table(method: str, counts: CountingModel, *, ntoys: int = 10_000,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CLs of a signal shape as a function of its total signal: (events (k,), observed (k,), expected (k, 5)).

    Evaluated once per (method, shape) on the canonical model (:func:`canonical_shape`) at
    :data:`CLS_TABLE_EVENTS` and remembered: every mass of a shape reads its CLs column off this table (``--grid``),
    whatever the method (the toys use the shape's seed, :func:`shape_seed`).
    """
    key, canon = canonical_shape(counts)
    memo = (calculator_class(method).name, ntoys, seed, key)
    if memo not in _TABLES:
        calc = calculator_class(method).create(canon, ntoys=ntoys, seed=canonical_seed(seed, canon))
        total = float(canon.signal.sum())
        events = CLS_TABLE_EVENTS * total / CANONICAL_EVENTS  # the table follows the canonical scale
        obs, exp = calc.cls(events / total)
        if len(_TABLES) > 256:
            _TABLES.clear()
        _TABLES[memo] = freeze((events, np.asarray(obs, float), np.asarray(exp, float)))
    return _TABLES[memo]
