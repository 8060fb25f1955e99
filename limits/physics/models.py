"""Z' models as data: charges, neutrino treatment, dark sector.

A model is L = g Z'_mu [ sum_f Q_f fbar gamma^mu f ] (+ dark sector), with g = (coupling parameter) x (scale); the
parameter is called g for B-L-type models and epsilon for the dark photon (g = epsilon e). Built-in models live in
``limits/data/models/*.yaml``, user models in any YAML/JSON file; both are validated by ``schemas/model.schema.json``.
Charges follow arXiv:2606.17320 Table I (Q_q = 1/3 for all quarks in the B - n_i L_i family).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from limits import constants as C
from limits.errors import InputError
from limits.frozen import freeze, frozen_cache, thaw
from limits.io.files import parse_document, read_document, yaml_load
from limits.io.schemas import validate
from limits.physics.mixing import loop_mixing, running_ratio

__all__ = ["CHARGE_RANGE", "COUPLING_RANGE", "DARK_RATIO_RANGE", "DEFAULT_MODEL", "MODEL_FILE_SUFFIXES", "RATIO_RANGE",
           "DarkSector", "Model", "builtin_document", "builtin_models", "builtin_names", "charge_string",
           "check_coupling", "describe_channels", "describe_models", "get_model", "get_models", "is_builtin",
           "model_from_document"]

LEPTONS = ("e", "mu", "tau")
QUARKS = ("u", "d", "s")
DEFAULT_MODEL = "bl-unbroken"
"""The model a command uses unless told otherwise: gauged B-L with Dirac neutrinos (PRL 129)."""
COUPLING_RANGE = (0.0, 10.0)
"""Allowed coupling parameter values: (0, 10], dimensionless."""
CHARGE_RANGE = (-10.0, 10.0)
"""Allowed U(1)' charges, numbers and fraction strings alike (``schemas/model.schema.json``)."""
RATIO_RANGE = (0.0, 1000.0)
"""Allowed mass ratio m_N/m_Z' of heavy neutrinos: (0, 1000]."""
DARK_RATIO_RANGE = (1e-3, 1000.0)
"""Allowed m_Z'/m_chi: [0.001, 1000]. Below 2 the Z' cannot decay to chi pairs at all; a dark-matter particle heavier
than 1000 m_Z' changes nothing but makes y = eps^2 alpha_D (m_chi/m_Z')^4 overflow."""


@dataclass(frozen=True)
class DarkSector:
    """Dark-matter particle chi coupled to the Z' with alpha_D = g_D^2/(4 pi) (independent of g).

    Attributes:
        particle: "complex_scalar" (arXiv:2606.17320 Eq. A6) or "dirac_fermion".
        alpha_d: dark coupling alpha_D (dimensionless).
        mass_ratio: m_Z'/m_chi (dimensionless).
    """

    particle: str
    alpha_d: float
    mass_ratio: float


