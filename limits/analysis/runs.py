"""Per-run inputs of the limit, loaded from ``limits/data/runs.yaml`` or a user file (``--runs FILE``).

Every value carries a status (confirmed | derived | unverified) and a source; ``schemas/runs.schema.json`` validates
the file, and a field a run leaves out is taken from the file's ``common`` block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from limits.analysis.efficiency import EfficiencyGrid, grid_efficiency, read_efficiency_csv
from limits.errors import InputError
from limits.frozen import freeze
from limits.io.files import read_document, yaml_load
from limits.io.schemas import validate

__all__ = ["Fact", "Run", "load_runs", "runs_from_document", "DEFAULT_RUNS"]

OPTIONAL_FIELDS = ("beam_particle", "target_depth_x0", "beam_energy_spread_gev")
"""Fields a run file may leave out everywhere: their defaults (NA64's electron beam on its 40 X0 ECAL) apply."""
FIELDS = ("year", "eot", "eot_uncertainty", "efficiency", "efficiency_uncertainty", "background",
          "background_uncertainty", "observed", "l_det_m", "beam_energy_gev", "ecut_gev", "ecal_resolution_stochastic",
          "ecal_resolution_constant", *OPTIONAL_FIELDS)
DEFAULT_RUNS = "limits/data/runs.yaml"
_DEFAULTS = {  # what a run file that predates positron and muon beams means
    "beam_particle": {"value": "e-", "status": "confirmed", "source": "default: NA64's electron beam"},
    "target_depth_x0": {"value": 40, "status": "confirmed",
                        "source": "default: NA64's ECAL, 150 x 1.5 mm Pb (40 X0), arXiv:2606.17320"},
    "beam_energy_spread_gev": {"value": 0, "status": "unverified",
                               "source": "default: no paper states the beam's momentum spread (PRL 129 keeps beam "
                                         "tracks within 100 +- 3 GeV; arXiv:2606.17320 quotes dp/p ~ 1 % for the "
                                         "spectrometer's resolution, not the beam's spread)"},
}


@dataclass(frozen=True)
class Fact:
    """A value with its provenance. ``value`` is a number, or for a mass-dependent efficiency a list of
    (mass_mev, value) pairs; an efficiency read from a CSV file also records the file (as named in the runs file), its
    SHA-256 and, if the file gives them, the relative uncertainties at the same masses."""

    value: Any
    status: str
    source: str
    file: str | None = None
    sha256: str | None = None
    uncertainty: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", freeze(self.value))  # a table is shared by every user of the run


@dataclass(frozen=True)
class Run:
    """One NA64 run. Units: EOT a count (of the run's beam particles: electrons, positrons or muons on target);
    target depth in X0; uncertainties relative except the background's (events); l_det_m in m;
    energies in GeV; the ECAL resolution sigma_E/E = a/sqrt(E[GeV]) (+) b as a (GeV^1/2) and b (fraction)."""

    name: str
    facts: Mapping[str, Fact]

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", freeze(dict(self.facts)))

    def __getattr__(self, item):  # run.eot -> the number
        facts = self.__dict__.get("facts", {})
        if item in facts:
            return facts[item].value
        raise AttributeError(item)

    def efficiency_uncertainty_at(self, mass_mev: float) -> float:
        """Relative efficiency uncertainty at one mass (MeV): the efficiency file's column if it has one (interpolated
        in log(mass)), else ``efficiency_uncertainty``."""
        fact = self.facts["efficiency"]
        if fact.uncertainty is None:
            return float(self.facts["efficiency_uncertainty"].value)
        xs = np.log([p[0] for p in fact.value])
        return float(np.interp(np.log(mass_mev), xs, np.array(fact.uncertainty)))

    def efficiency_file_range_mev(self) -> tuple[float, float] | None:
        """(lowest, highest) mass of an efficiency read from a file, or None for a number or an inline table."""
        fact = self.facts["efficiency"]
        if fact.file is None:
            return None
        return float(fact.value[0][0]), float(fact.value[-1][0])

    @property
    def efficiency_depends_on_energy(self) -> bool:
        """Whether the efficiency is a table in mass and energy (:mod:`limits.analysis.efficiency`)."""
        value = self.facts["efficiency"].value
        return isinstance(value, (list, tuple)) and len(value[0]) == 3

    def efficiency_at_energy(self, mass_mev: np.ndarray, e_ecal_gev: np.ndarray) -> np.ndarray:
        """Efficiency (n, k) at masses (MeV, (n,)) and energies E0 - E_Z' (GeV, (k,)): the grid interpolated, or a
        mass-only efficiency repeated over the energies."""
        m = np.atleast_1d(np.asarray(mass_mev, dtype=float))
        e = np.atleast_1d(np.asarray(e_ecal_gev, dtype=float))
        if not self.efficiency_depends_on_energy:
            return np.repeat(self.efficiency_at(m)[:, None], e.size, axis=1)
        rows = self.facts["efficiency"].value
        masses = sorted({r[0] for r in rows})
        energies = sorted({r[1] for r in rows})
        values = np.array([r[2] for r in rows]).reshape(len(masses), len(energies))
        return grid_efficiency(m, e, masses, energies, values)

    def efficiency_at(self, mass_mev) -> np.ndarray:
        """Signal efficiency at the given masses (MeV): the constant, or the table interpolated in log(mass).

        Raises:
            InputError: the efficiency depends on the energy too (use :meth:`efficiency_at_energy`).
        """
        if self.efficiency_depends_on_energy:
            raise InputError(f"runs.{self.name}.efficiency", "depends on the Z' energy: it applies inside the yield "
                                                             "integral, not to a yield")
        value = self.facts["efficiency"].value
        m = np.asarray(mass_mev, dtype=float)
        if isinstance(value, (list, tuple)):
            pts = sorted(value)
            xs = np.log([p[0] for p in pts])
            ys = np.array([p[1] for p in pts])
            return np.interp(np.log(m), xs, ys)
        return np.full(m.shape, float(value))


def _fact(raw: dict, field: str, base: Path | None) -> Fact:
    if "table" in raw:
        return Fact([(float(r["mass_mev"]), float(r["value"])) for r in raw["table"]], raw["status"], raw["source"])
    if "file" in raw:
        if base is None:
            raise InputError(field, "an efficiency file needs a runs file to be relative to")
        table = read_efficiency_csv(base / raw["file"], raw["file"], field)
        if isinstance(table, EfficiencyGrid):  # in mass and energy: (mass, e_ecal, efficiency) rows
            rows = [(m, e, table.efficiency[i][k]) for i, m in enumerate(table.mass_mev)
                    for k, e in enumerate(table.e_ecal_gev)]
            return Fact(rows, raw["status"], raw["source"], file=table.file, sha256=table.sha256)
        return Fact(list(zip(table.mass_mev, table.efficiency)), raw["status"], raw["source"], file=table.file,
                    sha256=table.sha256, uncertainty=table.rel_uncertainty)
    return Fact(raw["value"], raw["status"], raw["source"])


def runs_from_document(doc: Any, source: str, base: Path | None = None) -> dict[str, Run]:
    """Validate a runs document and return its runs by name, with ``common`` filled in.

    Args:
        doc: the parsed runs file.
        source: what to call it in errors.
        base: the directory efficiency files are relative to (the runs file's).

    Raises:
        InputError: naming ``source`` and the field (e.g. ``runs.I.eot``).
    """
    doc = validate(doc, "runs", source)
    common = doc.get("common", {})
    out = {}
    for name, raw in doc["runs"].items():
        merged = {**_DEFAULTS, **common, **raw}
        missing = [f for f in FIELDS if f not in merged]
        if missing:
            raise InputError(f"{source}: runs.{name}.{missing[0]}", "missing (give it in the run or in `common`)")
        if merged["background_uncertainty"]["value"] > 10 * merged["background"]["value"]:
            raise InputError(f"{source}: runs.{name}.background_uncertainty",
                             "must not exceed 10x the background (allowed range [0, 10 b])")
        if merged["ecut_gev"]["value"] >= merged["beam_energy_gev"]["value"]:
            raise InputError(f"{source}: runs.{name}.ecut_gev", "must be below beam_energy_gev")
        out[name] = Run(name, {f: _fact(merged[f], f"{source}: runs.{name}.{f}", base) for f in FIELDS})
    return out


def load_runs(path: str | Path | None = None, field: str = "runs") -> dict[str, Run]:
    """The shipped run inputs, or a user's runs file."""
    if path is None:
        text = resources.files("limits.data").joinpath("runs.yaml").read_text(encoding="utf-8")
        return runs_from_document(yaml_load(text), DEFAULT_RUNS)
    return runs_from_document(read_document(path, field), f"{field} {path}", Path(path).parent)
