"""An experiment's set-up, defined once: what the beam is, what it hits and what the missing-energy cut keeps.

Every stage that makes a signal number takes a :class:`Setup`: the yield per EOT (:mod:`limits.physics.yields`), the
per-run signal of an analysis (each run has its own, :meth:`limits.analysis.definition.Analysis.setup`), the API's
``yields``, the figures; every result records the set-ups it was computed with. Its defaults are NA64's electron
beam (``limits.constants``, with sources): no other layer states a default of its own.

Example:
    >>> s = Setup()
    >>> s.beam_energy_gev, s.ecut_gev, s.ecal_resolution.stochastic, s.l_det_m
    (100.0, 50.0, 0.1, 5.4)
    >>> Setup(ecut_gev=120.0)
    Traceback (most recent call last):
    ...
    limits.errors.InputError: ecut_gev: 120 GeV is outside the allowed range [30, 100) GeV
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from limits import constants as C
from limits.errors import InputError
from limits.io.checks import number_in_range
from limits.physics.annihilation import ELECTRON_MODELS
from limits.physics.detector import EcalResolution
from limits.physics.tables import DEFAULT_BREMS_GRID

__all__ = ["BEAM_ENERGY_RANGE_GEV", "BEAM_PARTICLES", "Setup"]

BEAM_ENERGY_RANGE_GEV = (float(DEFAULT_BREMS_GRID["energy_gev"]["min"]), float(DEFAULT_BREMS_GRID["energy_gev"]["max"]))
"""Beam energies the shipped tables cover (the ETL table's lepton energies), GeV."""
BEAM_PARTICLES = ("e-", "e+", "mu+", "mu-")
"""Beam particles the physics covers: electrons and positrons (a shower in the active target), muons (no shower)."""
MUON_ENERGY_RANGE_GEV = (10.0, 400.0)
"""Muon beam energies: the muon's bremsstrahlung is computed directly (:mod:`limits.physics.muon`), no table."""
TARGET_DEPTH_RANGE_X0 = (1.0, 200.0)
L_DET_RANGE_M = (0.0, 1000.0)
RESOLUTION_RANGES = {"stochastic": (0.0, 2.0), "constant": (0.0, 0.5)}


@dataclass(frozen=True, kw_only=True)
class Setup:
    """The set-up of a missing-energy measurement, validated on construction.

    Attributes:
        beam_particle: ``"e-"`` (:data:`BEAM_PARTICLES`).
        beam_energy_gev: beam energy E0 in GeV, in :data:`BEAM_ENERGY_RANGE_GEV`.
        ecut_gev: the missing-energy cut: the Z' must carry E_Z' > E_cut (E_ECAL < E0 - E_cut), GeV; >= 30 GeV,
            >= 0.1 E0 and below E0.
        ecal_resolution: sigma_E/E = a/sqrt(E[GeV]) (+) b of the ECAL energy the cut acts on
            (:class:`~limits.physics.detector.EcalResolution`; (0, 0) cuts on the true Z' energy).
        beam_energy_spread_gev: the beam energy's Gaussian spread sigma_E0 in GeV (0 by default: no paper states
            it); the cut on E_ECAL sees it in quadrature with the resolution
            (:class:`~limits.physics.detector.EcalResolution`).
        l_det_m: length in metres beyond which a visible decay counts as invisible (ECAL + HCAL; PRL 129 Eq. 6).
        annihilation: include resonant e+e- -> Z' on the target's atomic electrons (arXiv:2606.17320).
        electron_momenta: the atomic electrons' motion in annihilation (``compton``, ``exponential``, ``free``;
            :mod:`limits.physics.annihilation`).
        scintillator_electrons: annihilate also on the ECAL scintillator's electrons (off, as DMG4).
        target: the active target (documentation: the shipped tables are NA64's Pb/Sc ECAL).
        target_depth_x0: the active target's depth in radiation lengths of the Pb/Sc sandwich. A muon crosses it
            without showering, so its yield is proportional to this depth; an e+- shower is contained in the
            shower table's 40 X0 (:data:`limits.constants.ECAL_DEPTH_X0`), the only depth it accepts.

    Raises:
        InputError: a value outside its range, naming the attribute.
    """

    beam_particle: str = "e-"
    beam_energy_gev: float = C.NA64_BEAM_ENERGY_GEV
    ecut_gev: float = C.NA64_ECUT_GEV
    ecal_resolution: EcalResolution = field(default_factory=lambda: EcalResolution(
        C.ECAL_RESOLUTION_STOCHASTIC_SQRT_GEV, C.ECAL_RESOLUTION_CONSTANT))
    l_det_m: float = C.L_DETECTOR_DEFAULT_M
    beam_energy_spread_gev: float = 0.0
    annihilation: bool = True
    electron_momenta: str = "compton"
    scintillator_electrons: bool = False
    target: str = "NA64 ECAL: 150 layers of 1.5 mm Pb + 1.5 mm plastic scintillator"
    target_depth_x0: float = C.ECAL_DEPTH_X0

    def __post_init__(self) -> None:
        if self.beam_particle not in BEAM_PARTICLES:
            raise InputError("beam_particle", f"{self.beam_particle!r} is not one of {', '.join(BEAM_PARTICLES)}")
        e0 = number_in_range("beam_energy_gev", self.beam_energy_gev,
                             *(MUON_ENERGY_RANGE_GEV if self.is_muon else BEAM_ENERGY_RANGE_GEV), "GeV")
        depth = number_in_range("target_depth_x0", self.target_depth_x0, *TARGET_DEPTH_RANGE_X0, "X0")
        spread = number_in_range("beam_energy_spread_gev", self.beam_energy_spread_gev, 0.0, 0.1 * e0, "GeV")
        if not self.is_muon and depth != C.ECAL_DEPTH_X0:
            raise InputError("target_depth_x0", f"{depth:g} X0: an {self.beam_particle} shower is tabulated for the "
                                                f"{C.ECAL_DEPTH_X0:g} X0 ECAL only (other depths for muon beams)")
        if self.is_muon and self.annihilation:
            raise InputError("annihilation", f"a {self.beam_particle} beam makes no shower: resonant annihilation "
                                             "needs positrons (set it false)")
        cut = number_in_range("ecut_gev", self.ecut_gev, max(30.0, 0.1 * e0), e0, "GeV", hi_open=True)
        l_det = number_in_range("l_det_m", self.l_det_m, *L_DET_RANGE_M, "m")
        resolution = self.ecal_resolution
        if not isinstance(resolution, EcalResolution):
            try:
                a, b = resolution  # a pair (a, b)
            except (TypeError, ValueError):
                raise InputError("ecal_resolution", f"{resolution!r} is not a pair (a, b) of sigma_E/E = "
                                                    "a/sqrt(E) (+) b") from None
            resolution = EcalResolution(number_in_range("ecal_resolution", a, *RESOLUTION_RANGES["stochastic"],
                                                  "GeV^1/2 (stochastic term)"),
                                        number_in_range("ecal_resolution", b, *RESOLUTION_RANGES["constant"],
                                                  "(constant term)"))
        else:
            number_in_range("ecal_resolution", resolution.stochastic, *RESOLUTION_RANGES["stochastic"],
                      "GeV^1/2 (stochastic term)")
            number_in_range("ecal_resolution", resolution.constant, *RESOLUTION_RANGES["constant"], "(constant term)")
        if resolution.beam_spread_gev:
            raise InputError("ecal_resolution", "carries a beam-energy spread: give it as beam_energy_spread_gev")
        if self.electron_momenta not in ELECTRON_MODELS:
            raise InputError("electron_momenta", f"{self.electron_momenta!r} is not one of "
                                                 f"{', '.join(ELECTRON_MODELS)}")
        for name, value in (("beam_energy_gev", e0), ("ecut_gev", cut), ("l_det_m", l_det), ("target_depth_x0", depth),
                            ("beam_energy_spread_gev", spread),
                            ("ecal_resolution", resolution), ("annihilation", bool(self.annihilation)),
                            ("scintillator_electrons", bool(self.scintillator_electrons))):
            object.__setattr__(self, name, value)

    @property
    def is_muon(self) -> bool:
        """Whether the beam is muons: the Z' is radiated by the beam muon itself, along its path through the target
        (no shower, no annihilation); the missing-energy cut acts on the scattered muon's energy."""
        return self.beam_particle in ("mu+", "mu-")

    @property
    def lepton(self) -> str:
        """The beam lepton's flavour, ``"e"`` or ``"mu"``: whose coupling to the Z' the production goes with."""
        return "mu" if self.is_muon else "e"

    def replace(self, **changes: Any) -> Setup:
        """A validated copy with ``changes`` (attribute names as in the class)."""
        return dataclasses.replace(self, **changes)

    @property
    def cut_resolution(self) -> EcalResolution:
        """What the missing-energy cut is smeared by: the ECAL resolution and the beam-energy spread."""
        return dataclasses.replace(self.ecal_resolution, beam_spread_gev=self.beam_energy_spread_gev)

    def record(self) -> dict[str, Any]:
        """The set-up as plain JSON values (what results record): the resolution as ``[a, b]``."""
        out = dataclasses.asdict(self)
        out["ecal_resolution"] = [self.ecal_resolution.stochastic, self.ecal_resolution.constant]
        return out