@dataclass(frozen=True)
class Model:
    """A Z' model. All charges are dimensionless; ``coupling_scale`` converts the parameter into the gauge coupling.

    Attributes:
        name: identifier (built-in name or the file's ``name``).
        description: one paragraph for humans.
        coupling_symbol: "g" or "epsilon", the name of the coupling parameter in outputs.
        coupling_scale: gauge coupling per unit parameter (1, or e = 0.3028 for the dark photon).
        charges: charged-lepton and quark charges, keys e, mu, tau, u, d, s.
        nu_charges: neutrino charges, keys e, mu, tau (flavour).
        light_nu: "dirac" (nu_L + nu_R light) or "majorana" (only nu_L light).
        heavy_n_charges: charges of the heavy Majorana N (empty if none).
        heavy_n_mass_ratio: m_N/m_Z' (ignored without N).
        dark: the dark sector or None.
        references: literature the model follows.
        kinetic_mixing: epsilon/g, the photon kinetic mixing per unit gauge coupling (0 without); ``charges`` already
            include it: Q_f = Q'_f + (epsilon/g) e Q_em,f for the charged fermions (neutrinos get none).
        epsilon: an absolute kinetic mixing, independent of g (0 without): the coupling of a charged fermion f is
            g Q_f + epsilon e Q_em,f, not proportional to g, so widths and yields are quadratic forms in (g, epsilon)
            (:func:`limits.physics.widths.decay_widths`) and the signal has a floor at g -> 0.
        mixing_loop: the two leptons (charges +1, -1) whose loop induces ``kinetic_mixing`` (e.g. ("mu", "tau")), or
            empty; such a mixing runs with q^2 = m^2 (:meth:`charges_at`, :mod:`limits.physics.mixing`).
        document: the validated model document it was built from (``schemas/model.schema.json``), read-only; the
            digest of a scan's inputs and the check that a result is of a given model use it, never the derived
            floats above. None only for the internal helper models of :meth:`photon_like`.

    A model is immutable (its mappings are :class:`~limits.frozen.FrozenDict`): built-in models are shared by every
    caller of :func:`get_model`. Make a changed copy with :meth:`replace`.
    """

    name: str
    description: str
    coupling_symbol: str
    coupling_scale: float
    charges: Mapping[str, float]
    nu_charges: Mapping[str, float]
    light_nu: str
    heavy_n_charges: tuple[float, ...] = ()
    heavy_n_mass_ratio: float = 0.0
    dark: DarkSector | None = None
    references: tuple[str, ...] = ()
    kinetic_mixing: float = 0.0
    epsilon: float = 0.0
    document: Mapping[str, Any] | None = None
    mixing_loop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("charges", "nu_charges", "document"):
            object.__setattr__(self, name, freeze(getattr(self, name)))
        object.__setattr__(self, "heavy_n_charges", tuple(self.heavy_n_charges))
        object.__setattr__(self, "references", tuple(self.references))

    def replace(self, **changes: Any) -> Model:
        """A validated copy of this model with ``changes`` applied to its document (``schemas/model.schema.json``):
        a mapping value is merged key by key into the existing one (a key set to None is removed), any other value
        replaces the entry (None removes it).

        Raises:
            InputError: the changed document does not follow the schema (the field is named).

        Example:
            >>> from limits.physics.models import get_model
            >>> m = get_model("bl-unbroken").replace(name="bl-no-e", charges={"e": 0})
            >>> m.charges["e"], get_model("bl-unbroken").charges["e"]
            (0.0, -1.0)
        """
        if self.document is None:
            raise InputError("model", f"{self.name} is an internal helper model without a document: nothing to replace")
        doc = thaw(self.document)
        for key, value in changes.items():
            if isinstance(value, Mapping) and isinstance(doc.get(key), dict):
                merged = {**doc[key], **value}
                doc[key] = {k: v for k, v in merged.items() if v is not None}
            elif value is None:
                doc.pop(key, None)
            else:
                doc[key] = thaw(value)
        return model_from_document(doc, f"{self.name}.replace()")

    def digest(self) -> str:
        """SHA-256 of the model's document as canonical JSON (sorted keys): what identifies the model, whatever its
        name."""
        return hashlib.sha256(json.dumps(self.document, sort_keys=True).encode()).hexdigest()

    @property
    def output_name(self) -> str:
        """The model's name in output paths: its name, or for a user model that takes a built-in's name (with other
        content) ``<name>.user-<first 8 hex digits of its digest>``, so that it never writes over the built-in's
        outputs."""
        if self.name in builtin_names() and not is_builtin(self):
            return f"{self.name}.user-{self.digest()[:8]}"
        return self.name

    def charges_at(self, mass_gev: Any) -> dict[str, np.ndarray]:
        """The charged fermions' charges of an on-shell Z' of these masses (GeV), arrays: :attr:`charges`, with a
        loop-induced mixing taken at q^2 = m^2 instead of 0 (:func:`limits.physics.mixing.running_ratio`). Above the
        loop's threshold the mixing is complex, eps = r eps_0; the charge returned is the real number with the same
        modulus abs(Q'_f + r (eps_0/g) e Q_em,f) and the sign of its real part: what rates (the charge squared) and
        the interference of quark currents see when Q'_f = 0 (every quark of a pure loop model); quarks with both a
        direct charge and a loop mixing would lose the interference of the imaginary part (no built-in model has
        them)."""
        m = np.asarray(mass_gev, dtype=float)
        if not self.mixing_loop:
            return {f: np.full(m.shape, q) for f, q in self.charges.items()}
        r = running_ratio(self.mixing_loop[0], self.mixing_loop[1], m)
        out = {}
        for f, q in self.charges.items():
            photon_part = self.kinetic_mixing * C.E_CHARGE * C.EM_CHARGE[f]
            direct = q - photon_part
            re, im = direct + r.real * photon_part, r.imag * photon_part
            out[f] = np.sign(re) * np.hypot(re, im)
        return out

    def fermion_coupling(self, fermion: str, coupling: Any, mass_gev: Any = None) -> Any:
        """abs(g Q_f + epsilon e Q_em,f) of a charged fermion (``"e"``, ``"mu"``, ``"tau"``, ``"u"``, ``"d"``, ``"s"``)
        for a coupling parameter (array or number); with ``mass_gev`` (broadcast with it), that of an on-shell Z' of
        that mass (:meth:`charges_at`: production and decay); without, at q^2 = 0 (the muon's in its (g-2),
        :mod:`limits.physics.gminus2`)."""
        charge = self.charges[fermion] if mass_gev is None else self.charges_at(mass_gev)[fermion]
        g_f = self.gauge_coupling(coupling) * charge + self.epsilon * C.E_CHARGE * C.EM_CHARGE[fermion]
        return abs(g_f)

    def electron_coupling(self, coupling: Any, mass_gev: Any = None) -> Any:
        """:meth:`fermion_coupling` of the electron: what electron-side production (bremsstrahlung, e+e- -> Z') sees
        (= epsilon e for the dark photon)."""
        return self.fermion_coupling("e", coupling, mass_gev)

    @property
    def couples_to_electrons(self) -> bool:
        """Whether the Z' couples to electrons at all (Q_e != 0, or an absolute kinetic mixing): without it NA64's
        electron beam produces no Z'."""
        return self.charges["e"] != 0 or self.epsilon != 0

    def photon_like(self) -> Model:
        """The model's absolute-mixing part alone, per unit epsilon: charges e Q_em, no neutrino, N or dark sector."""
        return dataclasses.replace(self, coupling_scale=1.0, charges=_plus_photon({f: 0.0 for f in self.charges}, 1.0),
                                   nu_charges={f: 0.0 for f in self.nu_charges}, heavy_n_charges=(), dark=None,
                                   epsilon=0.0, document=None, kinetic_mixing=0.0, mixing_loop=())

    def plus_photon_like(self) -> Model:
        """Charges Q_f + e Q_em,f (neutrinos, N, dark sector unchanged): with :meth:`photon_like`, the cross term of
        a width that is a quadratic form in the couplings, by polarisation."""
        return dataclasses.replace(self, charges=_plus_photon(self.charges, 1.0), epsilon=0.0, document=None)

    def dark_matter_y(self, coupling: Any) -> Any:
        """The light-dark-matter variable y = eps_eff^2 alpha_D (m_chi/m_Z')^4, eps_eff = g_e/e the electron coupling
        in units of e (the dark photon's epsilon), for a coupling parameter (array or number); NaN without a dark
        sector. The standard plane of light-dark-matter targets (e.g. Izaguirre, Krnjaic, Schuster, Toro, PRL 115,
        251301 (2015))."""
        if self.dark is None:
            return coupling * math.nan
        eps_eff = self.electron_coupling(coupling) / C.E_CHARGE
        return eps_eff**2 * self.dark.alpha_d / self.dark.mass_ratio**4

    def gauge_coupling(self, coupling: Any) -> Any:
        """Gauge coupling g (dimensionless) for the model's coupling parameter (g itself, or epsilon)."""
        return self.coupling_scale * coupling


