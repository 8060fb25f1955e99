"""Named analyses: which runs, which production channels, which mass range; and the per-run expected signal.

Built-in analyses live in ``limits/data/analyses/*.yaml`` (``na64-2022``: PRL 129, runs I-IV, bremsstrahlung only;
``na64-2026``: arXiv:2606.17320, runs I-V, bremsstrahlung + annihilation); a user analysis is a YAML/JSON file
validated by ``schemas/analysis.schema.json``.

Expected signal in run j (PRL 129 Eq. 5): s_j(m, g) = n_EOT^j eps^j(m) n^j(m, g), with n^j the yield per EOT of
``limits.physics.yields`` in the run's set-up (:meth:`Analysis.setup`: its beam energy, cut on the measured ECAL
energy with its resolution, and decay length).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C
from limits.analysis.external import ExternalTable, ExternalYields, read_external_table
from limits.analysis.runs import Run, load_runs
from limits.errors import InputError
from limits.frozen import frozen_cache
from limits.io.files import read_document, yaml_load
from limits.io.masses import MAX_MASSES, log_grid, masses_mev
from limits.io.schemas import validate
from limits.physics.detector import EcalResolution
from limits.physics.models import Model, builtin_names, get_model, get_models
from limits.physics.setup import Setup
from limits.physics.yields import yield_per_eot

__all__ = ["DEFAULT_ANALYSIS", "Analysis", "analysis_from_document", "builtin_analyses", "builtin_pairs",
           "get_analysis", "jobs"]

DEFAULT_ANALYSIS = "na64-2026"
"""The analysis a command uses unless told otherwise: NA64's latest, runs I-V (arXiv:2606.17320)."""


