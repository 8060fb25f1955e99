"""The typed result of a scan, :class:`ScanResult`, and its files: ``limits.json`` (``schemas/limits.schema.json``),
``limits.csv`` and, in ``--grid`` mode, ``cls_grid.json``.

A result is a frozen container: the scan's settings, one :class:`~limits.scanning.point.MassLimit` per mass, and
numpy arrays over the masses (``mass_mev``, ``g_obs``, ``g_exp`` with shape (n, 5) in
:data:`~limits.stats.interface.BAND_LABELS` order, ...). A missing limit (no exclusion, failed mass) is NaN in the
arrays and ``null`` in the file. ``to_json`` and ``from_json`` round-trip byte for byte; ``from_json`` validates the
file against the schema first.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from limits.errors import InputError
from limits.frozen import freeze, readonly, thaw
from limits.io.files import atomic_path, atomic_paths, check_output_dir, directory_lock, json_safe, read_json
from limits.io.paths import LIMITS_CSV, LIMITS_JSON
from limits.io.schemas import validate
from limits.physics.models import Model, get_model
from limits.scanning.point import MassLimit
from limits.stats.interface import BAND_LABELS, CLsScan

__all__ = ["LimitCurves", "ScanResult", "json_safe", "write_outputs"]

_SETTINGS = ("analysis", "model", "coupling", "method", "cl", "stat_only", "seed", "ntoys", "expected_bands",
             "inputs_digest")


def _cell(value: float | None) -> str:
    """A CSV number: full precision (repr), ``nan`` where the limit is missing."""
    return repr(math.nan if value is None else value)


def _floats(values: list[Any]) -> np.ndarray:
    return readonly(np.array([math.nan if v is None else v for v in values], dtype=float))


class LimitCurves(NamedTuple):
    """The masses of a scan that have a limit (status ``ok``), as arrays.

    Attributes:
        mass_mev: masses (MeV).
        obs: observed coupling limit; exp: expected limits, shape (n, 5) in band order (-2 sigma ... +2 sigma).
    """

    mass_mev: np.ndarray
    obs: np.ndarray
    exp: np.ndarray


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Exclusion limits of one scan: settings, per-mass records and arrays.

    Attributes:
        analysis, model: names of the analysis and the Z' model.
        model_document: the model's document (``schemas/model.schema.json``): what the limits are of, whatever the
            name (a user model may take a built-in's name); None in files written before it was recorded.
        setups: the set-up of each run (:meth:`limits.physics.setup.Setup.record`: beam, cut, ECAL resolution,
            L_det, production switches), by run name; None in files written before it was recorded.
        coupling: the model's coupling symbol, ``"g"`` or ``"epsilon"`` (dimensionless).
        method: the CLs calculator (``hybrid``, ``asymptotic``, ``toys``; older files may say ``exact``).
        cl: confidence level (0.9 for the 90 % CL limits).
        stat_only: systematic uncertainties dropped.
        seed: seed of every random number of the scan.
        ntoys: toys per hypothesis and mu point (None unless ``method == "toys"``).
        expected_bands: how the expected limits are defined.
        inputs_digest: SHA-256 of every input (analysis, runs, model, settings, masses, tables, package version).
        assumptions: the analysis' stated assumptions, topic -> statement.
        versions: package versions that computed it.
        points: the result at each mass (:class:`~limits.scanning.point.MassLimit`; mappings given here are read as
            ``limits.json`` point records).
        input_files: files the inputs were read from, with their SHA-256 (e.g. ``{"runs.I.efficiency":
            {"file": ..., "sha256": ...}}``); empty for the shipped inputs.
        dark_sector: the model's dark sector, ``{"particle": "complex_scalar" | "dirac_fermion", "alpha_d": ...,
            "mass_ratio": m_Z'/m_chi}``, or None without one.
        muon_coupling_per_unit: the Z'-muon coupling g_mu per unit coupling parameter (dimensionless; e.g. 1 for
            B-L, ~0.996 for L_mu - L_tau with its loop mixing, e for the dark photon), from which the (g-2)_mu band
            is drawn in the coupling; None where g_mu is not proportional to it (an absolute kinetic mixing).
        contours: --grid mode: CLs = 1 - CL contours ``{"obs": [...], "exp": {label: [...]}}`` of [mass_mev, g]
            polylines; None otherwise.
        method_description: what the method is (test statistic, nuisance treatment and priors), for readers.

    Arrays (length n = number of masses; NaN where a mass has no limit): ``mass_mev``, ``g_obs``, ``g_exp`` (n, 5),
    ``mu_obs``, ``mu_exp`` (n, 5), ``s_obs`` (events), ``g_ref``, ``status`` (str), ``ok`` (bool).
    """

    analysis: str
    model: str
    coupling: str
    method: str
    cl: float
    stat_only: bool
    seed: int
    ntoys: int | None
    expected_bands: str
    inputs_digest: str
    assumptions: dict[str, str]
    versions: dict[str, str]
    points: tuple[MassLimit, ...]
    dark_sector: dict[str, Any] | None = None
    muon_coupling_per_unit: float | None = None
    input_files: dict[str, dict[str, str]] = field(default_factory=dict)
    contours: dict[str, Any] | None = None
    band_order: tuple[str, ...] = field(default=BAND_LABELS)
    method_description: str = ""
    model_document: Mapping[str, Any] | None = None
    setups: Mapping[str, Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(p if isinstance(p, MassLimit) else MassLimit.from_record(p)
                                                 for p in self.points))
        # shared with every caller: read-only (limits.frozen); the arrays below are read-only too
        freeze(self)

    # -- arrays ------------------------------------------------------------------------------------------------
    @functools.cached_property
    def mass_mev(self) -> np.ndarray:
        """Z' masses, MeV."""
        return _floats([p.mass_mev for p in self.points])

    @functools.cached_property
    def g_obs(self) -> np.ndarray:
        """Observed upper limit on the coupling (lower edge of the excluded region), NaN without one."""
        return _floats([p.g_obs for p in self.points])

    @functools.cached_property
    def g_exp(self) -> np.ndarray:
        """Expected limits on the coupling, shape (n, 5), :attr:`band_order`."""
        return _floats([v for p in self.points for v in p.g_exp]).reshape(-1, 5)

    @functools.cached_property
    def mu_obs(self) -> np.ndarray:
        """Observed upper limit on the signal strength of the reference-coupling patch."""
        return _floats([p.mu_obs for p in self.points])

    @functools.cached_property
    def mu_exp(self) -> np.ndarray:
        """Expected upper limits on the signal strength, shape (n, 5)."""
        return _floats([v for p in self.points for v in (p.mu_exp or [None] * 5)]).reshape(-1, 5)

    @functools.cached_property
    def s_obs(self) -> np.ndarray:
        """Total expected signal events at the observed limit (mu_obs x S(g_ref))."""
        return _floats([p.s_obs for p in self.points])

    @functools.cached_property
    def g_ref(self) -> np.ndarray:
        """Reference coupling of each mass's workspace patch."""
        return _floats([p.g_ref for p in self.points])

    @functools.cached_property
    def m_chi_mev(self) -> np.ndarray:
        """Dark-matter mass m_Z'/mass_ratio in MeV (NaN without a dark sector)."""
        return _floats([p.m_chi_mev for p in self.points])

    @functools.cached_property
    def y_obs(self) -> np.ndarray:
        """The observed limit as y = eps_eff^2 alpha_D (m_chi/m_Z')^4 (NaN without a dark sector)."""
        return _floats([p.y_obs for p in self.points])

    @functools.cached_property
    def y_exp(self) -> np.ndarray:
        """The expected limits as y, shape (n, 5)."""
        return _floats([v for p in self.points for v in (p.y_exp or [None] * 5)]).reshape(-1, 5)

    @functools.cached_property
    def status(self) -> np.ndarray:
        """Per mass: ``ok``, ``no_exclusion``, ``excluded_at_scan_floor`` (excluded down to the lowest coupling of the
        grid, see ``excluded_intervals``) or ``failed``."""
        return readonly(np.array([p.status for p in self.points], dtype=str))

    @property
    def ok(self) -> np.ndarray:
        """Masses with a limit (status ``ok``)."""
        return self.status == "ok"

    def curves(self) -> LimitCurves:
        """The observed and expected limits of the masses with status ``ok`` (what figures and tables show)."""
        ok = self.ok
        return LimitCurves(readonly(self.mass_mev[ok]), readonly(self.g_obs[ok]), readonly(self.g_exp[ok]))

    @property
    def cls_scans(self) -> tuple[CLsScan | None, ...]:
        """Per mass, the CLs its mu limits were solved from (:class:`~limits.stats.interface.CLsScan`: mu of the
        mass's reference-coupling patch, observed and expected CLs), in a scan run with ``return_cls``; None for a
        mass without a limit, and for every mass of a scan without ``return_cls`` or read from files.

        Example:
            >>> import limits
            >>> res = limits.scan("na64-2026", "bl-unbroken", mass_mev=[10.0], return_cls=True)
            >>> scan = res.cls_scans[0]
            >>> at = list(scan.mu).index(res.points[0].mu_obs)     # the limit is one of the points
            >>> round(float(scan.cls_obs[at]), 6)                  # where CLs = 1 - CL
            0.1
        """
        return tuple(p.cls_scan for p in self.points)

    def excluded_intervals(self) -> list[list[tuple[float, float]]]:
        """Per mass, the observed excluded coupling intervals (lo, hi); hi = inf where the region is open above."""
        return [list(p.excluded_intervals_obs or ()) for p in self.points]

    def scan_model(self) -> Model:
        """The model the limits are of: rebuilt from the document the scan records (a user's model as much as a
        built-in), or, for a result without one, the built-in model of its name.

        Raises:
            InputError: a result without a document whose model is not a built-in (``model``).
        """
        return get_model(thaw(self.model_document)) if self.model_document is not None else get_model(self.model)

    def __len__(self) -> int:
        return len(self.points)

    # -- files -------------------------------------------------------------------------------------------------
    def to_document(self) -> dict[str, Any]:
        """The ``limits.json`` document (strict JSON: NaN and infinity as None; grid columns left out)."""
        doc: dict[str, Any] = {key: getattr(self, key) for key in _SETTINGS}
        if self.model_document is not None:
            doc["model_document"] = self.model_document
        if self.setups is not None:
            doc["setups"] = self.setups
        doc.update(assumptions=dict(self.assumptions), versions=dict(self.versions),
                   band_order=list(self.band_order), dark_sector=self.dark_sector,
                   muon_coupling_per_unit=self.muon_coupling_per_unit,
                   **({"method_description": self.method_description} if self.method_description else {}),
                   points=[p.record() for p in self.points])
        if self.contours is not None:
            doc["contours"] = self.contours
        if self.input_files:
            doc["input_files"] = self.input_files
        return json_safe(doc)

    def to_json(self, path: str | Path) -> Path:
        """Write ``limits.json`` atomically (sorted keys, one-space indent); returns the path."""
        path = Path(path)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(self.to_document(), indent=1, sort_keys=True, allow_nan=False) + "\n")
        return path

    @classmethod
    def from_document(cls, doc: Any, source: str = "limits.json") -> ScanResult:
        """A result from a parsed ``limits.json`` document, validated against ``schemas/limits.schema.json``.

        Raises:
            InputError: the document does not follow the schema (the field is named).
        """
        validate(doc, "limits", source)
        return cls(**{key: doc[key] for key in _SETTINGS}, assumptions=dict(doc.get("assumptions", {})),
                   versions=dict(doc["versions"]),
                   points=tuple(MassLimit.from_record(p) for p in doc["points"]), dark_sector=doc.get("dark_sector"),
                   muon_coupling_per_unit=doc.get("muon_coupling_per_unit"),
                   input_files=dict(doc.get("input_files", {})), contours=doc.get("contours"),
                   band_order=tuple(doc["band_order"]), method_description=doc.get("method_description", ""),
                   model_document=doc.get("model_document"), setups=doc.get("setups"))

    @classmethod
    def read(cls, result: ScanResult | str | os.PathLike[str], field: str = "result") -> ScanResult:
        """``result`` itself, or the scan in a ``limits.json`` (or its directory): what the functions that take
        either accept.

        Raises:
            InputError: naming ``field``: neither a result nor a path, or an unreadable file.
        """
        if isinstance(result, ScanResult):
            return result
        if not isinstance(result, (str, os.PathLike)):
            raise InputError(field, f"a {type(result).__name__} is neither a ScanResult nor the path of a limits.json")
        return cls.from_json(Path(result), field=field)

    @classmethod
    def from_json(cls, path: str | Path, field: str = "path") -> ScanResult:
        """Read a ``limits.json`` (or the one inside a directory).

        Raises:
            InputError: missing, unreadable, not JSON, or not following the schema; names the path.
        """
        path = Path(path)
        if path.is_dir():
            path = path / LIMITS_JSON
        doc = read_json(path, field, "run `limits scan` first")
        return cls.from_document(doc, f"{field} {path}")

    def csv_text(self) -> str:
        """``limits.csv``: one row per mass, coupling limits (observed, expected bands), mu_obs, s_obs, status, and
        ``excluded_obs``, every observed excluded interval as ``lo:hi`` joined by ``;`` (``inf`` where open above,
        empty without an exclusion); with a dark sector also m_chi_mev and the limits as y."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        sym = self.coupling
        dm = self.dark_sector is not None
        writer.writerow(["mass_mev", f"{sym}_obs", *(f"{sym}_exp_{b}" for b in self.band_order), "mu_obs", "s_obs",
                         "status", "excluded_obs",
                         *(["m_chi_mev", "y_obs", *(f"y_exp_{b}" for b in self.band_order)] if dm else [])])
        for p, intervals in zip(self.points, self.excluded_intervals()):
            y = [_cell(p.m_chi_mev), _cell(p.y_obs), *(_cell(v) for v in p.y_exp or [None] * 5)]
            excluded = ";".join(f"{_cell(lo)}:{_cell(hi)}" for lo, hi in intervals)
            writer.writerow([_cell(p.mass_mev), _cell(p.g_obs), *(_cell(g) for g in p.g_exp),
                             _cell(p.mu_obs), _cell(p.s_obs), p.status, excluded, *(y if dm else [])])
        return buf.getvalue()

    def grid_document(self) -> dict[str, Any] | None:
        """``cls_grid.json`` (--grid mode): per mass the g grid and the observed and expected CLs; None otherwise."""
        grid = {p.mass_mev: p.grid for p in self.points if p.grid is not None}
        if not grid:
            return None
        return json_safe({"coupling": self.coupling, "cl": self.cl,
                          "columns": [{"mass_mev": m, **g} for m, g in sorted(grid.items())]})


def write_outputs(result: ScanResult, out_dir: str | Path,
                  plots: Mapping[str, Callable[[ScanResult, Path], None]] | None = None,
                  field: str = "out_dir") -> list[Path]:
    """Write limits.json, limits.csv (cls_grid.json in --grid mode) and the ``plots`` (file name -> drawing
    function) as one set: everything is rendered to temporary files first and renamed only when all succeeded
    (:func:`limits.io.files.atomic_paths`), so a failure leaves the previous outputs untouched. The directory is
    locked meanwhile (:func:`limits.io.files.directory_lock`).

    Args:
        result: the scan.
        out_dir: output directory (created).
        plots: e.g. ``{"exclusion.png": draw}`` with draw(result, path).
        field: the argument that named ``out_dir``, in errors.

    Raises:
        InputError: naming ``field``: ``out_dir`` cannot be written (a file in the way, read-only, locked by another
            process).
    """
    out_dir = check_output_dir(out_dir, field)
    grid = result.grid_document()
    names = [LIMITS_JSON, LIMITS_CSV, *(["cls_grid.json"] if grid is not None else []), *(plots or {})]
    targets = [out_dir / n for n in names]
    with directory_lock(out_dir, field), atomic_paths(targets, field) as temps:
        by_name = dict(zip(names, temps))
        by_name[LIMITS_JSON].write_text(json.dumps(result.to_document(), indent=1, sort_keys=True,
                                                   allow_nan=False) + "\n")
        by_name[LIMITS_CSV].write_text(result.csv_text())
        if grid is not None:
            by_name["cls_grid.json"].write_text(json.dumps(json_safe(grid), sort_keys=True, allow_nan=False) + "\n")
        for name, draw in (plots or {}).items():
            draw(result, by_name[name])
    return targets
