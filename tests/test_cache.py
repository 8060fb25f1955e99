"""The disk cache of derived arrays (limits.io.cache): filled by two processes at once without corruption, shown and
emptied by `limits cache info|clear` and the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

import limits
from limits.io.cache import load_arrays

# the ~1 s fold of the tables, cached on disk; printed as exact text to compare processes
FOLD = ("from limits.physics.yields import spectra; s = spectra(100.0, 50.0); "
        "print(repr(float(s.brem.sum())), repr(float(s.ann.sum())))")


def test_two_processes_fill_the_cache_at_once(tmp_path):
    env = {**os.environ, "LIMITS_CACHE_DIR": str(tmp_path / "cache")}
    both = [subprocess.Popen([sys.executable, "-c", FOLD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in both]
    assert [p.returncode for p in both] == [0, 0], [err for _, err in outs]
    assert outs[0][0] == outs[1][0]  # both computed (or read) the same fold
    entries = sorted((tmp_path / "cache").iterdir())
    assert entries and all(p.suffix == ".npz" and not p.name.startswith(".") for p in entries)  # no torn temporaries
    for path in entries:  # every entry whole and readable
        arrays = load_arrays(path.stem)
        assert arrays is not None and all(np.all(np.isfinite(a)) for a in arrays.values())
    third = subprocess.run([sys.executable, "-c", FOLD], env=env, capture_output=True, text=True, timeout=600)
    assert third.returncode == 0 and third.stdout == outs[0][0]  # read back from the cache: the same numbers


def test_cache_info_and_clear(tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("LIMITS_CACHE_DIR", str(tmp_path))
    assert limits.cache_info() == {"directory": str(tmp_path), "enabled": True, "entries": 0, "bytes": 0}
    np.savez(tmp_path / "spectra-0123.npz", a=np.arange(3.0))
    (tmp_path / ".spectra-4567.npz.tmp.abc.npz").write_bytes(b"torn")  # an interrupted writer's leftover
    code, out, _ = run_cli("cache", "info", "--format", "json")
    assert code == 0 and json.loads(out)[0]["entries"] == 1
    code, out, _ = run_cli("cache", "clear")
    assert code == 0 and "removed 2 files" in out and list(tmp_path.iterdir()) == []
    monkeypatch.setenv("LIMITS_CACHE_DIR", "off")
    assert limits.cache_info()["enabled"] is False and limits.clear_cache() == 0


def test_a_validation_verdict_is_remembered_only_for_valid_documents(tmp_path, monkeypatch):
    """Issue 21: a document found valid is not validated again (the same text of it, of the schema and the same
    jsonschema); an invalid one is never remembered, so its error comes every time."""
    import sys

    import pytest

    from limits.errors import InputError
    from limits.frozen import thaw
    from limits.io import schemas

    monkeypatch.setenv("LIMITS_CACHE_DIR", str(tmp_path))
    good = thaw(limits.get_model("bl-unbroken").document)
    good["name"] = "a-model-seen-once"
    bad = {**good, "name": 7}
    before = len(list(tmp_path.glob("valid-*.npz")))  # the built-in model's own verdict, if it was read just now
    for _ in range(2):
        with pytest.raises(InputError, match="name"):
            schemas.validate(bad, "model", "bad.yaml")
    assert len(list(tmp_path.glob("valid-*.npz"))) == before  # nothing remembered for it
    assert schemas.validate(good, "model", "good.yaml") == good
    assert len(list(tmp_path.glob("valid-*.npz"))) == before + 1
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # importing it now fails: the verdict must come from the cache
    assert schemas.validate(good, "model", "good.yaml") == good
    with pytest.raises(ImportError):  # and an unseen document is still validated
        schemas.validate({**good, "name": "another"}, "model", "good.yaml")