@dataclass(frozen=True)
class Analysis:
    """An analysis: its runs (in order), physics switches and the correlated signal-yield uncertainty."""

    name: str
    description: str
    runs: tuple[Run, ...]
    annihilation: bool
    mass_range_mev: tuple[float, float]
    signal_yield_uncertainty: float
    signal_yield_source: str
    references: tuple[str, ...] = ()
    assumptions: tuple[tuple[str, str], ...] = ()  # (topic, statement) pairs, schema order
    models: tuple[str, ...] | None = None  # built-in models it is published for; None = all
    electron_momenta: str = "compton"  # atomic electrons in annihilation (limits.physics.annihilation.ELECTRON_MODELS)
    external_yields: ExternalYields | None = None  # externally simulated yields replacing ours
    scintillator_electrons: bool = False  # annihilation also on the ECAL scintillator's electrons
    signal_yield_nuisance: str = "signal_yield"  # the normsys name of signal_yield_uncertainty in the workspaces
    components: tuple[Analysis, ...] = ()  # a combination: the analyses whose runs it joins (each keeps its set-up)

    def component_of(self, run: Run) -> Analysis:
        """The analysis a run belongs to: a combination's component that has it, else this analysis."""
        for component in self.components:
            if any(r is run or r.name == run.name for r in component.runs):
                return component.component_of(run)
        return self

    def signal_yield_of(self, run: Run) -> tuple[str, float]:
        """(nuisance name, relative uncertainty) of the signal yield in ``run``: its analysis' correlated
        uncertainty; runs of a combination whose components name the same nuisance share it (fully correlated)."""
        owner = self.component_of(run)
        return owner.signal_yield_nuisance, owner.signal_yield_uncertainty

    @property
    def beams(self) -> tuple[str, ...]:
        """The beam particles of the runs, in run order without repeats (``e-``, ``e+``, ``mu+``, ``mu-``)."""
        return tuple(dict.fromkeys(str(r.beam_particle) for r in self.runs))

    @property
    def model_names(self) -> tuple[str, ...]:
        """The built-in models this analysis is published for (all of them unless ``models`` says otherwise)."""
        return self.models or builtin_names()

    def check_masses_mev(self, mass_mev: np.ndarray, field: str = "mass_mev") -> None:
        """Raise InputError unless every mass lies inside each run's efficiency file (the tables are not
        extrapolated)."""
        lo, hi = float(np.min(mass_mev)), float(np.max(mass_mev))
        if self.external_yields is not None:
            for name, table in self.external_yields.tables().items():
                if not (table.mass_mev[0] <= lo * (1 + 1e-12) and hi <= table.mass_mev[-1] * (1 + 1e-12)):
                    raise InputError(field, f"masses {lo:g}-{hi:g} MeV reach outside {name} {table.file} "
                                            f"({table.mass_mev[0]:g}-{table.mass_mev[-1]:g} MeV)")
        for run in self.runs:
            covered = run.efficiency_file_range_mev()
            if covered is not None and not (covered[0] <= lo * (1 + 1e-12) and hi <= covered[1] * (1 + 1e-12)):
                raise InputError(field, f"masses {lo:g}-{hi:g} MeV reach outside run {run.name}'s efficiency file "
                                        f"{run.facts['efficiency'].file} ({covered[0]:g}-{covered[1]:g} MeV)")

    def input_files(self) -> dict[str, dict[str, str]]:
        """The files the run inputs were read from, with their SHA-256: ``{"runs.<run>.efficiency": {...}}``."""
        files = {f"runs.{r.name}.efficiency": {"file": str(r.facts["efficiency"].file),
                                               "sha256": str(r.facts["efficiency"].sha256)}
                 for r in self.runs if r.facts["efficiency"].file is not None}
        if self.external_yields is not None:
            files.update({name: {"file": t.file, "sha256": t.sha256}
                          for name, t in self.external_yields.tables().items()})
        return files

    def masses(self, mass_mev: str | ArrayLike | None = None, field: str = "mass_mev", *,
               max_count: int = MAX_MASSES) -> np.ndarray:
        """The masses (MeV) of a computation with this analysis: its default grid, or ``mass_mev`` (numbers or a
        spec string ``"m1,m2"`` / ``"MIN:MAX:N"``, at most ``max_count``) checked against the analysis' mass range
        and efficiency files.

        Raises:
            InputError: naming ``field``.
        """
        if mass_mev is None:
            return self.default_masses_mev()
        masses = masses_mev(mass_mev, *self.mass_range_mev, field=field, max_count=max_count)
        self.check_masses_mev(masses, field)
        return masses

    def default_masses_mev(self, n: int = 200) -> np.ndarray:
        """The default mass grid: ``n`` log-spaced masses over the analysis range (MeV), bit-identical on every
        machine (:func:`limits.io.masses.log_grid`)."""
        return log_grid(*self.mass_range_mev, n)

    @property
    def total_eot(self) -> float:
        """Sum of the runs' electrons on target."""
        return float(sum(r.eot for r in self.runs))

    def setup(self, run: Run) -> Setup:
        """The set-up of one of the analysis' runs: the run's beam particle and energy, target depth, cut, ECAL
        resolution and decay length (``runs.yaml``) with the analysis' production switches (annihilation, atomic
        electrons, scintillator; a muon run has no annihilation whatever the analysis says: no shower positrons). In
        a combination, the set-up its component gives it."""
        owner = self.component_of(run)
        if owner is not self:
            return owner.setup(run)
        muon_run = run.beam_particle in ("mu+", "mu-")
        return Setup(beam_particle=str(run.beam_particle), beam_energy_gev=float(run.beam_energy_gev),
                     ecut_gev=float(run.ecut_gev),
                     ecal_resolution=EcalResolution(float(run.ecal_resolution_stochastic),
                                                    float(run.ecal_resolution_constant)),
                     l_det_m=float(run.l_det_m), annihilation=self.annihilation and not muon_run,
                     electron_momenta=self.electron_momenta, scintillator_electrons=self.scintillator_electrons,
                     target_depth_x0=float(run.target_depth_x0),
                     beam_energy_spread_gev=float(run.beam_energy_spread_gev))

    @property
    def setups(self) -> dict[str, Setup]:
        """The set-up of every run, by run name."""
        return {run.name: self.setup(run) for run in self.runs}

    def _external_signal(self, model: Model, m: np.ndarray, g: np.ndarray) -> np.ndarray:
        """Expected events per run from the external tables (see :mod:`limits.analysis.external`)."""
        ext = self.external_yields
        assert ext is not None
        if any(run.efficiency_depends_on_energy for run in self.runs):
            raise InputError("runs", "an efficiency in mass and energy applies inside our yield integral: it cannot "
                                     "weight external yields (give their efficiency in mass only)")
        if model.name != ext.model:
            raise InputError("model", f"analysis {self.name} carries external yields for model {ext.model}, not "
                                      f"{model.name}")
        out = np.empty((m.size, len(self.runs)))
        for j, run in enumerate(self.runs):
            # both channels' decay factors whatever the analysis says (a split table brings its own annihilation);
            # an unsplit table is weighted by our own channel mix, annihilation as the analysis says
            both_channels = self.setup(run).replace(annihilation=True)

            def fractions(mass_mev: np.ndarray, coupling: np.ndarray) -> tuple[np.ndarray, ...]:
                y = yield_per_eot(model, mass_mev * C.GEV_PER_MEV, coupling, both_channels)
                f_brem, f_ann = y.invisible_fraction()
                if self.annihilation:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        both = np.where(y.brem + y.annihilation > 0, y.total / (y.brem + y.annihilation), np.nan)
                else:
                    both = f_brem
                return f_brem, f_ann, np.asarray(both)

            quantity, values = ext.scaled(run.name, m, g, fractions)  # type: ignore[arg-type]
            out[:, j] = values if quantity == "signal_events" else run.eot * run.efficiency_at(m) * values
        return out

    def signal(self, model: Model, mass_mev, coupling) -> np.ndarray:
        """Expected signal events per run, shape (n_points, n_runs) for broadcast (mass_mev, coupling)."""
        m, g = np.broadcast_arrays(np.atleast_1d(np.asarray(mass_mev, float)),
                                   np.atleast_1d(np.asarray(coupling, float)))
        m, g = m.ravel(), g.ravel()
        if self.external_yields is not None:
            return self._external_signal(model, m, g)
        out = np.empty((m.size, len(self.runs)))
        per_eot: dict[Setup, np.ndarray] = {}  # runs with the same set-up share one yield
        for j, run in enumerate(self.runs):
            setup = self.setup(run)
            if run.efficiency_depends_on_energy:  # applied per Z' energy inside the yield integral
                e0 = setup.beam_energy_gev

                def weights(mass_gev: np.ndarray, e_zprime_gev: np.ndarray, run: Run = run,
                            e0: float = e0) -> np.ndarray:
                    return run.efficiency_at_energy(mass_gev * C.MEV_PER_GEV, e0 - e_zprime_gev)

                out[:, j] = run.eot * yield_per_eot(model, m * C.GEV_PER_MEV, g, setup, efficiency=weights).total
                continue
            if setup not in per_eot:
                per_eot[setup] = yield_per_eot(model, m * C.GEV_PER_MEV, g, setup).total
            out[:, j] = run.eot * run.efficiency_at(m) * per_eot[setup]
        return out