def _number(value: Any, field: str, allowed: tuple[float, float], lo_open: bool = False) -> float:
    """A schema-validated charge or ratio (a number or a fraction string such as "-2/3") as a float in ``allowed``:
    the range a number gets from the schema holds for a string too (``"11"`` is refused as 11 is).

    Raises:
        InputError: naming ``field``: outside the range (or too large to be a float at all).
    """
    lo, hi = allowed
    try:
        number = float(Fraction(value.replace(" ", ""))) if isinstance(value, str) else float(value)
    except (OverflowError, ValueError, ZeroDivisionError):
        number = math.inf
    if not (math.isfinite(number) and (number > lo if lo_open else number >= lo) and number <= hi):
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}]"
        raise InputError(field, f"{str(value)[:40]!s} is outside the allowed range {interval}")
    return number


def model_from_document(doc: Any, source: str) -> Model:
    """Build a :class:`Model` from a parsed YAML/JSON document, validating it first.

    Raises:
        InputError: naming ``source`` and the offending field.
    """
    doc = validate(doc, "model", source)

    def charge(key: str, value: Any) -> float:
        return _number(value, f"{source}: charges.{key}", CHARGE_RANGE)

    def ratio(key: str, value: Any, allowed: tuple[float, float] = RATIO_RANGE) -> float:
        return _number(value, f"{source}: {key}", allowed, lo_open=allowed[0] == 0.0)

    given = doc["charges"]
    charges = {k: charge(k, given[k]) for k in ("e", "mu", "tau", "u", "d")}
    charges["s"] = charge("s", given.get("s", given["d"]))
    nu = {f: charge(f"nu_{f}", given.get(f"nu_{f}", given[f])) for f in LEPTONS}
    coupling = doc.get("coupling", {"symbol": "g", "scale": 1})
    scale = coupling.get("scale", 1)
    scale = C.E_CHARGE if scale == "e" else float(scale)
    heavy = doc["neutrinos"].get("heavy")
    dark = doc.get("dark_sector")
    mixing = _kinetic_mixing(doc.get("kinetic_mixing"))
    if mixing:
        charges = _plus_photon(charges, mixing)
    return Model(
        name=doc["name"],
        description=" ".join(str(doc.get("description", "")).split()),
        coupling_symbol=coupling["symbol"],
        coupling_scale=scale,
        charges=charges,
        nu_charges=nu,
        light_nu=doc["neutrinos"]["light"],
        heavy_n_charges=tuple(_number(q, f"{source}: neutrinos.heavy.charges.{i}", CHARGE_RANGE)
                              for i, q in enumerate(heavy["charges"])) if heavy else (),
        heavy_n_mass_ratio=ratio("neutrinos.heavy.mass_ratio", heavy["mass_ratio"]) if heavy else 0.0,
        dark=(DarkSector(dark["particle"], float(dark["alpha_d"]),
                         ratio("dark_sector.mass_ratio", dark["mass_ratio"], DARK_RATIO_RANGE)) if dark else None),
        references=tuple(doc.get("references", ())),
        kinetic_mixing=mixing,
        epsilon=float(doc.get("kinetic_mixing", {}).get("epsilon", 0.0)),
        document=doc,
        mixing_loop=tuple(doc.get("kinetic_mixing", {}).get("loop", ())),
    )


