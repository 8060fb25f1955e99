"""pyhf JSON workspaces: a background-only workspace and a patchset with one signal patch per mass.

Statistical model (one single-bin channel per run: the signal box):

- ``background``: the run's expected background b_j with a ``shapesys`` modifier ``bkg_<run>`` of absolute
  uncertainty db_j, i.e. a Poisson (gamma) constraint with tau = (b/db)^2: the backgrounds are sideband
  extrapolations (PRL 129), the constraint keeps b >= 0, and for these b and n = 0 it is indistinguishable from a
  Gaussian ``staterror`` (stats notes §2).
- ``signal``: s_j(m, g_ref) with ``normfactor`` mu (POI), ``normsys signal_yield`` (the correlated signal-yield
  uncertainty of the analysis, PRL 129's ~10 %; the analysis may name it, and a combination has one per name its
  components give, e.g. ``signal_yield`` for the e- and e+ beams and ``signal_yield_mu`` for muons), and per run
  ``normsys eff_<run>`` (efficiency, uncorrelated: pile-up is run dependent) and ``normsys eot_<run>`` (EOT
  counting, uncorrelated between years).

Interpolation codes are not part of the JSON; every model we build uses
:data:`limits.stats.conventions.MODIFIER_SETTINGS` (normsys code4, histosys code4p: the codes of ``pyhf cls`` and of
ROOT), recorded in the patchset metadata.

Each patch carries the signal at a reference coupling g_ref (chosen per mass on a log-g grid so that the total signal
is ~10 events, hence mu_up ~ 0.2, see :mod:`limits.analysis.coupling_grid`) and the rule that scales it:
s_j(m, g) = s_j(m, g_ref) N(m, g)/N(m, g_ref) with N the yield per EOT (``limits yields``), which is (g/g_ref)^2
only where the Z' decays promptly.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from limits._version import __version__
from limits.analysis.coupling_grid import reference_couplings, signal_on_grid
from limits.analysis.definition import Analysis, get_analysis
from limits.errors import InputError
from limits.frozen import freeze
from limits.physics.models import Model, get_model
from limits.stats.conventions import MODIFIER_SETTINGS, POI_BOUNDS

if TYPE_CHECKING:
    import pyhf

__all__ = ["HEPDATA_PLACEHOLDER", "PLACEHOLDER_NOTE", "Workspaces", "build_workspaces", "workspace_digest",
           "workspaces"]

HEPDATA_PLACEHOLDER = "ins0000000"  # PLACEHOLDER: no HEPData record exists yet; release checks must reject it
# the sentence of the patchset description that says so; publication with a real id removes it
PLACEHOLDER_NOTE = f" The hepdata reference is a PLACEHOLDER ({HEPDATA_PLACEHOLDER}): no HEPData record exists yet."


@dataclass(frozen=True)
class Workspaces:
    """A background-only workspace and its signal patchset, as JSON-ready dicts."""

    bkg_only: dict[str, Any]
    patchset: dict[str, Any]
    signal_grid: np.ndarray | None = field(default=None, compare=False, repr=False)
    """Total signal on the coupling grid per mass (:func:`limits.analysis.coupling_grid.signal_on_grid`), events;
    not part of the JSON (None when read from files)."""

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    @property
    def masses_mev(self) -> np.ndarray:
        """The Z' mass of each patch, MeV."""
        return np.array([p["metadata"]["values"][0] for p in self.patchset["patches"]], dtype=float)

    def pyhf_workspace(self) -> pyhf.Workspace:
        """The background-only workspace as a ``pyhf.Workspace``."""
        import pyhf  # lazily: pyhf (with scipy.stats) costs ~0.3 s of start-up that a scan does not need

        return pyhf.Workspace(self.bkg_only)

    def pyhf_patchset(self) -> pyhf.PatchSet:
        """The signal patches as a ``pyhf.PatchSet`` (``patchset.apply(workspace, mass)`` gives one mass's model)."""
        import pyhf

        return pyhf.PatchSet(self.patchset)

    def dumps(self) -> tuple[str, str]:
        """Canonical JSON text (sorted keys, 1-space indent) of (BkgOnly, patchset)."""
        return (json.dumps(self.bkg_only, indent=1, sort_keys=True, allow_nan=False) + "\n",
                json.dumps(self.patchset, indent=1, sort_keys=True, allow_nan=False) + "\n")


