"""CLs tables of a signal shape: CLs as a function of the total signal, evaluated once per (method, shape) on the
shape's canonical model and remembered; every mass of the shape reads its CLs column off the table (``--grid``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from limits.frozen import freeze
from limits.stats.counting import CountingModel
from limits.stats.registry import calculator_class
from limits.stats.shapes import CANONICAL_EVENTS, canonical_seed, canonical_shape

__all__ = ["CLS_TABLE_EVENTS", "cls_table", "cls_tables"]


CLS_TABLE_EVENTS = np.geomspace(0.02, 200.0, 121)
"""Total signal (events) at which :func:`cls_table` evaluates CLs at zero observed events, 30 points per decade
(scaled with the canonical model's total otherwise)."""

_TABLES: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
_TABLES_MAX = 4096  # tables of 121 x 6 doubles: ~25 MB at most


def cls_table(method: str, counts: CountingModel, *, ntoys: int = 10_000,
              seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CLs of a signal shape as a function of its total signal: (events (k,), observed (k,), expected (k, 5)).

    Evaluated once per (method, shape) on the canonical model (:func:`canonical_shape`) at
    :data:`CLS_TABLE_EVENTS` and remembered: every mass of a shape reads its CLs column off this table (``--grid``),
    whatever the method (the toys use the shape's seed, :func:`shape_seed`).
    """
    return cls_tables(method, [counts], ntoys=ntoys, seed=seed)[0]


def cls_tables(method: str, models: Sequence[CountingModel], *, ntoys: int = 10_000,
               seed: int = 0) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`cls_table` of each model; the shapes not remembered yet are evaluated together
    (:meth:`~limits.stats.interface.Calculator.cls_many`: one vectorised evaluation for the hybrid method), with the
    same tables as one at a time."""
    calc = calculator_class(method)
    shapes = [canonical_shape(c) for c in models]
    memos = [(calc.name, ntoys, seed, key) for key, _ in shapes]
    todo = {memo: canon for memo, (_, canon) in zip(memos, shapes) if memo not in _TABLES}
    if todo:
        canons = list(todo.values())
        totals = [float(c.signal.sum()) for c in canons]
        events = [CLS_TABLE_EVENTS * total / CANONICAL_EVENTS for total in totals]  # follows the canonical scale
        curves = calc.cls_many(canons, [e / t for e, t in zip(events, totals)], ntoys=ntoys,
                               seeds=[canonical_seed(seed, c) for c in canons])
        if len(_TABLES) + len(todo) > _TABLES_MAX:
            _TABLES.clear()
        for memo, e, (obs, exp) in zip(todo, events, curves):
            _TABLES[memo] = freeze((e, np.asarray(obs, float), np.asarray(exp, float)))
    return [_TABLES[memo] for memo in memos]