def _plus_photon(charges: Mapping[str, float], ratio: float) -> dict[str, float]:
    """Charged-fermion charges plus ``ratio`` times the photon's, Q_f + ratio e Q_em,f: kinetic mixing epsilon =
    ratio g seen as charges."""
    return {f: q + ratio * C.E_CHARGE * C.EM_CHARGE[f] for f, q in charges.items()}


def _kinetic_mixing(spec: dict[str, Any] | None) -> float:
    """epsilon/g of a model's ``kinetic_mixing``: the ratio, or the loop of two leptons with opposite charges,
    epsilon = (e g/12 pi^2) ln(m_b^2/m_a^2) (e.g. L_mu - L_tau; Holdom, PLB 166 (1986) 196; Araki et al.); 0 for an
    absolute epsilon (:attr:`Model.epsilon`) or none."""
    if spec is None:
        return 0.0
    if "ratio" in spec:
        return float(spec["ratio"])
    if "loop" in spec:
        a, b = spec["loop"]
        return loop_mixing(a, b)
    return 0.0


def _builtin_dir():
    return resources.files("limits.data").joinpath("models")


@frozen_cache(1)
def builtin_names() -> tuple[str, ...]:
    """Names of the built-in models, in a stable display order."""
    order = ("bl-unbroken", "bl-broken", "bl-dm-scalar", "b-3le", "b-2le-lmu", "b-le-2lmu", "dark-photon",
             "dark-photon-dirac", "lmu-ltau", "lmu-ltau-dirac")
    found = {p.name[: -len(".yaml")] for p in _builtin_dir().iterdir() if p.name.endswith(".yaml")}
    return tuple(n for n in order if n in found) + tuple(sorted(found - set(order)))


