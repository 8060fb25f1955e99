"""Issue 14: every bad input is one line naming the field, exit 2, no output; faults leave previous results intact.

One regression test per class of the issue (unreadable input, output paths, executors, physics-empty and extreme
inputs, masses, partial outputs, silent failures); the property-based fuzz suite is ``tests/test_fuzz.py``.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml

import limits
from limits.io import files as files_module
from limits.io.files import directory_lock
from limits.scanning.result import ScanResult


def _one_error_line(code: int, out: str, err: str, field: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("limits: error: ") and field in lines[0], err
    assert "Traceback" not in err


MODEL = "name: m\ncoupling: {symbol: g, scale: 1}\ncharges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3}\n" \
        "neutrinos: {light: dirac}\n"


@pytest.mark.parametrize(("content", "words"), [
    (b"name: m\ndescription: \xff\xfe\n", "not UTF-8"),
    (("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(), "nested deeper"),
    (b"a: &a [1, 2]\nb: *a\n", "aliases"),
    (("\n".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9 if i else ['"lol"'] * 9) + "]"
                 for i in range(9)) + "\n").encode(), "aliases"),
])
def test_unreadable_model_files(tmp_path, run_cli, content, words):
    path = tmp_path / "model.yaml"
    path.write_bytes(content)
    code, out, err = run_cli("scan", "--model", str(path), "--masses", "1", "--out", str(tmp_path / "out"))
    _one_error_line(code, out, err, "--model")
    assert words in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ["garbage{", "", "[]", '{"analysis": 3}', "null"])
@pytest.mark.parametrize("command", ["compare", "export"])
def test_garbage_results_read_back(tmp_path, run_cli, text, command):
    (tmp_path / "limits.json").write_text(text)
    args = ["--reference", "na64-prl129-2022-bl-unbroken"] if command == "compare" else []
    code, out, err = run_cli(command, "--results", str(tmp_path), *args)
    _one_error_line(code, out, err, "--results")


def test_output_paths_are_checked_before_any_work(tmp_path, run_cli):
    (tmp_path / "afile").write_text("x")
    code, out, err = run_cli("scan", "--masses", "1", "--out", str(tmp_path / "afile" / "sub"))
    _one_error_line(code, out, err, "--out")
    code, out, err = run_cli("widths", "--model", "bl-unbroken", "--masses", "1", "--plot", str(tmp_path / "w.xyz"))
    _one_error_line(code, out, err, "--plot")
    assert not (tmp_path / "w.xyz").exists()


@pytest.mark.parametrize("spec", ["dask:local:abc", "dask:local:0", "dask:nowhere", "processes:0", "threads:2"])
def test_executor_specs(tmp_path, run_cli, spec):
    code, out, err = run_cli("scan", "--masses", "1", "--executor", spec, "--out", str(tmp_path / "out"))
    _one_error_line(code, out, err, "--executor")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("charges", "command", "field"), [
    ({"e": 0, "mu": 1, "tau": -1, "u": 0, "d": 0}, "scan", "--model"),
    ({"e": 0, "mu": 0, "tau": 0, "u": 0, "d": 0}, "workspace", "--model"),
    ({"e": 0, "mu": 0, "tau": 0, "u": 0, "d": 0}, "widths", "--model"),
])
def test_physics_empty_models(tmp_path, run_cli, charges, command, field):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump({"name": "empty", "coupling": {"symbol": "g", "scale": 1}, "charges": charges,
                                    "neutrinos": {"light": "majorana"}}))
    extra = [] if command == "widths" else ["--out", str(tmp_path / "out")]
    code, out, err = run_cli(command, "--model", str(path), "--masses", "1", *extra)
    _one_error_line(code, out, err, field)
    assert not (tmp_path / "out").exists()


def test_observed_beyond_the_tested_range_is_refused(tmp_path, run_cli):
    doc = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    doc["runs"]["I"]["observed"] = {"value": 1_000_000, "status": "derived", "source": "test"}
    (tmp_path / "runs.yaml").write_text(yaml.safe_dump(doc))
    code, out, err = run_cli("scan", "--masses", "1", "--runs", str(tmp_path / "runs.yaml"), "--out",
                             str(tmp_path / "out"))
    _one_error_line(code, out, err, "observed")


def test_many_observed_events_give_a_limit():
    """The schema allows 200 per run: the calculators must handle it (was: a MemoryError or no bracket)."""
    doc = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    for run in doc["runs"].values():
        run["observed"] = {"value": 20, "status": "derived", "source": "test"}
    analysis = limits.get_analysis("na64-2022", runs=None)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "runs.yaml").write_text(yaml.safe_dump(doc))
        analysis = limits.get_analysis("na64-2022", runs=str(Path(tmp) / "runs.yaml"))
        res = limits.scan(analysis, "bl-unbroken", mass_mev=[1.0])
    # about 80 observed over a background of ~0.6: the limit is near 80 + 1.3 sqrt(80) ~ 92 events (plus the 10 %
    # signal systematics)
    assert res.status.tolist() == ["ok"] and 85 < res.s_obs[0] < 125


@pytest.mark.parametrize(("masses", "words"), [("1,1", "twice"), ("1.0000001,1.0000002", "6 significant"),
                                                ("1\x07,2", "not a number")])
@pytest.mark.parametrize("command", ["scan", "workspace"])
def test_one_rule_for_masses(tmp_path, run_cli, masses, words, command):
    code, out, err = run_cli(command, "--masses", masses, "--out", str(tmp_path / "out"))
    _one_error_line(code, out, err, "--masses")
    assert words in err and "\x07" not in err


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path, run_cli):
    held, release = threading.Event(), threading.Event()

    def hold():
        with directory_lock(tmp_path / "out", "--out"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        code, out, err = run_cli("scan", "--masses", "1", "--out", str(tmp_path / "out"))
    finally:
        release.set()
        thread.join()
    _one_error_line(code, out, err, "--out")
    assert "another limits process" in err and not (tmp_path / "out" / "limits.json").exists()


def test_outputs_appear_together_or_not_at_all(tmp_path, run_cli, monkeypatch):
    """A disk that fills while the figure is drawn: one line, exit 2, and the previous limits.json, limits.csv and
    exclusion.png untouched (no half-new set)."""
    out = tmp_path / "out"
    assert run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10", "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    from limits.publish import outputs

    def full_disk(result, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(outputs, "_exclusion_plot", full_disk)
    code, o, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,20", "--out", str(out))
    assert code == 2 and err.strip().splitlines()[-1].startswith("limits: error: ") and "No space left" in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


def test_nothing_written_is_nan():
    """Strict JSON everywhere: a mass without a limit is null with a status, never a bare NaN."""
    res = limits.scan("na64-2026", "lmu-ltau", mass_mev=[1000.0])
    text = json.dumps(res.to_document(), allow_nan=False)
    assert "NaN" not in text and ScanResult.from_document(json.loads(text)).status.tolist() == res.status.tolist()


def test_reading_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(files_module, "MAX_DOCUMENT_BYTES", 100)
    path = tmp_path / "m.yaml"
    path.write_text(MODEL + "#" * 200 + "\n")
    with pytest.raises(limits.InputError, match="larger than"):
        limits.get_model(str(path))


def test_masses_per_call_are_capped(run_cli):
    code, out, err = run_cli("widths", "--model", "bl-unbroken", "--masses", "1:10:200000")
    _one_error_line(code, out, err, "--masses")
    assert np.isfinite(limits.widths("bl-unbroken", mass_mev=np.geomspace(1, 100, 1000)).total_width_gev).all()


def _slow_scan_args(tmp_path: Path) -> list[str]:
    """A toy scan in which every mass has its own shape (mass-dependent efficiency): seconds per mass."""
    import sys

    doc = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    (tmp_path / "eff.csv").write_text("mass_mev,efficiency\n0.5,0.30\n1000,0.70\n")
    doc["runs"]["I"]["efficiency"] = {"file": "eff.csv", "status": "derived", "source": "test"}
    (tmp_path / "runs.yaml").write_text(yaml.safe_dump(doc))
    return [sys.executable, "-m", "limits.cli", "-q", "scan", "--analysis", "na64-2022", "--method", "toys",
            "--ntoys", "2000", "--masses", "1:300:12", "--runs", str(tmp_path / "runs.yaml"),
            "--executor", "processes:2", "--out", str(tmp_path / "out")]


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _wait_for(predicate, seconds: float) -> bool:
    import time

    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_stops_a_process_pool_within_seconds(tmp_path):
    import signal
    import subprocess
    import time

    proc = subprocess.Popen(_slow_scan_args(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2, 60), "the pool did not start"
    time.sleep(1.0)
    t0 = time.time()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.time() - t0 < 10, "Ctrl-C took more than 10 s"
    assert proc.returncode == 130 and "aborted" in err and "Traceback" not in err
    assert "Exception ignored" not in err and "Bad file descriptor" not in err  # quiet (issue 19)
    assert not (tmp_path / "out" / "limits.json").exists()


def test_workers_die_with_a_killed_parent(tmp_path):
    import os
    import signal
    import subprocess

    proc = subprocess.Popen(_slow_scan_args(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2, 60), "the pool did not start"
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _wait_for(lambda: not any(Path(f"/proc/{w}").exists() and "zombie" not in
                                     Path(f"/proc/{w}/status").read_text(errors="ignore").lower()
                                     for w in workers if Path(f"/proc/{w}/status").exists()), 15), \
        f"orphaned workers still alive: {workers}"


@pytest.mark.parametrize("damage", ["{bad", "{}", "[1, 2]"])
def test_garbage_workspaces_for_hepdata(tmp_path, run_cli, damage):
    """Issue 14: what is read back from disk is validated: a damaged patchset/BkgOnly is one line, exit 2."""
    pytest.importorskip("hepdata_lib")
    ws = tmp_path / "ws" / "na64-2022" / "bl-unbroken"
    ws.mkdir(parents=True)
    (ws / "BkgOnly.json").write_text(damage)
    (ws / "patchset.json").write_text(damage)
    code, out, err = run_cli("hepdata", "--analysis", "na64-2022", "--out", str(tmp_path / "out"),
                             "--results", str(tmp_path / "res"), "--workspaces", str(tmp_path / "ws"))
    _one_error_line(code, out, err, "--workspaces")
    assert not (tmp_path / "out").exists()


def test_damaged_checkpoints_are_recomputed(tmp_path, run_cli):
    args = ("scan", "--analysis", "na64-2022", "--masses", "1,10")
    assert run_cli(*args, "--out", str(tmp_path / "full"))[0] == 0
    from limits.scanning.checkpoints import Checkpoints

    doc = json.loads((tmp_path / "full" / "limits.json").read_text())
    box = Checkpoints(tmp_path / "part" / ".checkpoints", doc["inputs_digest"])
    box.path.mkdir(parents=True)
    (box.path / "mass_00000.json").write_text('{"not": "a point"}')
    (box.path / "mass_00001.json").write_bytes(b"\xff\xfe")
    assert run_cli(*args, "--out", str(tmp_path / "part"))[0] == 0
    assert (tmp_path / "part" / "limits.json").read_bytes() == (tmp_path / "full" / "limits.json").read_bytes()


def test_an_unwritable_output_is_one_line(tmp_path, run_cli, monkeypatch):
    """A read-only place (simulated: the tests may run as root, for whom every directory is writable)."""
    import os

    (tmp_path / "ro").mkdir()
    real = os.access
    monkeypatch.setattr(files_module.os, "access", lambda p, mode: False if Path(p) == tmp_path / "ro" else
                        real(p, mode))
    code, out, err = run_cli("scan", "--masses", "1", "--out", str(tmp_path / "ro" / "x"))
    _one_error_line(code, out, err, "--out")
    assert "not writable" in err and not (tmp_path / "ro" / "x").exists()


def test_all_refuses_what_it_would_ignore(run_cli, tmp_path):
    for command in ("workspace", "scan"):
        code, out, err = run_cli(command, "--all", "--out", str(tmp_path))
        _one_error_line(code, out, err, "--all")
