"""Externally simulated signal yields (e.g. from DMG4) replacing the first-principles yield of an analysis.

An analysis file may name CSV tables, one common to all runs (``file``) or one per run (``files``), for one model
(``model``), with a header

    mass_mev, coupling_ref, <quantity>

where <quantity> is ``yield_per_eot`` (per electron on target; the run's EOT and efficiency are applied as for our
own yields, PRL 129 Eq. 5) or ``signal_events`` (the run's expected events, EOT and efficiency included; per-run
tables only), either as one column or split as ``<quantity>_brem`` and ``<quantity>_annihilation``. Each row is the
yield at the reference coupling of that row. Masses (MeV) strictly increasing; the yield is interpolated linearly in
(log m, log yield) and a scan must stay inside the table (no extrapolation).

Coupling dependence, as our yields: the production scales as g^2, and the decay factor of PRL 129 Eq. 6,
<P_inv> = <BR_inv + (1 - BR_inv) exp(-L_det/L_Z')> over the Z' spectrum, is computed from our widths and our spectra's
shape (bremsstrahlung and annihilation separately when the table splits them, else their sum):

    Y(m, g) = Y_ref(m) (g/g_ref)^2 <P_inv>(m, g) / <P_inv>(m, g_ref)      if ``includes_decay_factor``,
    Y(m, g) = Y_ref(m) (g/g_ref)^2 <P_inv>(m, g)                          otherwise (a production table).

A table equal to our own yields therefore reproduces our limits. Each file's SHA-256 enters the inputs digest and
``limits.json`` (``input_files``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from limits.errors import InputError
from limits.frozen import freeze
from limits.io.csvfile import read_mass_table

__all__ = ["ExternalTable", "ExternalYields", "read_external_table"]

QUANTITIES = ("yield_per_eot", "signal_events")
HEADERS = [("mass_mev", "coupling_ref", q) for q in QUANTITIES] + \
          [("mass_mev", "coupling_ref", f"{q}_brem", f"{q}_annihilation") for q in QUANTITIES]


@dataclass(frozen=True)
class ExternalTable:
    """One external yield table.

    Attributes:
        file: the file name as given (relative to the analysis file); sha256: of its bytes.
        quantity: ``yield_per_eot`` or ``signal_events``.
        mass_mev, coupling_ref: the rows.
        split: whether the table gives bremsstrahlung and annihilation separately.
        total: the yield at coupling_ref (the sum of the split columns).
        brem, annihilation: the split columns, or None.
    """

    file: str
    sha256: str
    quantity: str
    split: bool
    mass_mev: tuple[float, ...]
    coupling_ref: tuple[float, ...]
    total: tuple[float, ...]
    brem: tuple[float, ...] | None
    annihilation: tuple[float, ...] | None

    def at(self, mass_mev: np.ndarray) -> dict[str, np.ndarray]:
        """Interpolated columns at ``mass_mev`` (log-log in mass; coupling_ref log-linear): keys coupling_ref, total,
        and brem/annihilation if split. Zero stays zero."""
        x = np.log(np.asarray(mass_mev, dtype=float))
        xs = np.log(self.mass_mev)

        def loglog(values: tuple[float, ...]) -> np.ndarray:
            v = np.asarray(values, dtype=float)
            positive = v > 0
            logs = np.log(np.where(positive, v, 1.0))
            out = np.exp(np.interp(x, xs, logs))
            zero = np.interp(x, xs, (~positive).astype(float)) > 0  # any zero row next to the point
            return np.where(zero, np.interp(x, xs, v), out)

        cols = {"coupling_ref": np.exp(np.interp(x, xs, np.log(self.coupling_ref))), "total": loglog(self.total)}
        if self.brem is not None and self.annihilation is not None:
            cols["brem"], cols["annihilation"] = loglog(self.brem), loglog(self.annihilation)
        return cols


def _cell(text: str, where: str, what: str) -> float:
    """A cell: mass_mev and coupling_ref > 0, yields >= 0."""
    positive = what in ("mass_mev", "coupling_ref")
    try:
        value = float(text)
    except ValueError:
        raise InputError(where, f"{what} '{text.strip()}' is not a number") from None
    if not math.isfinite(value) or (value <= 0 if positive else value < 0):
        raise InputError(where, f"{what} {value:g} must be {'> 0' if positive else '>= 0'}")
    return value


def read_external_table(path: Path, name: str, field: str) -> ExternalTable:
    """Read and validate one external yield table (see the module docstring for the format).

    Raises:
        InputError: unreadable file, wrong header, a bad number (with its line), unsorted masses, no rows.
    """
    table = read_mass_table(path, field, HEADERS, _cell)
    coupling_ref, *cols = table.columns
    split = len(cols) == 2
    total = tuple(sum(v) for v in zip(*cols))
    return ExternalTable(name, table.sha256, table.header[2].replace("_brem", ""), split, table.mass_mev,
                         coupling_ref, total, cols[0] if split else None, cols[1] if split else None)


# (mass_mev, coupling) -> <P_inv> of (bremsstrahlung, annihilation, both together) from our own spectra
InvisibleFraction = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ExternalYields:
    """The external yields of an analysis.

    Attributes:
        model: the model the tables were simulated for (a scan of another model is refused).
        includes_decay_factor: the tables already contain PRL 129 Eq. 6 at their reference couplings.
        status, source: provenance, as every input.
        common: one table for every run, or None.
        per_run: run name -> table, or empty.
    """

    model: str
    includes_decay_factor: bool
    status: str
    source: str
    common: ExternalTable | None
    per_run: Mapping[str, ExternalTable]

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_run", freeze(dict(self.per_run)))

    def table_for(self, run: str) -> ExternalTable:
        """The table of a run."""
        return self.common if self.common is not None else self.per_run[run]

    def tables(self) -> dict[str, ExternalTable]:
        """Every table by the field that names it (``external_yields.file`` or ``external_yields.files.<run>``)."""
        if self.common is not None:
            return {"external_yields.file": self.common}
        return {f"external_yields.files.{run}": t for run, t in self.per_run.items()}

    def mass_range_mev(self) -> tuple[float, float]:
        """The masses every table covers."""
        tables = list(self.tables().values())
        return max(t.mass_mev[0] for t in tables), min(t.mass_mev[-1] for t in tables)

    def scaled(self, run: str, mass_mev: np.ndarray, coupling: np.ndarray,
               invisible_fraction: InvisibleFraction) -> tuple[str, np.ndarray]:
        """(quantity, values) of ``run`` at the points: the table scaled to the coupling with the decay factor.

        Args:
            run: the run's name.
            mass_mev, coupling: the points (same shape).
            invisible_fraction: <P_inv> of our own spectra for this run's set-up (brem, annihilation, both).
        """
        table = self.table_for(run)
        cols = table.at(mass_mev)
        ref = cols["coupling_ref"]
        fractions = np.array(invisible_fraction(mass_mev, coupling))
        if self.includes_decay_factor:
            with np.errstate(divide="ignore", invalid="ignore"):
                fractions = fractions / np.array(invisible_fraction(mass_mev, ref))
        fractions = np.nan_to_num(fractions)  # a channel our spectra do not produce at this mass
        scale = (coupling / ref) ** 2
        if table.split:
            values = scale * (cols["brem"] * fractions[0] + cols["annihilation"] * fractions[1])
        else:
            values = scale * cols["total"] * fractions[2]
        return table.quantity, np.asarray(values)
