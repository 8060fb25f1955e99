"""The limit scan: per-mass CLs limits, coupling inversion, checkpoints, executors, result assembly.

Every mass is an independent task (its own seed, spawned from the scan seed by mass index), so results do not depend
on the executor or the worker count. Finished masses are checkpointed (one JSON file each, written atomically, keyed
by a digest of all inputs); a rerun with the same inputs resumes from them and assembles a result identical to an
uninterrupted run. A mass whose computation fails is recorded with its reason and never stops the scan.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from limits import __version__
from limits.analysis.definition import Analysis
from limits.errors import InputError
from limits.io.files import atomic_path
from limits.physics.models import Model
from limits.stats.limits import asymptotic_batch, invert_coupling, mu_limits, strip_systematics
from limits.workspace.build import build_workspaces

__all__ = ["ScanConfig", "run_scan", "parse_executor"]

BAND_LABELS = ("-2sigma", "-1sigma", "median", "+1sigma", "+2sigma")
EXPECTED_BANDS = {
    "exact": "quantiles of the total count under the background-only hypothesis (nuisances integrated), each mapped "
             "to its limit; several quantiles coincide at n = 0",
    "asymptotic": "pyhf asymptotic (Asimov, post-fit to the observed data)",
    "toys": "quantiles of the background-only toy CLs distribution",
}


@dataclass(frozen=True)
class ScanConfig:
    """Everything that determines a scan's result (and its digest)."""

    analysis: Analysis
    model: Model
    method: str
    cl: float
    masses_mev: tuple[float, ...]
    stat_only: bool
    ntoys: int
    seed: int
    grid: bool

    def digest(self) -> str:
        """SHA-256 of the inputs: analysis and runs, model, method settings, masses, package and table versions."""
        from limits.physics.tables import table_dir

        tables = {name: json.loads((table_dir() / f"{name}.json").read_text())["sha256"]
                  for name in ("brems_etl", "shower")}
        payload = {
            "analysis": dataclasses.asdict(self.analysis), "model": dataclasses.asdict(self.model),
            "method": self.method, "cl": self.cl, "masses_mev": list(self.masses_mev), "stat_only": self.stat_only,
            "ntoys": self.ntoys if self.method == "toys" else None, "seed": self.seed, "grid": self.grid,
            "limits": __version__, "tables": tables,
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def parse_executor(spec: str) -> tuple[str, object]:
    """``local`` | ``processes:N`` | ``dask:ADDRESS`` (``dask:local`` or ``dask:local:N`` starts a LocalCluster)."""
    if spec == "local":
        return "local", None
    kind, _, arg = spec.partition(":")
    if kind == "processes":
        try:
            n = int(arg)
        except ValueError:
            raise InputError("--executor", f"'{spec}': processes:N needs a whole number N in [1, 256]") from None
        if not 1 <= n <= 256:
            raise InputError("--executor", f"'{spec}': N = {n} is outside [1, 256]")
        return "processes", n
    if kind == "dask" and arg:
        return "dask", arg
    raise InputError("--executor", f"'{spec}' is not one of local, processes:N, dask:ADDRESS")


def _failed(base: dict, exc: BaseException) -> dict:
    return {**base, "g_obs": math.nan, "g_exp": [math.nan] * 5, "mu_obs": math.nan, "mu_exp": [math.nan] * 5,
            "s_obs": math.nan, "excluded_intervals_obs": [], "status": "failed",
            "reason": f"{type(exc).__name__}: {exc}"}


def _point(cfg: ScanConfig, item: dict, lim, bkg, patch, seed) -> dict:
    """Invert one mass's mu limits to the coupling and build its result point."""
    mass = item["mass_mev"]
    s_ref = float(sum(op["value"]["data"][0] for op in patch["patch"]))

    def total(g):
        return cfg.analysis.signal(cfg.model, mass, np.asarray(g)).sum(axis=1)

    inverted = invert_coupling(total, s_ref * np.array([lim.mu_obs, *lim.mu_exp]))
    lower = [iv[0][0] if iv else math.nan for _, iv in inverted]
    status = "ok" if math.isfinite(lower[0]) else "no_exclusion"
    point = {"mass_mev": mass, "g_ref": item["g_ref"], "g_obs": lower[0], "g_exp": lower[1:], "mu_obs": lim.mu_obs,
             "mu_exp": lim.mu_exp, "s_obs": lim.mu_obs * s_ref, "excluded_intervals_obs": inverted[0][1],
             "status": status, **lim.info}
    if cfg.grid:
        point["grid"] = _grid_column(cfg, bkg, patch, total, s_ref, seed)
    return point


def _chunk_task(args: dict) -> list[tuple[int, dict]]:
    """Compute a chunk of mass points; never raises (a failure becomes status 'failed' with the reason).

    The asymptotic method fits all masses of a chunk together (vectorised); the others go mass by mass.
    """
    cfg: ScanConfig = args["config"]
    items = args["items"]
    prepared = []
    for item in items:
        bkg, patch = item["bkg_only"], item["patch"]
        if cfg.stat_only:
            bkg, patch = strip_systematics(bkg, patch)
        prepared.append((item, bkg, patch, np.random.SeedSequence(cfg.seed, spawn_key=(item["index"],))))
    limits_ = [None] * len(items)
    errors: list[BaseException | None] = [None] * len(items)
    if cfg.method == "asymptotic":
        try:
            batch = asymptotic_batch(prepared[0][1], [p for _, _, p, _ in prepared], 1.0 - cfg.cl)
            limits_ = list(batch)
        except Exception as exc:  # noqa: BLE001 - recorded per mass
            errors = [exc] * len(items)
    else:
        for i, (item, bkg, patch, seed) in enumerate(prepared):
            try:
                limits_[i] = mu_limits(cfg.method, bkg, patch, cfg.cl, ntoys=cfg.ntoys, seed=seed)
            except Exception as exc:  # noqa: BLE001
                errors[i] = exc
    out = []
    for (item, bkg, patch, seed), lim, err in zip(prepared, limits_, errors):
        base = {"mass_mev": item["mass_mev"], "g_ref": item["g_ref"]}
        if err is not None:
            out.append((item["index"], _failed(base, err)))
            continue
        try:
            if not (math.isfinite(lim.mu_obs) and all(math.isfinite(m) for m in lim.mu_exp)):
                raise ArithmeticError("CLs = 1 - CL not bracketed in the allowed signal-strength range")
            out.append((item["index"], _point(cfg, item, lim, bkg, patch, seed)))
        except Exception as exc:  # noqa: BLE001
            out.append((item["index"], _failed(base, exc)))
    return out


CHUNK = {"asymptotic": 50}  # masses per task: vectorised methods amortise their fits over a chunk


GRID_G = (1e-9, 1.0, 91)


def _grid_column(cfg: ScanConfig, bkg, patch, total, s_ref, seed) -> dict:
    """CLs (observed and expected) along a log g grid at one mass: mu = S(g)/S(g_ref) for each g."""
    from limits.stats.grid import cls_column

    g = np.geomspace(*GRID_G)
    mu = total(g) / s_ref
    obs, exp = cls_column(cfg.method, bkg, patch, mu, ntoys=cfg.ntoys, seed=seed)
    return {"g": g.tolist(), "cls_obs": obs.tolist(), "cls_exp": exp.tolist()}


def _checkpoint_dir(out: Path, digest: str) -> Path:
    return out / ".checkpoints" / digest[:20]


def run_scan(cfg: ScanConfig, out_dir: Path, executor: str = "local",
             progress: Callable[[int, int], None] | None = None) -> dict:
    """Run (or resume) a scan and return the assembled result document (not yet written to the final files)."""
    kind, arg = parse_executor(executor)
    masses = np.array(cfg.masses_mev)
    ws = build_workspaces(cfg.analysis, cfg.model, masses)
    digest = cfg.digest()
    ckpt = _checkpoint_dir(out_dir, digest)
    ckpt.mkdir(parents=True, exist_ok=True)
    done: dict[int, dict] = {}
    for f in ckpt.glob("mass_*.json"):
        try:
            done[int(f.stem.split("_")[1])] = json.loads(f.read_text())
        except (ValueError, json.JSONDecodeError):
            f.unlink()  # a torn file cannot exist (atomic writes), but never trust it
    sym = cfg.model.coupling_symbol
    items = [{"index": i, "mass_mev": float(m), "bkg_only": ws.bkg_only, "patch": p,
              "g_ref": p["metadata"][f"{sym}_ref"]}
             for i, (m, p) in enumerate(zip(masses, ws.patchset["patches"])) if i not in done]
    size = CHUNK.get(cfg.method, 1)
    todo = [{"config": cfg, "items": items[k:k + size]} for k in range(0, len(items), size)]

    def record(results: list[tuple[int, dict]]) -> None:
        for index, point in results:
            with atomic_path(ckpt / f"mass_{index:05d}.json") as tmp:
                tmp.write_text(json.dumps(point, sort_keys=True))
            done[index] = point
        if progress:
            progress(len(done), len(masses))

    if progress:
        progress(len(done), len(masses))
    if kind == "local":
        for task in todo:
            record(_chunk_task(task))
    elif kind == "processes":
        with ProcessPoolExecutor(max_workers=arg) as pool:
            for fut in as_completed([pool.submit(_chunk_task, t) for t in todo]):
                record(fut.result())
    else:
        _run_dask(arg, todo, record)
    points = [done[i] for i in range(len(masses))]
    return _assemble(cfg, digest, points)


def _run_dask(address: str, todo: list[dict], record) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed as dask_completed
    except ImportError:
        raise InputError("--executor", "dask needs the `distributed` extra: pip install 'limits[distributed]'") \
            from None
    cluster = None
    if address.startswith("local"):
        n = int(address.split(":")[1]) if ":" in address else 2
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        futures = client.map(_chunk_task, todo, pure=False)
        for fut in dask_completed(futures):
            record(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _versions() -> dict:
    import numpy
    import pyhf
    import scipy

    return {"limits": __version__, "pyhf": pyhf.__version__, "numpy": numpy.__version__, "scipy": scipy.__version__}


def _assemble(cfg: ScanConfig, digest: str, points: list[dict]) -> dict:
    doc = {
        "analysis": cfg.analysis.name,
        "assumptions": dict(cfg.analysis.assumptions),
        "model": cfg.model.name,
        "coupling": cfg.model.coupling_symbol,
        "method": cfg.method,
        "cl": cfg.cl,
        "stat_only": cfg.stat_only,
        "seed": cfg.seed,
        "ntoys": cfg.ntoys if cfg.method == "toys" else None,
        "expected_bands": EXPECTED_BANDS[cfg.method],
        "band_order": list(BAND_LABELS),
        "inputs_digest": digest,
        "versions": _versions(),
        "points": points,
    }
    if cfg.grid:
        from limits.stats.grid import contours

        doc["contours"] = contours(points, cfg.cl)
    return doc


def clear_checkpoints(out_dir: Path, digest: str) -> None:
    """Remove a finished scan's checkpoints."""
    shutil.rmtree(_checkpoint_dir(out_dir, digest), ignore_errors=True)
    parent = out_dir / ".checkpoints"
    if parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
