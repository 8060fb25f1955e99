#!/usr/bin/env bash
# Acceptance check of the library-first API (issue 10): a fresh venv with a plain `pip install .` (not editable), a
# working directory outside the repository, and a 10-line script using only `import limits` that scans three masses
# of na64-2026/bl-unbroken and compares them with the committed results. Prints; run: bash tests/studies/fresh_install.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q "$repo"
cd "$work"
cat > check.py <<'PY'
import glob, sys
import numpy as np
import limits
committed = limits.ScanResult.from_json(sys.argv[1] + "/results/na64-2026/bl-unbroken/limits.json")
pick = [0, 100, 199]
res = limits.scan("na64-2026", "bl-unbroken", mass_mev=committed.mass_mev[pick])
print("g_obs", res.g_obs, "max |rel diff| obs", np.max(np.abs(res.g_obs / committed.g_obs[pick] - 1)),
      "exp", np.max(np.abs(res.g_exp / committed.g_exp[pick] - 1)))
files = glob.glob(sys.argv[1] + "/results/*/*/limits.json")
print(len(files), "committed limits.json read:", all(len(limits.ScanResult.from_json(f)) > 0 for f in files))
PY
"$work/venv/bin/python" check.py "$repo"
"$work/venv/bin/python" -c "import limits; print('installed at', limits.__file__)"
