"""YAML reading for the tests that parse HEPData records (~1 MB of YAML each): libyaml's safe loader when PyYAML has
it (10x faster than the pure-Python one), else PyYAML's own."""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """One YAML document."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader


def load_all(text: str) -> Any:
    """Every document of a YAML stream."""
    return yaml.load_all(text, Loader=LOADER)  # noqa: S506 - a safe loader
