"""Figures by content: axes, the published overlay, and the plotted data equal to the numbers they show."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import limits  # noqa: E402
from limits import constants as C  # noqa: E402
from limits.physics.detector import EcalResolution  # noqa: E402
from limits.physics.widths import refine_resonances_mev  # noqa: E402
from limits.plots.comparison import draw_comparison  # noqa: E402
from limits.plots.exclusion import draw_dark_matter, draw_exclusion  # noqa: E402
from limits.plots.papers import FIGURES, paper_figures  # noqa: E402
from limits.plots.widths import draw_branching  # noqa: E402
from limits.plots.yields import draw_yields  # noqa: E402
from limits.reference.curves import references_for  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "results"


def _line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert found, f"no line labelled {label!r}: {[ln.get_label() for ln in ax.get_lines()]}"
    return found[0]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_exclusion_plot_shows_the_limits_and_the_published_curve():
    result = limits.ScanResult.from_json(RESULTS / "na64-2022" / "bl-unbroken" / "limits.json")
    refs = references_for("na64-2022", "bl-unbroken")
    ax = draw_exclusion(result, refs).axes[0]
    assert ax.get_xlabel() == r"$m_{Z'}$ [MeV]" and ax.get_ylabel() == "$g$"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    observed = _line(ax, f"observed 90% CL ({result.method})")
    shown = np.isfinite(observed.get_ydata())
    np.testing.assert_array_equal(observed.get_xdata()[shown], result.mass_mev[result.ok])
    np.testing.assert_array_equal(observed.get_ydata()[shown], result.g_obs[result.ok])
    median = _line(ax, "expected median").get_ydata()
    np.testing.assert_array_equal(median[np.isfinite(median)], result.g_exp[result.ok, 2])
    published = _line(ax, refs[0].label)  # the published PRL 129 curve is overlaid
    np.testing.assert_array_equal(published.get_xdata(), refs[0].mass_mev)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert r"expected $\pm 1\sigma$ band" in labels and r"expected $\pm 2\sigma$ band" in labels


def test_exclusion_plot_hatches_the_muon_g_minus_2_band_in_the_coupling():
    """lmu-ltau (g_mu = g (1 - r e), r = epsilon/g of its loop): the band drawn is the one-loop 2 sigma band in g_mu
    divided by the recorded muon coupling per unit g; a result without it (an absolute kinetic mixing, or a
    limits.json written before the field) draws none."""
    result = limits.scan("na64-2026", "lmu-ltau", mass_mev=[0.01, 1.0, 100.0])
    ax = draw_exclusion(result).axes[0]
    label = r"$(g-2)_\mu$ $\pm2\sigma$ (PRL 126, 141801)"
    (band,) = [c for c in ax.collections if c.get_label() == label]
    verts = band.get_paths()[0].vertices  # fill_between: lower edge forward, upper edge back
    m_mev = verts[0, 0]  # the first mass drawn, 0.01 MeV
    # m << m_mu: Delta a_mu = g_mu^2/(8 pi^2) (1 - pi m/m_mu + O((m/m_mu)^2 ln)), the 1/(8 pi^2) with the (1 - z)^2
    # endpoint of the Feynman integral cut off at (1 - z) ~ m/m_mu
    unit = (1 - np.pi * m_mev / (C.M_MU_GEV * 1e3)) / (8 * np.pi**2)
    g_mu_edges = [np.sqrt((251e-11 - 2 * 59e-11) / unit), np.sqrt((251e-11 + 2 * 59e-11) / unit)]
    ys = sorted({float(v[1]) for v in verts if v[0] == m_mev})  # the path closes on repeated vertices
    assert m_mev == pytest.approx(0.01) and len(ys) == 2
    assert ys[0] * result.muon_coupling_per_unit == pytest.approx(g_mu_edges[0], rel=1e-5)
    assert ys[1] * result.muon_coupling_per_unit == pytest.approx(g_mu_edges[1], rel=1e-5)
    plt.close("all")
    bare = draw_exclusion(dataclasses.replace(result, muon_coupling_per_unit=None)).axes[0]
    assert not [c for c in bare.collections if c.get_label() == label]


def test_branching_plot_draws_the_widths():
    """The figure draws width tables (results), with the omega and phi resolved."""
    model = limits.get_model("bl-unbroken")
    m_mev = np.geomspace(1.0, 1000.0, 30)
    table = limits.widths(model, m_mev, 1e-4, resolve_resonances=True)
    ax = draw_branching([table]).axes[0]
    assert ax.get_xlabel() == r"$m_{Z'}$ [MeV]" and ax.get_ylabel() == "branching fraction"
    invisible = _line(ax, "invisible")
    x = np.asarray(invisible.get_xdata())
    np.testing.assert_allclose(x, refine_resonances_mev(m_mev), rtol=1e-11)  # held at 12 digits (limits.io.masses)
    assert np.count_nonzero(np.abs(x - 782.66) < 70) > 100  # dense across the omega
    np.testing.assert_array_equal(invisible.get_ydata(), table.br["invisible"])  # what the table holds


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plot_* functions of limits.plots.yields save, kept instead of written."""
    from limits.plots import yields as yield_plots

    figures = []
    monkeypatch.setattr(yield_plots, "save_figure", lambda fig, path: figures.append(fig))
    return figures