def _analysis_dir():
    return resources.files("limits.data").joinpath("analyses")


@frozen_cache(1)
def builtin_analyses() -> tuple[str, ...]:
    """Names of the built-in analyses."""
    return tuple(sorted(p.name[:-5] for p in _analysis_dir().iterdir() if p.name.endswith(".yaml")))


def builtin_pairs() -> list[tuple[str, str]]:
    """(analysis, model) for every built-in analysis and the built-in models it is published for: what the
    committed workspaces, results and HEPData records cover."""
    return [(a, m) for a in builtin_analyses() for m in get_analysis(a).model_names]


def analysis_from_document(doc: Any, source: str, base: Path | None, runs_path: str | None) -> Analysis:
    """An analysis from a parsed document (schemas/analysis.schema.json); ``base`` resolves a relative ``runs_file``."""
    doc = validate(doc, "analysis", source)
    if "combine" in doc:
        return _combination(doc, source, base, runs_path)
    lo, hi = doc["mass_range_mev"]
    if not lo < hi:
        raise InputError(f"{source}: mass_range_mev", f"[{lo:g}, {hi:g}] must be increasing")
    if runs_path is None and "runs_file" in doc:
        runs_path = str((base or Path.cwd()) / doc["runs_file"])
        runs = load_runs(runs_path, field=f"{source}: runs_file")
    else:
        runs = load_runs(runs_path)
    unknown = [r for r in doc["runs"] if r not in runs]
    if unknown:
        raise InputError(f"{source}: runs", f"run '{unknown[0]}' is not in the run inputs (known: {', '.join(runs)})")
    syst = doc["signal_yield_uncertainty"]
    external = _external_yields(doc.get("external_yields"), source, base, [r for r in doc["runs"]])
    return Analysis(name=doc["name"], description=" ".join(doc.get("description", "").split()),
                    runs=tuple(runs[r] for r in doc["runs"]), annihilation=doc["annihilation"],
                    mass_range_mev=(float(lo), float(hi)), signal_yield_uncertainty=float(syst["value"]),
                    signal_yield_source=syst["source"], references=tuple(doc.get("references", ())),
                    assumptions=tuple(doc.get("assumptions", {}).items()),
                    models=tuple(doc["models"]) if "models" in doc else None,
                    electron_momenta=doc.get("electron_momenta", "compton"), external_yields=external,
                    scintillator_electrons=bool(doc.get("scintillator_electrons", False)),
                    signal_yield_nuisance=syst.get("nuisance", "signal_yield"))