@frozen_cache(None)
def _builtin(name: str) -> Model:
    """A built-in model, read once per process: immutable, so every caller can share it."""
    text = _builtin_dir().joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return model_from_document(yaml_load(text), f"built-in model {name}")


def builtin_document(name: str) -> Mapping[str, Any] | None:
    """The document of the built-in model ``name``, or None if no built-in has that name."""
    return _builtin(name).document if name in builtin_names() else None


def is_builtin(model: Model) -> bool:
    """Whether ``model`` is the built-in model of its name, by content (a user model may take a built-in's name)."""
    return model.document is not None and model.document == builtin_document(model.name)


def get_model(model: str | os.PathLike[str] | Mapping[str, Any] | Model, field: str = "model") -> Model:
    """A Z' model: a built-in name, the path of a YAML/JSON model file, a dict in that format
    (``schemas/model.schema.json``), the text of such a document (YAML or JSON, e.g. given inline on the command
    line), or a :class:`Model` (returned as is).

    Raises:
        InputError: naming ``field``: unknown name, unreadable file, a document that does not follow the schema, or
            something that is none of these.

    Example:
        >>> m = get_model({"name": "my-bl", "description": "B-L, Dirac nu", "coupling": {"symbol": "g", "scale": 1},
        ...                "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3"},
        ...                "neutrinos": {"light": "dirac"}})
        >>> m.name, m.charges["u"]
        ('my-bl', 0.3333333333333333)
    """
    if isinstance(model, Model):
        return model
    if isinstance(model, Mapping):
        return model_from_document(model, field)
    if not isinstance(model, (str, os.PathLike)):
        raise InputError(field, f"a {type(model).__name__} is not a model: give a built-in name "
                                f"({', '.join(builtin_names())}), a model file's path, a mapping or a Model")
    name_or_path = os.fspath(model)
    if not name_or_path.strip():
        raise InputError(field, f"empty; use one of {', '.join(builtin_names())}, or the path of a model file")
    if name_or_path in builtin_names():
        return _builtin(name_or_path)
    if isinstance(model, str) and _looks_like_document(model):
        return model_from_document(_inline_document(model, field), f"{field} (inline)")
    path = Path(name_or_path)
    if not path.is_file():
        raise InputError(field, f"unknown model '{name_or_path}': use one of {', '.join(builtin_names())}, "
                                "the path of a model file (YAML/JSON, schemas/model.schema.json) or its text")
    doc = read_document(path, field)
    return model_from_document(doc, f"{field} {path}")


def _looks_like_document(text: str) -> bool:
    """Text that can only be a document, not a name or a path: a JSON object, several lines, or a YAML mapping."""
    stripped = text.strip()
    return stripped.startswith("{") or "\n" in stripped or ": " in stripped  # names and paths have no newline


def _inline_document(text: str, field: str) -> Any:
    """The mapping a model given as text holds (YAML, of which JSON is a part)."""
    doc = parse_document(text, field, "the model text is not valid YAML/JSON")
    if not isinstance(doc, Mapping):
        raise InputError(field, f"the model text holds a {type(doc).__name__}, not a model document (a mapping)")
    return doc


MODEL_FILE_SUFFIXES = (".yaml", ".yml", ".json")
"""Suffixes of the model files a directory of models contributes (:func:`get_models`)."""


def get_models(models: str | os.PathLike[str] | Mapping[str, Any] | Model
               | Sequence[str | os.PathLike[str] | Mapping[str, Any] | Model], field: str = "model") -> list[Model]:
    """Several models, in order: each entry as :func:`get_model` takes it, where a directory stands for its model
    files (``*.yaml``, ``*.yml``, ``*.json``, sorted by name) and a path with ``*``, ``?`` or ``[`` for the files it
    matches (sorted). One model (not a sequence) gives a list of one.

    Raises:
        InputError: naming ``field``: an entry :func:`get_model` refuses, a directory without model files, a pattern
            that matches nothing, two models of the same name (their outputs would collide), or no model at all.

    Example:
        >>> [m.name for m in get_models(["bl-unbroken", "dark-photon"])]
        ['bl-unbroken', 'dark-photon']
    """
    entries = [models] if isinstance(models, (str, os.PathLike, Mapping, Model)) else list(models)
    out: list[Model] = []
    for entry in entries:
        for item in _expand(entry, field):
            out.append(get_model(item, field))
    if not out:
        raise InputError(field, "no model given")
    seen: dict[str, int] = {}
    for m in out:
        seen[m.output_name] = seen.get(m.output_name, 0) + 1
    clash = sorted(name for name, count in seen.items() if count > 1)
    if clash:
        raise InputError(field, f"given more than once: {', '.join(clash)} (each scan's files are named after it)")
    return out