def test_yield_plot_draws_the_table():
    model = limits.get_model("dark-photon")
    table = limits.yields(model, mass_mev=np.geomspace(1.0, 1000.0, 20)[::-1], coupling=1e-4)
    ax = draw_yields(table).axes[0]
    total = _line(ax, r"total $\times$ P(invisible) (PRL 129 Eq. 6)")
    order = np.argsort(table.mass_mev)
    np.testing.assert_array_equal(total.get_xdata(), table.mass_mev[order])
    np.testing.assert_array_equal(total.get_ydata(), table.total_per_eot[order])
    assert "Z' per EOT" in ax.get_ylabel()
    with pytest.raises(ValueError, match="one coupling"):
        draw_yields(limits.yields(model, mass_mev=[1.0, 2.0], coupling=[1e-4, 1e-3]))


def test_yield_plot_resolves_the_annihilation_window(drawn, tmp_path):
    """plot_yields draws limits.yields at the given masses and densely across the annihilation window (the figure
    and the API share one set-up default: issue 20 found the figure cutting on the true energy)."""
    model = limits.get_model("dark-photon")
    limits.plot_yields(model, np.geomspace(1.0, 1000.0, 20), 1e-4, tmp_path / "y.png")
    (fig,) = drawn
    ax = fig.axes[0]
    total = _line(ax, r"total $\times$ P(invisible) (PRL 129 Eq. 6)")
    x = np.asarray(total.get_xdata())
    assert np.count_nonzero((x > 226.0) & (x < 320.0)) > 100  # 0.5 MeV steps across the window
    api = limits.yields(model, mass_mev=x, coupling=1e-4)
    np.testing.assert_allclose(total.get_ydata(), api.total_per_eot, rtol=1e-12)
    assert len(ax.child_axes) == 1  # the annihilation-window inset
    assert _line(ax, "total, cut on the true $E_{Z'}$")  # NA64's resolution by default: both cuts drawn


def test_comparison_plot_draws_the_ratio(tmp_path):
    result = limits.ScanResult.from_json(RESULTS / "na64-2022" / "bl-unbroken")
    cmp = limits.compare(result, "na64-prl129-2022-bl-unbroken")
    top, bottom = draw_comparison(cmp).axes
    np.testing.assert_allclose(bottom.get_lines()[0].get_ydata(), cmp.ratio)
    assert bottom.get_ylabel() == "ours / published" and _line(top, "limits (this work)")


def test_paper_figures_are_drawn_from_the_committed_scans(tmp_path):
    paths = paper_figures(RESULTS, tmp_path)
    assert [p.name for p in paths] == list(FIGURES)
    for path in paths:
        with Image.open(path) as im:
            assert im.format == "PNG" and im.size[0] > 600


