"""Issue 22, scripting and batches: `limits scan --format json` on stdout, several models in one run (repeated, a
directory, a pattern), a model given as text."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import limits
from limits.physics.models import get_models
from limits.publish import outputs

MY_BL = {"name": "my-bl", "description": "B-L with Dirac neutrinos, given inline",
         "coupling": {"symbol": "g", "scale": 1},
         "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3"}, "neutrinos": {"light": "dirac"}}
MY_BL_YAML = """name: my-bl
description: B-L with Dirac neutrinos, given inline
coupling: {symbol: g, scale: 1}
charges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3, s: 1/3}
neutrinos: {light: dirac}
"""


def _model_file(tmp_path, name):
    text = resources.files("limits.data").joinpath("models", f"{name}.yaml").read_text()
    (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path / f"{name}.yaml"


def test_scan_prints_its_document_on_stdout_and_nothing_else(tmp_path):
    # a real process: stdout must hold the JSON document alone (messages, progress: stderr)
    done = subprocess.run([sys.executable, "-m", "limits", "scan", "--masses", "1:100:4", "--format", "json",
                           "--out", str(tmp_path / "s")], capture_output=True, text=True, check=True,
                          cwd=tmp_path)
    document = json.loads(done.stdout)
    assert document == json.loads((tmp_path / "s" / "limits.json").read_text())
    assert document["model"] == "bl-unbroken" and len(document["points"]) == 4
    assert "limits.json: 4 masses" in done.stderr


def test_two_models_in_one_command_give_two_result_directories(tmp_path, run_cli):
    code, out, err = run_cli("scan", "--masses", "1:100:3", "--model", "bl-unbroken", "--model", "dark-photon",
                             "--out", str(tmp_path), "--format", "json")
    assert code == 0
    documents = json.loads(out)
    assert [d["model"] for d in documents] == ["bl-unbroken", "dark-photon"]
    for d in documents:
        assert json.loads((tmp_path / d["model"] / "limits.json").read_text()) == d
    alone = limits.scan("na64-2026", "dark-photon", mass_mev="1:100:3")
    assert documents[1]["points"] == alone.to_document()["points"]  # the same scan as on its own


def test_models_from_a_directory_and_a_pattern(tmp_path, run_cli):
    models = tmp_path / "models"
    models.mkdir()
    for name in ("b-3le", "lmu-ltau"):
        _model_file(models, name)
    (models / "notes.txt").write_text("not a model")
    code, _, err = run_cli("scan", "--masses", "1:100:3", "--model", str(models), "--out", str(tmp_path / "d"))
    assert code == 0 and sorted(p.name for p in (tmp_path / "d").iterdir()) == ["b-3le", "lmu-ltau"]
    code, _, err = run_cli("scan", "--masses", "1:100:3", "--model", str(models / "b*.yaml"),
                           "--out", str(tmp_path / "p"))
    assert code == 0 and (tmp_path / "p" / "limits.json").is_file()  # one model: its own directory
    code, _, err = run_cli("scan", "--model", str(tmp_path / "none" / "*.yaml"))
    assert code == 2 and err.startswith("limits: error: --model: no model file matches") and err.count("\n") == 1


@pytest.mark.parametrize("text", [json.dumps(MY_BL), MY_BL_YAML])
def test_a_model_given_inline_is_the_model_of_its_file(tmp_path, run_cli, text):
    (tmp_path / "my-bl.yaml").write_text(MY_BL_YAML)
    code, out, _ = run_cli("scan", "--masses", "5,50", "--model", text, "--out", str(tmp_path / "inline"),
                           "--format", "json")
    assert code == 0
    from_file = limits.scan("na64-2026", str(tmp_path / "my-bl.yaml"), mass_mev=[5.0, 50.0])
    assert json.loads(out)["inputs_digest"] == from_file.inputs_digest  # the same model, the same inputs


def test_bad_model_text_is_one_line_naming_the_option(run_cli):
    for text, says in (("{charges: [1", "not valid YAML/JSON"), ("name: x\ncharges: {e: 1}", "required property")):
        code, out, err = run_cli("scan", "--model", text)
        assert code == 2 and out == "" and err.startswith("limits: error: --model") and says in err
        assert err.count("\n") == 1


def test_get_models_refuses_what_would_collide_or_is_empty(tmp_path):
    with pytest.raises(limits.InputError, match="more than once"):
        get_models(["b-3le", "b-3le"])
    with pytest.raises(limits.InputError, match="holds no model file"):
        get_models(str(tmp_path))
    assert [m.name for m in get_models(MY_BL_YAML)] == ["my-bl"]


def test_the_scans_of_one_run_share_one_executor(tmp_path, monkeypatch):
    opened = []

    class Counting(outputs.Executor):
        def __enter__(self):
            opened.append(self.spec)
            return super().__enter__()

    monkeypatch.setattr(outputs, "Executor", Counting)
    saved = limits.scan_to_files("na64-2026", ["bl-unbroken", "b-3le"], mass_mev="1:100:3", out_dir=tmp_path)
    assert [s.out_dir.name for s in saved] == ["bl-unbroken", "b-3le"] and opened == ["local"]


def test_shell_completion_as_documented(tmp_path):
    """Issue 22: the completion docs/cli.md documents (click's) completes commands and choices."""
    import os

    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword), "_LIMITS_COMPLETE": "bash_complete"}
        done = subprocess.run([sys.executable, "-m", "limits"], env=env, capture_output=True, text=True, cwd=tmp_path)
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert "scan" in complete("limits sc", 1)
    assert {"hybrid", "asymptotic", "toys"} <= set(complete("limits scan --method ", 3))
    source = subprocess.run([sys.executable, "-m", "limits"], capture_output=True, text=True, cwd=tmp_path,
                            env={**os.environ, "_LIMITS_COMPLETE": "bash_source"})
    assert "_limits_completion" in source.stdout
    assert '_LIMITS_COMPLETE=bash_source limits' in (Path(__file__).parents[1] / "docs" / "cli.md").read_text()
