"""Per-run inputs of the limit, loaded from ``limits/data/runs.yaml`` or a user file (``--runs FILE``).

Every value carries a status (confirmed | derived | unverified) and a source; ``schemas/runs.schema.json`` validates
the file, and a field a run leaves out is taken from the file's ``common`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from limits.errors import InputError
from limits.io.files import read_document, yaml_load
from limits.io.schemas import validate

__all__ = ["Fact", "Run", "load_runs", "runs_from_document", "DEFAULT_RUNS"]

FIELDS = ("year", "eot", "eot_uncertainty", "efficiency", "efficiency_uncertainty", "background",
          "background_uncertainty", "observed", "l_det_m", "beam_energy_gev", "ecut_gev", "ecal_resolution_stochastic",
          "ecal_resolution_constant")
DEFAULT_RUNS = "limits/data/runs.yaml"


@dataclass(frozen=True)
class Fact:
    """A value with its provenance. ``value`` is a number, or for a mass-dependent efficiency a list of
    (mass_mev, value) pairs."""

    value: Any
    status: str
    source: str


@dataclass(frozen=True)
class Run:
    """One NA64 run. Units: EOT a count; uncertainties relative except the background's (events); l_det_m in m;
    energies in GeV; the ECAL resolution sigma_E/E = a/sqrt(E[GeV]) (+) b as a (GeV^1/2) and b (fraction)."""

    name: str
    facts: dict[str, Fact]

    def __getattr__(self, item):  # run.eot -> the number
        facts = self.__dict__.get("facts", {})
        if item in facts:
            return facts[item].value
        raise AttributeError(item)

    def efficiency_at(self, mass_mev) -> np.ndarray:
        """Signal efficiency at the given masses (MeV): the constant, or the table interpolated in log(mass)."""
        value = self.facts["efficiency"].value
        m = np.asarray(mass_mev, dtype=float)
        if isinstance(value, list):
            pts = sorted(value)
            xs = np.log([p[0] for p in pts])
            ys = np.array([p[1] for p in pts])
            return np.interp(np.log(m), xs, ys)
        return np.full(m.shape, float(value))


def _fact(raw: dict) -> Fact:
    if "table" in raw:
        return Fact([(float(r["mass_mev"]), float(r["value"])) for r in raw["table"]], raw["status"], raw["source"])
    return Fact(raw["value"], raw["status"], raw["source"])


def runs_from_document(doc: Any, source: str) -> dict[str, Run]:
    """Validate a runs document and return its runs by name, with ``common`` filled in.

    Raises:
        InputError: naming ``source`` and the field (e.g. ``runs.I.eot``).
    """
    validate(doc, "runs", source)
    common = doc.get("common", {})
    out = {}
    for name, raw in doc["runs"].items():
        merged = {**common, **raw}
        missing = [f for f in FIELDS if f not in merged]
        if missing:
            raise InputError(f"{source}: runs.{name}.{missing[0]}", "missing (give it in the run or in `common`)")
        if merged["background_uncertainty"]["value"] > 10 * merged["background"]["value"]:
            raise InputError(f"{source}: runs.{name}.background_uncertainty",
                             "must not exceed 10x the background (allowed range [0, 10 b])")
        if merged["ecut_gev"]["value"] >= merged["beam_energy_gev"]["value"]:
            raise InputError(f"{source}: runs.{name}.ecut_gev", "must be below beam_energy_gev")
        out[name] = Run(name, {f: _fact(merged[f]) for f in FIELDS})
    return out


def load_runs(path: str | Path | None = None, field: str = "--runs") -> dict[str, Run]:
    """The shipped run inputs, or a user's runs file."""
    if path is None:
        text = resources.files("limits.data").joinpath("runs.yaml").read_text(encoding="utf-8")
        return runs_from_document(yaml_load(text), DEFAULT_RUNS)
    return runs_from_document(read_document(path, field), f"{field} {path}")