def workspace_digest(spec: dict[str, Any]) -> str:
    """SHA-256 of a workspace spec as pyhf's ``utils.digest`` defines it (sorted keys, UTF-8; tested equal), without
    importing pyhf."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode("utf8")).hexdigest()


def _channel(run) -> str:
    return f"run_{run.name}"


def bkg_only_spec(analysis: Analysis) -> dict:
    """The background-only workspace of an analysis (pyhf schema 1.0.0)."""
    channels, observations = [], []
    for run in analysis.runs:
        channels.append({"name": _channel(run), "samples": [{
            "name": "background", "data": [float(run.background)],
            "modifiers": [{"name": f"bkg_{run.name}", "type": "shapesys",
                           "data": [float(run.background_uncertainty)]}],
        }]})
        observations.append({"name": _channel(run), "data": [float(run.observed)]})
    measurement = {"name": "NA64", "config": {"poi": "mu", "parameters": [
        {"name": "mu", "bounds": [list(POI_BOUNDS)], "inits": [1.0]}]}}
    return {"channels": channels, "observations": observations, "measurements": [measurement], "version": "1.0.0"}


def _signal_sample(analysis: Analysis, run, signal: float, mass_mev: float) -> dict:
    nuisance, syst = analysis.signal_yield_of(run)
    mods: list[dict[str, Any]] = [{"name": "mu", "type": "normfactor", "data": None}]
    if syst > 0:
        mods.append({"name": nuisance, "type": "normsys", "data": {"hi": 1.0 + syst, "lo": 1.0 - syst}})
    for name, rel in (("eff", run.efficiency_uncertainty_at(mass_mev)), ("eot", run.eot_uncertainty)):
        if rel > 0:
            mods.append({"name": f"{name}_{run.name}", "type": "normsys", "data": {"hi": 1.0 + rel, "lo": 1.0 - rel}})
    return {"name": "signal", "data": [float(signal)], "modifiers": mods}


# the per-patch table mu(g) = N(m, g)/N(m, g_ref): g = g_ref * 10^d for these d (decades), enough for mu 1e-3 - 1e3
MU_TABLE_DECADES = tuple(np.round(np.linspace(-1.5, 1.5, 61), 3))


def build_workspaces(analysis: Analysis, model: Model, mass_mev) -> Workspaces:
    """Background-only workspace and patchset (one patch per mass, label ``m_Zprime_MeV``)."""
    mass_mev = np.asarray(mass_mev, dtype=float)
    if not model.couples_to_electrons:
        raise InputError("model", f"{model.name} does not couple to electrons (charges.e = 0 and no kinetic mixing): "
                                  "NA64's electron beam produces no Z', there is nothing to constrain")
    bkg = bkg_only_spec(analysis)
    s_grid = signal_on_grid(analysis, model, mass_mev)
    g_ref = reference_couplings(s_grid)
    signal = analysis.signal(model, mass_mev, g_ref)
    scale = np.array(MU_TABLE_DECADES)
    g_table = g_ref[:, None] * 10.0**scale[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):  # a mass without signal (S = 0) has no mu(g): NaN
        mu_table = (analysis.signal(model, np.repeat(mass_mev, scale.size), g_table.ravel()).sum(axis=1)
                    .reshape(g_table.shape) / signal.sum(axis=1)[:, None])
    sym = model.coupling_symbol
    patches = []
    for m, g, s, gt, mt in zip(mass_mev, g_ref, signal, g_table, mu_table):
        ops = [{"op": "add", "path": f"/channels/{j}/samples/1",
                "value": _signal_sample(analysis, run, s[j], float(m))}
               for j, run in enumerate(analysis.runs)]
        value = float(f"{m:.6g}")
        name = "m_Zprime_MeV_" + f"{value:.6g}".replace(".", "p").replace("-", "m").replace("+", "")
        patches.append({"metadata": {"name": name, "values": [value], f"{sym}_ref": float(g),
                                     "signal_total_at_ref": float(s.sum()),
                                     "mu_vs_coupling": {sym: [float(f"{x:.6g}") for x in gt],
                                                        "mu": [float(f"{x:.6g}") for x in mt]}},
                        "patch": ops})
    metadata = {
        "description": (f"NA64 {analysis.name}, model {model.name}: signal patches vs Z' mass. "
                        "Each patch is the signal "
                        f"at {sym} = {sym}_ref (in the patch metadata); at another coupling s(m, {sym}) = "
                        f"s(m, {sym}_ref) * N(m, {sym})/N(m, {sym}_ref), N the yield per EOT of `limits yields` "
                        f"(= ({sym}/{sym}_ref)^2 where the Z' decays promptly), i.e. mu = N(m, {sym})/N(m, {sym}_ref), "
                        f"tabulated per patch in mu_vs_coupling (interpolate log-log to turn a limit on mu into one "
                        f"on {sym}). Build models with normsys code4 and histosys code4p." + PLACEHOLDER_NOTE),
        "digests": {"sha256": workspace_digest(bkg)},
        "labels": ["m_Zprime_MeV"],
        "references": {"hepdata": HEPDATA_PLACEHOLDER},
        "analysis": analysis.name,
        "model": model.name,
        "coupling": sym,
        "modifier_settings": copy.deepcopy(MODIFIER_SETTINGS),
        "runs": [{"channel": _channel(r), "eot": float(r.eot), "efficiency": r.facts["efficiency"].value,
                  "background": float(r.background), "observed": int(r.observed)} for r in analysis.runs],
        "total_eot": analysis.total_eot,
        "limits_version": __version__,
    }
    return Workspaces(bkg, {"metadata": metadata, "patches": patches, "version": "1.0.0"}, s_grid)


def workspaces(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis,
               model: str | os.PathLike[str] | Mapping[str, Any] | Model,
               mass_mev: str | ArrayLike | None = None) -> Workspaces:
    """pyhf workspaces: the background-only spec (one single-bin channel per run) and a patchset with one signal
    patch per mass at a reference coupling.

    Args:
        analysis: see :func:`limits.analysis.definition.get_analysis`.
        model: see :func:`limits.physics.models.get_model`.
        mass_mev: masses in MeV inside the analysis range, or a spec ``"m1,m2"`` / ``"MIN:MAX:N"`` (default: its
            200-point log grid).

    Returns:
        :class:`Workspaces` with ``bkg_only`` and ``patchset`` (pyhf 1.0.0 JSON, read-only); ``pyhf_workspace()``
        and ``pyhf_patchset()`` give the pyhf objects.
    """
    a, m = get_analysis(analysis), get_model(model)
    return build_workspaces(a, m, a.masses(mass_mev))