def _expand(entry: Any, field: str) -> list[Any]:
    """A directory or glob pattern as its model files; anything else as itself."""
    if not isinstance(entry, (str, os.PathLike)) or (isinstance(entry, str) and _looks_like_document(entry)):
        return [entry]
    text = os.fspath(entry)
    if text in builtin_names():
        return [entry]
    path = Path(text)
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.is_file() and f.suffix.lower() in MODEL_FILE_SUFFIXES)
        if not files:
            raise InputError(field, f"the directory {text} holds no model file ({', '.join(MODEL_FILE_SUFFIXES)})")
        return files
    if any(c in text for c in "*?[") and not path.exists():
        import glob

        matches = sorted(Path(m) for m in glob.glob(text) if Path(m).is_file())
        if not matches:
            raise InputError(field, f"no model file matches {text}")
        return matches
    return [entry]


def builtin_models() -> tuple[str, ...]:
    """Names of the built-in Z' models (``limits models`` lists them with their charges).

    Example:
        >>> builtin_models()[:2]
        ('bl-unbroken', 'bl-broken')
    """
    return builtin_names()


def check_coupling(coupling: Any, field: str = "coupling") -> float:
    """A coupling parameter as a float in :data:`COUPLING_RANGE` (dimensionless: g, or epsilon for the dark photon).

    Raises:
        InputError: naming ``field``: not a number, or outside (0, 10].
    """
    lo, hi = COUPLING_RANGE
    try:
        value = float(coupling)
    except (TypeError, ValueError):
        raise InputError(field, f"must be a number in ({lo:g}, {hi:g}]") from None
    if not (math.isfinite(value) and lo < value <= hi):
        raise InputError(field, f"{value:g} is outside the allowed range ({lo:g}, {hi:g}]")
    return value


def describe_models(names: Sequence[str] | None = None) -> list[dict[str, str]]:
    """One row per model (default: the built-ins): name, coupling symbol, charges (e mu tau u d s, kinetic mixing
    included), kinetic mixing epsilon/g, invisible channels.

    Example:
        >>> describe_models(["b-3le"])[0]["charges"]
        'e=-3 mu=0 tau=0 u=1/3 d=1/3 s=1/3'
    """
    rows = []
    for name in builtin_names() if names is None else names:
        m = get_model(name)
        charges = " ".join(f"{k}={charge_string(m.charges[k])}" for k in ("e", "mu", "tau", "u", "d", "s"))
        rows.append({"model": m.name, "coupling": m.coupling_symbol, "charges": charges,
                     "mixing": (f"eps/g={m.kinetic_mixing:.4g}" if m.kinetic_mixing else
                                f"eps={m.epsilon:.4g}" if m.epsilon else "-"),
                     "invisible": describe_channels(m)})
    return rows


def describe_channels(model: Model) -> str:
    """One-line summary of the model's invisible channels, for ``limits models``."""
    # light neutrinos are an invisible channel only where they carry a charge (not the dark photon's)
    parts = ["Dirac nu" if model.light_nu == "dirac" else "Majorana nu_L"] if any(model.nu_charges.values()) else []
    if model.heavy_n_charges:
        parts.append(f"{len(model.heavy_n_charges)} N (m_N/m_Z'={model.heavy_n_mass_ratio:.3g})")
    if model.dark:
        parts.append(f"{model.dark.particle} chi (alpha_D={model.dark.alpha_d:g}, "
                     f"m_Z'/m_chi={model.dark.mass_ratio:g})")
    return ", ".join(parts) or "none"


def charge_string(q: float) -> str:
    """A charge as a short fraction, e.g. -1, 1/3."""
    f = Fraction(q).limit_denominator(12)
    return str(f) if math.isclose(float(f), q, abs_tol=1e-9) else f"{q:g}"
