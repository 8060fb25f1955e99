"""Upper limits on the signal strength mu for signal patches of a workspace, with the calculator chosen by name.

mu_up solves CLs(mu) = 1 - CL, observed and expected (:data:`~limits.stats.interface.BAND_LABELS` order). The
workspaces are pyhf JSON (a background-only spec and one signal patch per mass, :mod:`limits.workspace.build`); they
are read into :class:`~limits.stats.counting.CountingModel` arrays, and the calculator comes from
:mod:`limits.stats.registry`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from limits.stats.counting import counting_model
from limits.stats.interface import MuLimit
from limits.stats.registry import calculator_class

__all__ = ["mu_limits", "mu_limits_batch", "strip_systematics"]


def strip_systematics(bkg_only: dict[str, Any], patch: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of a workspace and patch with every constrained modifier removed (``--stat-only``)."""
    bkg = copy.deepcopy(bkg_only)
    for channel in bkg["channels"]:
        for sample in channel["samples"]:
            sample["modifiers"] = []
    patch = copy.deepcopy(patch)
    for op in patch["patch"]:
        op["value"]["modifiers"] = [m for m in op["value"]["modifiers"] if m["type"] == "normfactor"]
    return bkg, patch


def mu_limits_batch(method: str, bkg_only: dict[str, Any], patches: Sequence[dict[str, Any]], cl: float, *,
                    ntoys: int = 10_000, seeds: Sequence[np.random.SeedSequence | None] | None = None) -> list[MuLimit]:
    """Observed and expected mu upper limits at confidence level ``cl`` for each signal patch of one workspace.

    Args:
        method: a registry name (``exact``, ``asymptotic``, ``toys``, ``asymptotic-pyhf``).
        bkg_only: the background-only workspace (pyhf JSON).
        patches: signal patches (one per mass).
        cl: confidence level, e.g. 0.9.
        ntoys: toys per hypothesis and mu point (``toys``).
        seeds: one seed per patch (``toys``); default ``SeedSequence(0)`` each.
    """
    counts = [counting_model(bkg_only, p) for p in patches]
    seeds = [None] * len(counts) if seeds is None else list(seeds)
    return calculator_class(method).upper_limits(counts, 1.0 - cl, ntoys=ntoys, seeds=seeds)


def mu_limits(method: str, bkg_only: dict[str, Any], patch: dict[str, Any], cl: float, *, ntoys: int = 10_000,
              seed: np.random.SeedSequence | None = None) -> MuLimit:
    """:func:`mu_limits_batch` for one patch."""
    return mu_limits_batch(method, bkg_only, [patch], cl, ntoys=ntoys, seeds=[seed])[0]
