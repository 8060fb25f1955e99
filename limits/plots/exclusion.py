"""Exclusion figure: the excluded region (islands, upper edges), observed limit, expected bands, published curves."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from limits import constants as C
from limits.analysis.coupling_grid import coupling_grid
from limits.physics.gminus2 import band_couplings
from limits.plots.figure import DPI, image_path, new_figure, save_figure
from limits.plots.overlays import draw_overlays
from limits.reference.curves import ReferenceCurve
from limits.reference.overlays import OverlaySpec, check_overlays, read_overlays
from limits.scanning.result import ScanResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

__all__ = ["draw_dark_matter", "draw_exclusion", "plot_dark_matter", "plot_exclusion"]


def _runs(mask: np.ndarray) -> list[slice]:
    """Slices of consecutive True entries of ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return [slice(a, b) for a, b in zip(edges[::2], edges[1::2])]


def _excluded_regions(result: ScanResult, g_top: float) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(masses, lower, upper) of each excluded band to fill: consecutive masses with a result and the same number of
    observed intervals, interval k of each; an open upper end is drawn to ``g_top`` (the frame)."""
    intervals = result.excluded_intervals()
    counts = np.array([len(iv) for iv in intervals])
    usable = np.isin(result.status, ("ok", "excluded_at_scan_floor")) & (counts > 0)
    regions = []
    for run in _runs(usable):
        for same in _runs_by_value(counts[run]):
            idx = np.arange(run.start, run.stop)[same]
            for k in range(counts[idx[0]]):
                lo = np.array([intervals[i][k][0] for i in idx])
                hi = np.array([min(intervals[i][k][1], g_top) for i in idx])
                regions.append((result.mass_mev[idx], lo, hi))
    return regions


# the look of an exclusion figure, shared by the figure and the blank frame drawn ahead of it (prepare_frame)
_FIGSIZE_IN = (7.5, 5.0)
_MARGINS = {"left": 0.11, "right": 0.97, "bottom": 0.11, "top": 0.93}
_MASS_LABEL = r"$m_{Z'}$ [MeV]"
_BAND_LABELS = (r"expected $\pm 2\sigma$ band", r"expected $\pm 1\sigma$ band")
_GMINUS2_LABEL = r"$(g-2)_\mu$ $\pm2\sigma$ (PRL 126, 141801)"


def _grid(ax: Axes) -> None:
    """The faint major and minor grid of the exclusion figures."""
    ax.grid(alpha=0.3, which="both", lw=0.5)


def _legend(ax: Axes) -> Legend:
    """The exclusion figures' legend: small, upper left, on a white ground without an edge, so that its entries stay
    readable over the grey excluded region and the hatched (g-2) band, and the grey "excluded" swatch shows."""
    return ax.legend(frameon=True, facecolor="white", framealpha=0.85, edgecolor="none", fontsize=8, loc="upper left")


_PREPARED: list[tuple[Figure, Axes]] = []
"""Blank exclusion frames drawn once ahead (:func:`prepare_frame`): their tick objects and label texts exist, so the
next figure draws at the cost of a second one. Filled only in a figure process (:mod:`limits.plots.background`)."""


def prepare_frame() -> None:
    """Draw one blank exclusion frame (log axes over 1e-3..1e4 MeV and couplings 1e-9..1) and keep it for the next
    :func:`draw_exclusion` without an axis; the figure then is the same (tested), drawn at the cost of a second one.

    Drawn once with the texts a figure shows (the axis labels, the legend's entries and a log tick label for every
    decade an exclusion figure can show: masses 1 keV - 1.2 GeV, couplings from 0.3 x the coupling grid's floor
    1e-10 up to 1), then emptied of them: the figure's renderer (its own Agg canvas,
    :func:`~limits.plots.figure.new_figure`) keeps them parsed. Rasterised, not written: the PNG encoder (Pillow) is
    imported instead."""
    fig, ax = new_figure(figsize=_FIGSIZE_IN)
    fig.subplots_adjust(**_MARGINS)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e-3, 1e4)
    ax.set_ylim(1e-9, 1.0)
    _grid(ax)
    size = ax.yaxis.get_major_ticks()[0].label1.get_fontsize()
    label = ax.yaxis.get_major_formatter()
    texts = [ax.text(0.5, 0.5, label(10.0**k), fontsize=size, transform=ax.transAxes) for k in range(-11, 4)]
    lines = [ax.plot([], [], label=text)[0] for text in (*_BAND_LABELS, _GMINUS2_LABEL)]
    legend = _legend(ax)
    xlabel, ylabel = ax.set_xlabel(_MASS_LABEL), ax.set_ylabel("$g$")
    dpi = fig.get_dpi()
    fig.set_dpi(DPI)  # as savefig(dpi=DPI) does, without writing an image nobody reads
    fig.canvas.draw()  # creates the ticks; the texts are cached per dpi and renderer
    fig.set_dpi(dpi)
    import PIL.PngImagePlugin  # noqa: F401 - what the file's savefig then needs (Pillow writes the PNG)
    for artist in (*texts, *lines, legend):
        artist.remove()
    xlabel.set_text("")
    ylabel.set_text("")
    ax.set_prop_cycle(None)  # the warm-up lines took colours from the cycle: start it again
    _PREPARED.append((fig, ax))


def _figure(ax: Axes | None) -> tuple[Figure, Axes, bool]:
    """(figure, axis, whether they are new): a new 7.5 x 5 inch figure (a prepared frame if there is one), or the
    figure ``ax`` belongs to."""
    if ax is None:
        if _PREPARED:
            return (*_PREPARED.pop(), True)
        fig, new_ax = new_figure(figsize=_FIGSIZE_IN)
        return fig, new_ax, True
    return cast("Figure", ax.get_figure(root=True)), ax, False


def _runs_by_value(values: np.ndarray) -> list[slice]:
    """Slices of consecutive equal entries."""
    cuts = np.flatnonzero(np.diff(values)) + 1
    bounds = np.concatenate([[0], cuts, [values.size]])
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def draw_exclusion(result: ScanResult, references: Sequence[ReferenceCurve] = (), ax: Axes | None = None,
                   overlays: Sequence[OverlaySpec] = ()) -> Figure:
    """Draw a scan's excluded region, observed limit and expected bands, published curves overlaid.

    The observed excluded region is filled from each mass's excluded intervals (islands and upper edges included; an
    open region is drawn to the top of the frame); with ``--grid`` the CLs = 1 - CL contours are drawn too, clipped
    to the scanned masses. Lines are broken at masses without a result, and failed masses are marked with a red x
    on the mass axis (not bridged). For a model that couples to muons in proportion to its coupling, the muon
    (g-2) band (one-loop Delta a_mu within 2 sigma of :data:`limits.physics.gminus2.DELTA_A_MU`) is hatched where
    it falls inside the frame (the frame is not widened for it).

    Args:
        result: the scan.
        references: published curves to overlay, e.g. the NA64 limit of the same analysis and model.
        ax: draw into this axis (default: a new figure).
        overlays: other curves (:func:`limits.reference.overlays.read_overlay`), each in its own colour, inside the
            scan's mass range; their coupling convention must be the scan's (checked).

    Returns:
        The figure drawn into.
    """
    overlays = read_overlays(overlays)  # files read here, curves as they are
    check_overlays(overlays, result.coupling)
    fig, ax, new = _figure(ax)
    if new:
        fig.subplots_adjust(**_MARGINS)
    sym = r"\varepsilon" if result.coupling == "epsilon" else "g"
    m = result.mass_mev
    shown = result.ok
    obs = np.where(shown, result.g_obs, np.nan)  # NaN breaks the lines at masses without a lower edge
    exp = np.where(shown[:, None], result.g_exp, np.nan)
    edges = np.array([e for ivs in result.excluded_intervals() for iv in ivs for e in iv], dtype=float)
    finite = np.concatenate([obs[np.isfinite(obs)], exp[np.isfinite(exp)],
                             edges[np.isfinite(edges) & (edges > float(coupling_grid()[0]))]])
    y_lo = 0.3 * float(finite.min()) if finite.size else 1e-6
    y_hi = min(3.0 * float(finite.max()), 1.0) if finite.size else 1.0
    for k, (mm, lo, hi) in enumerate(_excluded_regions(result, y_hi)):
        ax.fill_between(mm, np.maximum(lo, y_lo), hi, color="0.82", lw=0, zorder=0,
                        label="excluded (observed)" if k == 0 else None)
        ax.plot(mm, np.where(hi < y_hi, hi, np.nan), "k-", lw=1.2)
    for k, run in enumerate(_runs(shown)):
        ax.fill_between(m[run], exp[run, 0], exp[run, 4], color="#ffdf00", lw=0, alpha=0.85,
                        label=_BAND_LABELS[0] if k == 0 else None)
        ax.fill_between(m[run], exp[run, 1], exp[run, 3], color="#00c000", lw=0, alpha=0.85,
                        label=_BAND_LABELS[1] if k == 0 else None)
    ax.plot(m, exp[:, 2], "k--", lw=1, label="expected median")
    ax.plot(m, obs, "k-", lw=1.8, label=f"observed {result.cl * 100:.0f}% CL ({result.method})")
    if result.contours:
        for k, line in enumerate(result.contours.get("obs", [])):
            pts = np.array(line)
            ax.plot(pts[:, 0], pts[:, 1], color="tab:red", lw=1, ls=":",
                    label="observed CLs contour (--grid)" if k == 0 else None)
    failed = result.status == "failed"
    if failed.any():
        ax.plot(m[failed], np.full(failed.sum(), y_lo * 1.15), "x", color="tab:red", ms=6, mew=1.5,
                label=f"failed ({failed.sum()}): see limits.json")
    for ref in references:
        ax.plot(ref.mass_mev, ref.coupling, color="tab:blue", lw=1.5, ls="-.", label=ref.label)
    if result.muon_coupling_per_unit:
        mm = np.geomspace(float(m.min()), float(m.max()), 200)
        lo, hi = (edge / result.muon_coupling_per_unit for edge in band_couplings(mm * C.GEV_PER_MEV))
        ax.fill_between(mm, lo, hi, facecolor="none", edgecolor="tab:red", hatch="////", lw=0.8, alpha=0.6,
                        zorder=0.5, label=_GMINUS2_LABEL)
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo_m, hi_m = float(m.min()), float(m.max())
    ax.set_xlim(*((lo_m, hi_m) if hi_m > lo_m else (lo_m / 2.0, hi_m * 2.0)))  # one mass: a decade around it
    ax.set_ylim(y_lo, y_hi)
    if overlays:
        draw_overlays(ax, overlays)
    ax.set_xlabel(_MASS_LABEL)
    ax.set_ylabel(f"${sym}$")
    ax.set_title(f"{result.analysis}, {result.model}" + (" (stat. only)" if result.stat_only else ""),
                 fontsize=10)
    _grid(ax)
    _legend(ax)
    return fig


def plot_exclusion(result: ScanResult, path: str | os.PathLike[str],
                   references: Sequence[ReferenceCurve] = (), overlays: Sequence[OverlaySpec] = ()) -> None:
    """Draw :func:`draw_exclusion` to the image file ``path`` (format from its suffix; written atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_exclusion(result, references, overlays=overlays)
    save_figure(fig, path, layout=False)


def draw_dark_matter(result: ScanResult, ax: Axes | None = None) -> Figure:
    """The limit in the light-dark-matter plane: y = eps_eff^2 alpha_D (m_chi/m_Z')^4 vs m_chi (masses with a limit).

    No thermal-relic target is drawn: no published table of it is shipped with a source (the papers show it, from
    their ref. 34 and 57, without numbers).
    """
    if result.dark_sector is None:
        raise ValueError("the y plane needs a model with a dark sector")
    ok = result.ok & np.isfinite(result.y_obs)
    m, y, y_exp = result.m_chi_mev[ok], result.y_obs[ok], result.y_exp[ok]
    fig, ax, _ = _figure(ax)
    if m.size:
        ax.fill_between(m, y_exp[:, 0], y_exp[:, 4], color="#ffdf00", lw=0, label=r"expected $\pm 2\sigma$")
        ax.fill_between(m, y_exp[:, 1], y_exp[:, 3], color="#00c000", lw=0, label=r"expected $\pm 1\sigma$")
        ax.plot(m, y_exp[:, 2], "k--", lw=1, label="expected median")
        ax.plot(m, y, "k-", lw=1.8, label=f"observed {result.cl * 100:.0f}% CL ({result.method})")
    ds = result.dark_sector
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_\chi$ [MeV]")
    ax.set_ylabel(r"$y = \varepsilon_{eff}^2\,\alpha_D\,(m_\chi/m_{Z'})^4$")
    ax.set_title(f"{result.analysis}, {result.model}: {ds['particle'].replace('_', ' ')} $\\chi$, "
                 f"$\\alpha_D$ = {ds['alpha_d']:g}, $m_{{Z'}} = {ds['mass_ratio']:g}\\,m_\\chi$", fontsize=10)
    _grid(ax)
    _legend(ax)
    return fig


def plot_dark_matter(result: ScanResult, path: str | os.PathLike[str]) -> None:
    """:func:`draw_dark_matter` written to the image file ``path`` (atomically)."""
    image_path(path)  # checked before drawing
    fig = draw_dark_matter(result)
    save_figure(fig, path)
