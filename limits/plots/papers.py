"""The papers' exclusion figures redrawn from our committed results, published curves overlaid where we have them.

- PRL 129 Fig. 3: na64-2022, unbroken (solid) and broken (dashed) B-L.
- arXiv:2606.17320 Fig. 6: na64-2026, unbroken B-L with Dirac nu (top) and B-L coupled to scalar DM (bottom), with
  the previous NA64 result (runs I-IV: the published PRL 129 curve where it exists, and our na64-2022 result).
- arXiv:2606.17320 Fig. 8: na64-2026, the four B-L-type models superimposed.
- Every beam (na64-combined, no paper): L_mu - L_tau from the electron, positron and muon runs and their combination,
  observed (solid) and expected (dashed) per beam, with the (g-2)_mu band; the dark photon likewise.

Masses in MeV on the x axis (the papers use GeV); observed 90 % CL limits, with the expected +-1 sigma and +-2 sigma
bands of the headline model.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from limits import constants as C
from limits.io.files import check_output_dir
from limits.io.paths import LIMITS_JSON, RESULTS_DIR, output_figures_dir
from limits.io.paths import results_dir as scan_dir
from limits.physics.gminus2 import band_couplings
from limits.physics.models import get_model
from limits.plots.figure import new_figure, save_figure
from limits.plots.overlays import draw_overlays
from limits.reference.curves import ReferenceCurve, references_for
from limits.reference.overlays import OverlaySpec, check_overlays, read_overlays
from limits.scanning.result import LimitCurves, ScanResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FIGURES", "figures_for", "paper_figures"]

FIG8_MODELS = {"bl-unbroken": "$B-L$", "b-3le": "$B-3L_e$", "b-2le-lmu": r"$B-2L_e-L_\mu$",
               "b-le-2lmu": r"$B-L_e-2L_\mu$"}


def _scan(results: Path, analysis: str, model: str) -> LimitCurves:
    """The committed scan of (analysis, model) as arrays."""
    return ScanResult.from_json(scan_dir(analysis, model, results) / LIMITS_JSON, field="results_dir").curves()


def _band(ax: Axes, c: LimitCurves) -> None:
    ax.fill_between(c.mass_mev, c.exp[:, 0], c.exp[:, 4], color="#ffdf00", lw=0, alpha=0.6,
                    label=r"expected $\pm2\sigma$")
    ax.fill_between(c.mass_mev, c.exp[:, 1], c.exp[:, 3], color="#00c000", lw=0, alpha=0.6,
                    label=r"expected $\pm1\sigma$")


def _published(ax: Axes, analysis: str, model: str) -> None:
    for ref in references_for(analysis, model):
        ax.plot(ref.mass_mev, ref.coupling, color="tab:red", lw=1.4, ls="-.", label=ref.label + " (digitised)")


def _finish(ax: Axes, overlays: Sequence[ReferenceCurve], ylabel: str = r"$g_{B-L}$ (90% CL upper limit)") -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    if overlays:  # within the frame our curves set
        ax.set_xlim(*ax.get_xlim())
        draw_overlays(ax, overlays)
    ax.set_xlabel(r"$m_{Z'}$ [MeV]")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both", lw=0.5)
    ax.legend(frameon=False, fontsize=7.5, loc="upper left")


def _prl129_fig3(results: Path, path: Path, overlays: Sequence[ReferenceCurve]) -> None:
    fig, ax = new_figure(figsize=(7, 5))
    unbroken, broken = _scan(results, "na64-2022", "bl-unbroken"), _scan(results, "na64-2022", "bl-broken")
    _band(ax, unbroken)
    ax.plot(unbroken.mass_mev, unbroken.obs, color="tab:blue", lw=1.8, label="unbroken $B-L$ (ours)")
    ax.plot(broken.mass_mev, broken.obs, color="tab:blue", lw=1.8, ls="--",
            label=r"broken $B-L$, $m_N = m_{Z'}/3$ (ours)")
    _published(ax, "na64-2022", "bl-unbroken")
    ax.set_title("NA64 runs I-IV, 3.22e11 EOT (cf. PRL 129, Fig. 3)", fontsize=10)
    _finish(ax, overlays)
    save_figure(fig, path)


def _arxiv2606_fig6(results: Path, path: Path, overlays: Sequence[ReferenceCurve]) -> None:
    fig, axes = new_figure(2, 1, figsize=(7, 9), sharex=True)
    for ax, model, title in zip(axes, ("bl-unbroken", "bl-dm-scalar"),
                                ("unbroken $B-L$, Dirac $\\nu$",
                                 r"$B-L$ with scalar DM, $\alpha_D = 0.1$, $m_{Z'} = 3 m_\chi$")):
        now, before = _scan(results, "na64-2026", model), _scan(results, "na64-2022", model)
        _band(ax, now)
        ax.plot(now.mass_mev, now.obs, color="k", lw=1.8, label="runs I-V, 9.37e11 EOT (ours)")
        ax.plot(before.mass_mev, before.obs, color="tab:blue", lw=1.2, ls=":",
                label="runs I-IV, 3.22e11 EOT (ours, na64-2022)")
        _published(ax, "na64-2022", model)
        ax.set_title(f"NA64 2016-2022 (cf. arXiv:2606.17320, Fig. 6): {title}", fontsize=9.5)
        _finish(ax, overlays)
    axes[0].set_xlabel("")
    save_figure(fig, path)


def _arxiv2606_fig8(results: Path, path: Path, overlays: Sequence[ReferenceCurve]) -> None:
    fig, ax = new_figure(figsize=(7, 5))
    for (model, label), color in zip(FIG8_MODELS.items(), ("k", "tab:red", "tab:green", "tab:purple")):
        c = _scan(results, "na64-2026", model)
        ax.plot(c.mass_mev, c.obs, color=color, lw=1.6, label=label)
    ax.set_title("NA64 2016-2022, 9.37e11 EOT (cf. arXiv:2606.17320, Fig. 8)", fontsize=10)
    _finish(ax, overlays, r"$g_{Z'}$ (90% CL upper limit)")
    save_figure(fig, path)


# the components of na64-combined, by beam: (analysis, label, colour)
BEAMS = (("na64-2026", "electrons, runs I-V", "tab:blue"), ("na64pos-2022", "positrons 2022, 100 GeV", "tab:orange"),
         ("na64pos-2023", "positrons 2023, 70 GeV", "tab:brown"), ("na64mu-2022", "muons 2022, 160 GeV", "tab:green"))


def _every_beam(results: Path, path: Path, overlays: Sequence[ReferenceCurve], model: str, ylabel: str,
                muon_band: bool) -> None:
    fig, ax = new_figure(figsize=(7, 5))
    combined = _scan(results, "na64-combined", model)
    _band(ax, combined)
    for analysis, label, colour in BEAMS:
        c = _scan(results, analysis, model)
        ax.plot(c.mass_mev, c.obs, color=colour, lw=1.3, label=label)
        ax.plot(c.mass_mev, c.exp[:, 2], color=colour, lw=0.9, ls="--")
    ax.plot(combined.mass_mev, combined.obs, color="k", lw=2.0, label="combined (observed; dashed: expected)")
    ax.plot(combined.mass_mev, combined.exp[:, 2], color="k", lw=1.0, ls="--")
    if muon_band:
        m = np.geomspace(float(combined.mass_mev.min()), float(combined.mass_mev.max()), 300)
        per_unit = float(get_model(model).fermion_coupling("mu", 1.0))  # g_mu per unit g (its loop mixing: 0.996)
        lo, hi = (edge / per_unit for edge in band_couplings(m * C.GEV_PER_MEV))
        ax.fill_between(m, lo, hi, facecolor="none", edgecolor="tab:red", hatch="////", lw=0.8, alpha=0.6,
                        label=r"$(g-2)_\mu$ $\pm2\sigma$")
    ax.set_ylim(float(np.nanmin(combined.obs)) / 3.0, 1.0)
    ax.set_title("NA64, every beam in one likelihood (na64-combined); positron and muon inputs partly assumed",
                 fontsize=9)
    _finish(ax, overlays, ylabel)
    save_figure(fig, path)


def _combined_lmu_ltau(results: Path, path: Path, overlays: Sequence[ReferenceCurve]) -> None:
    _every_beam(results, path, overlays, "lmu-ltau", r"$g_{L_\mu-L_\tau}$ (90% CL upper limit)", muon_band=True)


def _combined_dark_photon(results: Path, path: Path, overlays: Sequence[ReferenceCurve]) -> None:
    # overlays are limits on g (paper_figures checks them so): not drawn on a figure in epsilon
    _every_beam(results, path, (), "dark-photon", r"$\varepsilon$ (90% CL upper limit)", muon_band=False)


# file name -> (the analysis whose paper it belongs to, the function drawing it)
FIGURES: dict[str, tuple[str, Callable[[Path, Path, Sequence[ReferenceCurve]], None]]] = {
    "prl129_fig3_exclusion.png": ("na64-2022", _prl129_fig3),
    "arxiv2606_fig6_exclusion.png": ("na64-2026", _arxiv2606_fig6),
    "arxiv2606_fig8_exclusion.png": ("na64-2026", _arxiv2606_fig8),
    "na64_combined_lmu_ltau.png": ("na64-combined", _combined_lmu_ltau),
    "na64_combined_dark_photon.png": ("na64-combined", _combined_dark_photon),
}


def figures_for(analysis: str) -> list[str]:
    """File names of the paper figures of ``analysis`` (empty for analyses without one)."""
    return [name for name, (owner, _) in FIGURES.items() if owner == analysis]


def paper_figures(results_dir: str | os.PathLike[str] = RESULTS_DIR,
                  out_dir: str | os.PathLike[str] | None = None,
                  overlays: Sequence[OverlaySpec] = ()) -> list[Path]:
    """Draw every figure of :data:`FIGURES` (``limits figures``) from ``results_dir/<analysis>/<model>/limits.json``
    into ``out_dir`` (default ``limits-output/figures``; the committed ones: ``results/figures``); returns the paths.
    ``overlays``: other curves (:func:`limits.reference.overlays.read_overlay`) drawn on every panel, limits on g (the
    papers' figures are all in g).

    Raises:
        InputError: ``out_dir`` cannot be written, an overlay on epsilon, or a needed scan is missing or invalid (run
            ``limits scan --all``).
    """
    overlays = read_overlays(overlays)  # files read here, curves as they are
    check_overlays(overlays, "g")
    out = check_output_dir(output_figures_dir() if out_dir is None else out_dir, "out_dir")
    results = Path(results_dir)
    for name, (_, draw) in FIGURES.items():
        draw(results, out / name, overlays)
    return [out / name for name in FIGURES]
