"""Published curves for overlays and comparisons, shipped as package data.

The curves live in the repository's ``results/reference/`` (one CSV per curve, header ``mass_mev,coupling``, and
``index.json`` with each curve's analysis, model, coupling, CL, source and processing); the package ships the same
directory as ``limits._reference`` (a link, one copy), so every command finds them from any working directory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from limits.errors import InputError
from limits.frozen import freeze, frozen_cache

__all__ = ["ReferenceCurve", "load_reference", "reference_curves", "reference_names", "references_for"]


@dataclass(frozen=True, eq=False)
class ReferenceCurve:
    """A published exclusion curve.

    Attributes:
        entry: its ``index.json`` entry (name, file, analysis, model, coupling, label, cl, source, processing).
        mass_mev: masses in MeV, increasing.
        coupling: the published upper limit on the coupling (dimensionless: g, or epsilon for the dark photon).
    """

    entry: dict[str, Any]
    mass_mev: np.ndarray
    coupling: np.ndarray

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    @property
    def label(self) -> str:
        """Legend label of the curve."""
        return str(self.entry["label"])


@frozen_cache(1)
def _index() -> tuple[dict[str, Any], ...]:
    text = resources.files("limits._reference").joinpath("index.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["curves"])


@frozen_cache(None)
def _read(entry_name: str) -> ReferenceCurve:
    entry = next(e for e in _index() if e["name"] == entry_name)
    with resources.files("limits._reference").joinpath(entry["file"]).open("r", encoding="utf-8") as fh:
        data = np.loadtxt(fh, delimiter=",", skiprows=1, ndmin=2)
    return ReferenceCurve(entry, data[:, 0], data[:, 1])


def reference_names() -> list[str]:
    """Names of the shipped published curves.

    Example:
        >>> "na64-prl129-2022-bl-unbroken" in reference_names()
        True
    """
    return [e["name"] for e in _index()]


def references_for(analysis: str, model: str) -> list[ReferenceCurve]:
    """The published curves registered for (analysis, model); empty if none."""
    return [_read(e["name"]) for e in _index() if e.get("analysis") == analysis and e.get("model") == model]


def load_reference(name: str, field: str = "name") -> ReferenceCurve:
    """A shipped curve by name.

    Raises:
        InputError: unknown name (the message lists the known ones).

    Example:
        >>> curve = load_reference("na64-prl129-2022-bl-unbroken")
        >>> curve.entry["coupling"], curve.mass_mev.size == curve.coupling.size
        ('g', True)
    """
    if name not in reference_names():
        raise InputError(field, f"unknown curve '{name}'; shipped curves: {', '.join(reference_names())}")
    return _read(name)


def reference_curves() -> list[dict[str, Any]]:
    """The shipped published curves: name, analysis, model, coupling, CL, points and source of each.

    Example:
        >>> [c["name"] for c in reference_curves()][:1]
        ['na64-prl129-2022-bl-unbroken']
    """
    keys = ("name", "analysis", "model", "coupling", "cl", "points", "source")
    return [{k: load_reference(n).entry.get(k) for k in keys} for n in reference_names()]