def _combination(doc: dict[str, Any], source: str, base: Path | None, runs_path: str | None) -> Analysis:
    """An analysis joining the runs of the analyses ``doc["combine"]`` lists (built-in names, or files relative to
    this one): one channel per run, one POI; each run keeps its component's set-up, efficiency, background and
    per-run systematics, and the components' signal-yield uncertainties are one nuisance where they name the same
    one (e.g. the electron and positron beams, whose production the same calculation gives), separate otherwise."""
    field = f"{source}: combine"
    components = []
    for i, entry in enumerate(doc["combine"]):
        where = entry if entry in builtin_analyses() or base is None else str(base / entry)
        components.append(get_analysis(where, runs_path, field=f"{field}[{i}]"))
    seen: dict[str, str] = {}
    for component in components:
        if component.external_yields is not None:
            raise InputError(field, f"{component.name} carries external yields: combine analyses with our own yields")
        for run in component.runs:
            if run.name in seen:
                raise InputError(field, f"run {run.name} is in both {seen[run.name]} and {component.name}: a "
                                        "combination counts each run once")
            seen[run.name] = component.name
    lo, hi = doc.get("mass_range_mev", (min(c.mass_range_mev[0] for c in components),
                                        max(c.mass_range_mev[1] for c in components)))
    if not lo < hi:
        raise InputError(f"{source}: mass_range_mev", f"[{lo:g}, {hi:g}] must be increasing")
    first = components[0]
    correlated = ", ".join(sorted({f"{c.signal_yield_nuisance} ({c.name})" for c in components}))
    return Analysis(name=doc["name"], description=" ".join(doc.get("description", "").split()),
                    runs=tuple(r for c in components for r in c.runs),
                    annihilation=any(c.annihilation for c in components), mass_range_mev=(float(lo), float(hi)),
                    signal_yield_uncertainty=first.signal_yield_uncertainty,
                    signal_yield_source=f"per component: {correlated}",
                    references=tuple(dict.fromkeys(r for c in components for r in c.references)),
                    assumptions=tuple(doc.get("assumptions", {}).items()),
                    models=tuple(doc["models"]) if "models" in doc else None,
                    electron_momenta=first.electron_momenta, components=tuple(components))


