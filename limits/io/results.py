"""Write scan results: limits.json (schemas/limits.schema.json), limits.csv, and the CLs grid in --grid mode."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from limits.io.files import atomic_path

__all__ = ["json_safe", "write_results"]


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
