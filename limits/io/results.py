"""Scan results: write limits.json (schemas/limits.schema.json), limits.csv and the CLs grid in --grid mode; read
limits.json back as arrays for figures, comparisons and publication."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from limits.errors import InputError
from limits.io.files import atomic_path

__all__ = ["LimitCurves", "json_safe", "limit_curves", "read_limits", "write_results"]


@dataclass(frozen=True)
class LimitCurves:
    """The successful points of a scan as arrays; a missing limit (null in limits.json) is NaN.

    Attributes:
        mass_mev: masses (MeV).
        obs: observed coupling limit; exp: expected limits, shape (n, 5) in ``band_order`` (-2 sigma ... +2 sigma).
    """

    mass_mev: np.ndarray
    obs: np.ndarray
    exp: np.ndarray


def limit_curves(doc: dict) -> LimitCurves:
    """The points of a scan document with status "ok", as :class:`LimitCurves`."""
    pts = [p for p in doc["points"] if p["status"] == "ok"]
    return LimitCurves(np.array([p["mass_mev"] for p in pts], dtype=float),
                       np.array([p["g_obs"] for p in pts], dtype=float),
                       np.array([p["g_exp"] for p in pts], dtype=float).reshape(-1, 5))


def read_limits(directory: str | Path, hint: str) -> dict:
    """Load ``directory/limits.json``; a missing or malformed file is an InputError on --results, with ``hint``."""
    path = Path(directory) / "limits.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError("--results", f"{path} not found: {hint}") from None
    except json.JSONDecodeError as exc:
        raise InputError("--results", f"{path} is not valid JSON ({exc.msg})") from None


def json_safe(value):
    """NaN and infinity as null (strict JSON); containers recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def _csv_text(doc: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    sym = doc["coupling"]
    writer.writerow(["mass_mev", f"{sym}_obs", *(f"{sym}_exp_{b}" for b in doc["band_order"]), "mu_obs", "s_obs",
                     "status"])
    for p in doc["points"]:
        writer.writerow([repr(p["mass_mev"]), repr(p["g_obs"]), *(repr(g) for g in p["g_exp"]), repr(p["mu_obs"]),
                         repr(p["s_obs"]), p["status"]])
    return buf.getvalue()


def write_results(doc: dict, out_dir: Path, plot=None) -> list[Path]:
    """Write limits.json, limits.csv (and cls_grid.json with --grid, exclusion.png if ``plot``) atomically.

    Args:
        doc: the assembled scan document; per-point CLs grids, if any, go to cls_grid.json.
        plot: optional callable(doc, path) drawing the exclusion figure.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    grid = {p["mass_mev"]: p.pop("grid") for p in doc["points"] if "grid" in p}
    written = []
    with atomic_path(out_dir / "limits.json") as tmp:
        tmp.write_text(json.dumps(json_safe(doc), indent=1, sort_keys=True, allow_nan=False) + "\n")
    written.append(out_dir / "limits.json")
    with atomic_path(out_dir / "limits.csv") as tmp:
        tmp.write_text(_csv_text(doc))
    written.append(out_dir / "limits.csv")
    if grid:
        payload = {"coupling": doc["coupling"], "cl": doc["cl"], "columns": [
            {"mass_mev": m, **g} for m, g in sorted(grid.items())]}
        with atomic_path(out_dir / "cls_grid.json") as tmp:
            tmp.write_text(json.dumps(json_safe(payload), sort_keys=True) + "\n")
        written.append(out_dir / "cls_grid.json")
    if plot is not None:
        plot(doc, out_dir / "exclusion.png")
        written.append(out_dir / "exclusion.png")
    return written