def test_yield_plot_with_resolution_draws_both_cuts(drawn, tmp_path):
    model = limits.get_model("dark-photon")
    limits.plot_yields(model, np.geomspace(100.0, 400.0, 20), 1e-4, tmp_path / "y.png",
                       limits.Setup(ecal_resolution=EcalResolution(0.10, 0.04)))
    ax = drawn[0].axes[0]
    measured = _line(ax, r"total $\times$ P(invisible) (PRL 129 Eq. 6)")
    true_cut = _line(ax, "total, cut on the true $E_{Z'}$")
    x = np.asarray(true_cut.get_xdata())
    np.testing.assert_allclose(true_cut.get_ydata(),
                               limits.yields(model, mass_mev=x, coupling=1e-4, ecal_resolution=(0, 0)).total_per_eot,
                               rtol=1e-12)
    assert np.max(np.asarray(measured.get_ydata()) / np.asarray(true_cut.get_ydata())) > 1.5  # the window's low edge
    drawn.clear()
    limits.plot_yields(model, np.geomspace(100.0, 400.0, 20), 1e-4, tmp_path / "y.png",
                       limits.Setup(ecal_resolution=EcalResolution(0.0, 0.0)))
    assert not [line for line in drawn[0].axes[0].get_lines() if "true" in str(line.get_label())]


def test_annihilation_window_figure_shows_each_electron_model(drawn, tmp_path):
    model = limits.get_model("dark-photon")
    limits.plot_annihilation_window(model, 1e-4, tmp_path / "w.png",
                                    limits.Setup(ecal_resolution=EcalResolution(0.10, 0.04)))
    fig = drawn[0]
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Hartree-Fock Compton profiles", "the same, without binding", "exponential (DMG4)",
                      "free electrons at rest"]
    for ax, electrons in zip(fig.axes, ("compton", "compton-unbound", "exponential", "free")):
        line = _line(ax, "cut on the measured $E_{ECAL}$")
        x = np.asarray(line.get_xdata())
        assert x[0] == 150.0 and x[-1] == 400.0 and x.size == 501
        expected = limits.yields(model, mass_mev=x[::50], coupling=1e-4, electron_momenta=electrons,
                                 annihilation=True).annihilation_per_eot
        np.testing.assert_allclose(np.asarray(line.get_ydata())[::50], np.where(expected > 0, expected, np.nan),
                                   rtol=1e-12)


def test_dark_matter_plane():
    # y = eps_eff^2 alpha_D (m_chi/m_Z')^4 with eps_eff = g_e/e: for the dark photon g_e = eps e, m_Z' = 3 m_chi
    result = limits.ScanResult.from_json(RESULTS / "na64-2026" / "dark-photon")
    ok = result.ok
    np.testing.assert_allclose(result.y_obs[ok], result.g_obs[ok] ** 2 * 0.1 / 3**4, rtol=1e-12)
    np.testing.assert_allclose(result.m_chi_mev, result.mass_mev / 3, rtol=1e-12)
    ax = draw_dark_matter(result).axes[0]
    line = _line(ax, "observed 90% CL (hybrid)")
    np.testing.assert_allclose(line.get_xdata(), result.m_chi_mev[ok])
    np.testing.assert_allclose(line.get_ydata(), result.y_obs[ok])
    assert "chi" in ax.get_xlabel() and "alpha_D" in ax.get_ylabel()
    with pytest.raises(ValueError):
        draw_dark_matter(limits.ScanResult.from_json(RESULTS / "na64-2026" / "bl-unbroken"))


def test_the_figure_process_draws_the_same_png(tmp_path):
    """`limits scan` draws its figure in a process forked at the start (limits.plots.background): the PNG is the one
    drawn in the scan's own process, byte for byte."""
    import os
    import subprocess
    import sys

    if sys.platform != "linux":
        pytest.skip("the figure process is used on Linux only")
    files = {}
    for mode in ("on", "off"):
        env = {**os.environ, "LIMITS_FIGURE_PROCESS": mode}
        out = tmp_path / mode
        subprocess.run([sys.executable, "-m", "limits", "scan", "--analysis", "na64-2022", "--masses", "1:100:5",
                        "--out", str(out)], check=True, env=env, capture_output=True, cwd=tmp_path)
        files[mode] = (out / "exclusion.png").read_bytes()
    assert files["on"] == files["off"] and files["on"][:8] == b"\x89PNG\r\n\x1a\n"


def test_a_figure_process_that_dies_leaves_the_drawing_to_its_parent(tmp_path):
    """If the forked figure process is gone (killed, out of memory), the figure is drawn in the caller's process."""
    import sys

    if sys.platform != "linux":
        pytest.skip("the figure process is used on Linux only")
    from limits.plots.background import FigureProcess

    figures = FigureProcess()
    figures._process.kill()
    figures._process.join(timeout=10)
    path = tmp_path / "drawn_here.txt"
    figures.draw(path.write_text, "drawn")
    assert path.read_text() == "drawn"
    figures.close()
