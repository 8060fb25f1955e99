"""What determines a scan: :class:`ScanConfig`, validated on construction, and the digest of all its inputs."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from limits._version import __version__
from limits.analysis.definition import Analysis
from limits.errors import InputError
from limits.io.checks import number_in_range
from limits.io.masses import check_masses_mev
from limits.physics.models import Model
from limits.physics.tables import table_checksums
from limits.stats.registry import METHODS, canonical_method

__all__ = ["CL_RANGE", "NTOYS_RANGE", "SEED_RANGE", "ScanConfig"]

CL_RANGE = (0.5, 0.9999)
NTOYS_RANGE = (100, 10_000_000)
SEED_RANGE = (0, 2**63 - 1)


@dataclass(frozen=True, kw_only=True)
class ScanConfig:
    """Everything that determines a scan's result (and its digest).

    Attributes:
        analysis: the analysis (runs, channels, mass range).
        model: the Z' model.
        masses_mev: Z' masses in MeV, inside the analysis' mass range.
        method: CLs calculator, one of :data:`limits.stats.registry.METHODS` (``exact``, the old name of ``hybrid``,
            is accepted and recorded as ``hybrid``).
        cl: confidence level in [0.5, 0.9999].
        stat_only: drop every systematic uncertainty.
        ntoys: toys per hypothesis and mu point (``toys``), in [100, 10^7].
        seed: seed of every random number, in [0, 2^63 - 1].
        grid: also evaluate CLs on the (mass, coupling) grid and extract the contours.
        return_cls: give every mass the CLs its limits were solved from (:attr:`MassLimit.cls_scan`); returned, not
            written, so not part of the digest or the output name.

    Raises:
        InputError: a setting outside its range (the field is named).
    """

    analysis: Analysis
    model: Model
    masses_mev: tuple[float, ...]
    method: str = "hybrid"
    cl: float = 0.9
    stat_only: bool = False
    ntoys: int = 10_000
    seed: int = 0
    grid: bool = False
    return_cls: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", canonical_method(self.method))  # "exact" is recorded as "hybrid"
        if self.method not in METHODS:
            raise InputError("method", f"'{self.method}' is not one of {', '.join(METHODS)} (alias: exact = hybrid)")
        number_in_range("cl", self.cl, *CL_RANGE)
        number_in_range("ntoys", self.ntoys, *NTOYS_RANGE, whole=True)
        number_in_range("seed", self.seed, *SEED_RANGE, whole=True)
        if self.model.document is None:
            raise InputError("model", f"{self.model.name} has no model document (an internal helper model): scan a "
                                      "model from get_model or Model.replace")
        if not self.model.couples_to_electrons:
            raise InputError("model", f"{self.model.name} does not couple to electrons (charges.e = 0 and no kinetic "
                                      "mixing): NA64's electron beam produces no Z', there is nothing to constrain")
        masses = check_masses_mev(self.masses_mev, *self.analysis.mass_range_mev)
        self.analysis.check_masses_mev(masses)
        object.__setattr__(self, "masses_mev", tuple(float(m) for m in masses))

    @property
    def output_name(self) -> str:
        """The scan's directory name under ``<root>/<analysis>/``: the model's output name
        (:attr:`limits.physics.models.Model.output_name`) and every setting that changes what the limits are, other
        than the defaults: ``.<method>``, ``.cl<percent>``, ``.stat-only``, ``.grid``. Scans of different methods,
        levels or models never write over each other; a rerun with another seed or toy count replaces the previous one.

        Example:
            >>> from limits.analysis.definition import get_analysis
            >>> from limits.physics.models import get_model
            >>> a, m = get_analysis("na64-2026"), get_model("bl-unbroken")
            >>> ScanConfig(analysis=a, model=m, masses_mev=(1.0,)).output_name
            'bl-unbroken'
            >>> ScanConfig(analysis=a, model=m, masses_mev=(1.0,), method="asymptotic", cl=0.95).output_name
            'bl-unbroken.asymptotic.cl95'
        """
        parts = [self.model.output_name]
        if self.method != "hybrid":
            parts.append(self.method)
        if self.cl != 0.9:
            parts.append(f"cl{100 * self.cl:g}")
        if self.stat_only:
            parts.append("stat-only")
        if self.grid:
            parts.append("grid")
        return ".".join(parts)

    def digest(self) -> str:
        """SHA-256 of the canonical text of the inputs: analysis and runs (every value as read from their files, the
        SHA-256 of the files they name), the model's document, method settings, masses (canonical,
        :mod:`limits.io.masses`), package version and table checksums.

        Nothing in it is a computed float, so the same inputs give the same digest on every CPU and numpy build (the
        model's derived charges, e.g. a loop-induced kinetic mixing through ``log``, are left out for that reason:
        the document determines them).
        """
        payload = {
            "analysis": dataclasses.asdict(self.analysis), "model": self.model.document,
            "method": self.method, "cl": self.cl, "masses_mev": list(self.masses_mev), "stat_only": self.stat_only,
            "ntoys": self.ntoys if self.method == "toys" else None, "seed": self.seed, "grid": self.grid,
            "limits": __version__, "tables": table_checksums(),
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()
