"""Figures. Each module draws the figures of one pipeline stage; all write atomically through ``limits.io.files``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on CI or batch nodes