def _external_yields(spec: dict[str, Any] | None, source: str, base: Path | None,
                     run_names: list[str]) -> ExternalYields | None:
    """Read the external yield tables an analysis names (paths relative to the analysis file)."""
    if spec is None:
        return None
    if base is None:
        raise InputError(f"{source}: external_yields", "external tables need an analysis file to be relative to")
    field = f"{source}: external_yields"
    common = None
    per_run: dict[str, ExternalTable] = {}
    if "file" in spec:
        common = read_external_table(base / spec["file"], spec["file"], f"{field}.file")
        if common.quantity == "signal_events":
            raise InputError(f"{field}.file", "signal_events are per run: give one table per run (files)")
    else:
        missing = [r for r in run_names if r not in spec["files"]]
        unknown = [r for r in spec["files"] if r not in run_names]
        if missing or unknown:
            problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
            raise InputError(f"{field}.files", f"one table per run of the analysis ({', '.join(run_names)}); {problem}")
        per_run = {r: read_external_table(base / f, f, f"{field}.files.{r}") for r, f in spec["files"].items()}
    return ExternalYields(spec["model"], bool(spec.get("includes_decay_factor", False)), spec["status"],
                          spec["source"], common, per_run)


def get_analysis(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis,
                 runs: str | os.PathLike[str] | None = None, *, field: str = "analysis") -> Analysis:
    """An analysis: a built-in name (``na64-2022``, ``na64-2026``, ...), the path of an analysis file, a dict in that
    format (``schemas/analysis.schema.json``), or an :class:`Analysis` (returned as is).

    Args:
        analysis: what to load.
        runs: a run-input file replacing the shipped ``runs.yaml`` (``schemas/runs.schema.json``).
        field: what to call ``analysis`` in errors.

    Raises:
        InputError: an unknown name, an unreadable or invalid file or document, or something that is none of these.

    Example:
        >>> a = get_analysis("na64-2026")
        >>> [r.name for r in a.runs], f"{a.total_eot:.3g}"
        (['I', 'II', 'III', 'IV', 'V'], '9.37e+11')
    """
    if isinstance(analysis, Analysis):
        if runs is not None:
            raise InputError("runs", "give the run inputs with the analysis name or document, not with an Analysis")
        return analysis
    if runs is not None and not isinstance(runs, (str, os.PathLike)):
        raise InputError("runs", f"a {type(runs).__name__} is not a path of a run-input file")
    runs_path = None if runs is None else os.fspath(runs)
    if isinstance(analysis, Mapping):
        return analysis_from_document(analysis, field, None, runs_path)
    if not isinstance(analysis, (str, os.PathLike)):
        raise InputError(field, f"a {type(analysis).__name__} is not an analysis: give a built-in name "
                                f"({', '.join(builtin_analyses())}), an analysis file's path, a mapping or an Analysis")
    name_or_path = os.fspath(analysis)
    if name_or_path in builtin_analyses():
        doc = yaml_load(_analysis_dir().joinpath(f"{name_or_path}.yaml").read_text(encoding="utf-8"))
        return analysis_from_document(doc, f"built-in analysis {name_or_path}", None, runs_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise InputError(field, f"unknown analysis '{name_or_path}': use one of {', '.join(builtin_analyses())}, "
                                "or the path of an analysis file (schemas/analysis.schema.json)")
    return analysis_from_document(read_document(path, field), f"{field} {path}", path.parent, runs_path)


def jobs(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis,
         model: str | os.PathLike[str] | Mapping[str, Any] | Model
         | Sequence[str | os.PathLike[str] | Mapping[str, Any] | Model], *, all_builtin: bool = False,
         runs: str | os.PathLike[str] | None = None) -> list[tuple[Analysis, Model]]:
    """The (analysis, model) pairs a command processes: every built-in analysis with the built-in models it is
    published for if ``all_builtin`` (what the committed results, workspaces and records cover), else the analysis
    with each model (several: a sequence, a directory or a pattern of model files, :func:`get_models`). Every input is
    loaded, and so validated, before anything is computed."""
    if all_builtin:
        return [(get_analysis(a, runs), get_model(m)) for a, m in builtin_pairs()]
    chosen = get_analysis(analysis, runs)
    return [(chosen, m) for m in get_models(model)]
