"""Per-run signal-efficiency tables brought as CSV files by an analyst (from their simulation).

Mass only: a header ``mass_mev,efficiency`` or ``mass_mev,efficiency,rel_uncertainty``, then one row per mass, masses
in MeV strictly increasing, 0 < efficiency <= 1, 0 <= rel_uncertainty < 1 (the efficiency's relative uncertainty at
that mass; without the column the run's ``efficiency_uncertainty`` applies). Between rows the efficiency (and
uncertainty) is interpolated linearly in log(mass); a scan must stay inside the table's mass range.

Mass and energy (issue 24): a header ``mass_mev,e_ecal_gev,efficiency``, one row per (mass, energy) of a full grid,
sorted by mass then energy, every mass with the same (at least two) energies. ``e_ecal_gev`` is the energy the beam
particle keeps, E0 - E_Z' in GeV: the ECAL's for an electron or positron beam (before its resolution), the scattered
muon's for a muon beam; an efficiency that depends on what the event leaves in the detector is what an analyst's
simulation gives. Between grid points the efficiency is interpolated linearly in log(mass) and in e_ecal_gev, and held
at the table's edges in energy (a scan must still stay inside its masses); the yield integrals apply it per Z' energy
(:func:`limits.physics.yields.yield_per_eot`, ``efficiency``).

The file's SHA-256 goes into the inputs digest and into ``limits.json`` (``input_files``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from limits.errors import InputError
from limits.io.csvfile import mass_table_of, read_csv_rows

__all__ = ["EfficiencyGrid", "EfficiencyTable", "grid_efficiency", "read_efficiency_csv"]

HEADERS = (("mass_mev", "efficiency"), ("mass_mev", "efficiency", "rel_uncertainty"))
GRID_HEADER = ("mass_mev", "e_ecal_gev", "efficiency")
# column -> (lo, hi, lo_open, hi_open) of its allowed range
RANGES = {"mass_mev": (0.0, 1e6, True, False), "efficiency": (0.0, 1.0, True, False),
          "rel_uncertainty": (0.0, 1.0, False, True), "e_ecal_gev": (0.0, 1000.0, False, False)}


@dataclass(frozen=True)
class EfficiencyTable:
    """An efficiency table read from a file.

    Attributes:
        file: the file name as given (relative to the runs file).
        sha256: SHA-256 of the file's bytes.
        mass_mev: masses (MeV), increasing.
        efficiency: efficiency at each mass.
        rel_uncertainty: relative uncertainty at each mass, or None.
    """

    file: str
    sha256: str
    mass_mev: tuple[float, ...]
    efficiency: tuple[float, ...]
    rel_uncertainty: tuple[float, ...] | None


def _cell(text: str, where: str, column: str) -> float:
    lo, hi, lo_open, hi_open = RANGES[column]
    try:
        value = float(text)
    except ValueError:
        raise InputError(where, f"{column} '{text.strip()}' is not a number") from None
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise InputError(where, f"{column} {value:g} is outside the allowed range {interval}")
    return value


@dataclass(frozen=True)
class EfficiencyGrid:
    """An efficiency table in mass and energy read from a file.

    Attributes:
        file: the file name as given (relative to the runs file).
        sha256: SHA-256 of the file's bytes.
        mass_mev: the grid's masses (MeV), increasing.
        e_ecal_gev: the grid's energies E0 - E_Z' (GeV), increasing.
        efficiency: efficiency[i][k] at mass_mev[i] and e_ecal_gev[k].
    """

    file: str
    sha256: str
    mass_mev: tuple[float, ...]
    e_ecal_gev: tuple[float, ...]
    efficiency: tuple[tuple[float, ...], ...]


def grid_efficiency(mass_mev: np.ndarray, e_ecal_gev: np.ndarray, grid_mass_mev: ArrayLike, grid_e_ecal_gev: ArrayLike,
                    values: ArrayLike) -> np.ndarray:
    """The efficiency of a grid at every (mass, energy) pair of ``mass_mev`` (n,) x ``e_ecal_gev`` (k,): (n, k),
    linear in log(mass) and in energy, held at the energy edges (and at the mass edges: callers check the range)."""
    table = np.asarray(values, dtype=float)
    log_m = np.log(np.asarray(grid_mass_mev, dtype=float))
    energies = np.asarray(grid_e_ecal_gev, dtype=float)
    # in energy first, for every grid mass; then in log(mass)
    by_energy = np.array([np.interp(e_ecal_gev, energies, row) for row in table])  # (masses, k)
    pos = np.interp(np.log(mass_mev), log_m, np.arange(log_m.size))
    i0 = np.clip(np.floor(pos).astype(int), 0, max(log_m.size - 2, 0))
    i1 = np.minimum(i0 + 1, log_m.size - 1)
    frac = (pos - i0)[:, None]
    return np.asarray((1.0 - frac) * by_energy[i0] + frac * by_energy[i1])


def _read_grid(path: Path, name: str, field: str, sha256: str,
               rows: list[tuple[int, list[str]]]) -> EfficiencyGrid:
    cells: dict[float, list[tuple[float, float]]] = {}
    previous: tuple[float, float] | None = None
    for line, row in rows:
        where = f"{field} {path}: line {line}"
        if len(row) != 3:
            raise InputError(where, f"{len(row)} columns where the header has 3")
        mass, energy, eff = (_cell(text, where, column) for text, column in zip(row, GRID_HEADER))
        if previous is not None and (mass, energy) <= previous:
            raise InputError(where, f"(mass_mev, e_ecal_gev) ({mass:g}, {energy:g}) is not after the previous row's "
                                    f"({previous[0]:g}, {previous[1]:g}): sort by mass, then energy")
        previous = (mass, energy)
        cells.setdefault(mass, []).append((energy, eff))
    if not cells:
        raise InputError(field, f"{path}: no rows after the header")
    masses = sorted(cells)
    energies = [e for e, _ in cells[masses[0]]]
    if len(energies) < 2:
        raise InputError(field, f"{path}: at least two e_ecal_gev per mass (else use mass_mev,efficiency)")
    for mass in masses:
        if [e for e, _ in cells[mass]] != energies:
            raise InputError(field, f"{path}: mass {mass:g} MeV has other energies than mass {masses[0]:g} MeV (the "
                                    "table must be a full grid)")
    return EfficiencyGrid(name, sha256, tuple(masses), tuple(energies),
                          tuple(tuple(v for _, v in cells[m]) for m in masses))


def read_efficiency_csv(path: Path, name: str, field: str) -> EfficiencyTable | EfficiencyGrid:
    """Read and validate an efficiency CSV (in mass, or in mass and energy: the header says which).

    Args:
        path: the file.
        name: the file name as written in the runs file (recorded; relative paths keep the digest location-free).
        field: what to call it in errors, e.g. ``"runs runs.yaml: runs.I.efficiency.file"``.

    Raises:
        InputError: unreadable file, wrong header, a bad number (with its line), unsorted masses, no rows.
    """
    read = read_csv_rows(path, field)  # once: the header tells which kind of table
    sha256, header, rows = read
    if header == GRID_HEADER:
        return _read_grid(path, name, field, sha256, rows)
    table = mass_table_of(read, path, field, (*HEADERS, GRID_HEADER), _cell)
    return EfficiencyTable(name, table.sha256, table.mass_mev, table.columns[0],
                           table.columns[1] if len(table.columns) == 2 else None)
