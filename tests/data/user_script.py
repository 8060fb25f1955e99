"""A user's script, type-checked by .ci/run with `mypy --strict` from outside the repository: the installed (editable)
package must be visible to type checkers, with its types (py.typed)."""

from __future__ import annotations

import numpy as np

import limits


def strongest_limit(analysis: str, model: str) -> float:
    result: limits.ScanResult = limits.scan(analysis, model, mass_mev=[1.0, 10.0])
    return float(np.nanmin(result.g_obs))


if __name__ == "__main__":  # pytest's --doctest-modules imports this file: nothing runs then
    model: limits.Model = limits.get_model("bl-unbroken").replace(name="bl-no-e", charges={"e": 0})
    print(strongest_limit("na64-2026", "bl-unbroken"), model.name)
