"""Load our JSON Schemas (top-level ``schemas/``, shipped as ``limits._schemas``) and validate documents against them.

A validation failure becomes one :class:`~limits.errors.InputError` naming the dotted path of the offending field.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from importlib import resources
from typing import Any

import jsonschema

from limits.errors import InputError

__all__ = ["load_schema", "validate"]


@functools.lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """Return the JSON Schema ``schemas/<name>.schema.json``."""
    text = resources.files("limits._schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _field_path(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return path or "(top level)"


def _find_non_finite(document: Any, path: str = "") -> str | None:
    """Dotted path of the first NaN or infinite number in ``document``, or None (JSON Schema cannot express this)."""
    if isinstance(document, float) and not math.isfinite(document):
        return path or "(top level)"
    items: Iterable[tuple[Any, Any]]
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return None
    for key, value in items:
        found = _find_non_finite(value, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def validate(document: Any, schema_name: str, source: str) -> None:
    """Validate ``document`` against schema ``schema_name``; raise InputError naming ``source`` and the field.

    Args:
        document: parsed JSON/YAML.
        schema_name: schema file stem in ``schemas/``, e.g. ``"model"``.
        source: what to call the document in the message (a file name).
    """
    bad = _find_non_finite(document)
    if bad:
        raise InputError(f"{source}: {bad}", "must be a finite number (NaN and infinity are not allowed)")
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        hint = error.schema.get("description") if error.validator in ("oneOf", "anyOf") else None
        message = f"{error.message} ({hint})" if hint else error.message
        raise InputError(f"{source}: {_field_path(error)}", message)
