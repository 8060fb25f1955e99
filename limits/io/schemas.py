"""Load our JSON Schemas (top-level ``schemas/``, shipped as ``limits._schemas``) and validate documents against them.

A document from a file or from Python (a dict handed to the API) is first reduced to plain JSON values (str-keyed
mappings, lists, strings, finite numbers, booleans, null; at most :data:`MAX_DEPTH` levels), then checked against its
schema; any failure becomes one :class:`~limits.errors.InputError` naming the dotted path of the offending field. The
validated document comes back read-only (:func:`limits.frozen.freeze`).
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any

from limits.errors import InputError
from limits.frozen import freeze, frozen_cache
from limits.io.cache import cache_key, load_arrays, save_arrays

if TYPE_CHECKING:
    import jsonschema

__all__ = ["MAX_DEPTH", "load_schema", "plain_document", "validate"]

MAX_DEPTH = 64
"""Nesting allowed in an input document (ours need fewer than 10 levels)."""


@frozen_cache(None)
def load_schema(name: str) -> Mapping[str, Any]:
    """Return the JSON Schema ``schemas/<name>.schema.json`` (read-only: one copy serves every validation)."""
    text = resources.files("limits._schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _lineage(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The error and the errors it sits under (a oneOf branch's error, then the oneOf's), innermost first."""
    out = []
    current: jsonschema.ValidationError | None = error
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def _field_path(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return path or "(top level)"


def plain_document(document: Any, source: str, path: str = "", depth: int = 0) -> Any:
    """``document`` as plain JSON values: mappings with string keys become dicts, lists and tuples lists, numpy and
    other real numbers ints or floats; strings, booleans and None stay.

    Raises:
        InputError: naming ``source`` and the dotted path: a NaN or infinite number (JSON Schema cannot express
            this), a value that is not JSON (a set, bytes, an object), a non-string key, or nesting deeper than
            :data:`MAX_DEPTH` (a self-containing mapping included).

    Example:
        >>> import numpy as np
        >>> plain_document({"e": np.float32(-1), "u": (1, "1/3")}, "model")
        {'e': -1.0, 'u': [1, '1/3']}
    """
    where = f"{source}: {path or '(top level)'}"
    if depth > MAX_DEPTH:
        raise InputError(where, f"nested deeper than {MAX_DEPTH} levels: not an input document")
    if document is None or isinstance(document, (str, bool)):
        return document
    if isinstance(document, numbers.Integral):
        return int(document)
    if isinstance(document, numbers.Real):
        value = float(document)
        if not math.isfinite(value):
            raise InputError(where, "must be a finite number (NaN and infinity are not allowed)")
        return value
    if isinstance(document, Mapping):
        out = {}
        for key, value in document.items():
            if not isinstance(key, str):
                raise InputError(where, f"key {str(key)[:40]!r} is not a string")
            out[key] = plain_document(value, source, f"{path}.{key}" if path else key, depth + 1)
        return out
    if isinstance(document, (list, tuple)):
        return [plain_document(v, source, f"{path}.{i}" if path else str(i), depth + 1)
                for i, v in enumerate(document)]
    raise InputError(where, f"a {type(document).__name__} is not a JSON value (give mappings, lists, strings, "
                            "numbers, booleans or null)")


def validate(document: Any, schema_name: str, source: str) -> Any:
    """Validate ``document`` against schema ``schema_name`` and return it as a read-only plain document
    (:func:`plain_document`, :func:`limits.frozen.freeze`).

    Args:
        document: parsed JSON/YAML, or a document built in Python.
        schema_name: schema file stem in ``schemas/``, e.g. ``"model"``.
        source: what to call the document in the message (a file name).

    Raises:
        InputError: naming ``source`` and the field.
    """
    document = plain_document(document, source)
    # a document found valid before (the same text of it, of the schema, and the same jsonschema) is not validated
    # again: the built-in analyses, runs and models are read at every start, and importing jsonschema alone costs
    # ~0.08 s of a 1.3 s scan (issue 21); the verdict is kept in the disk cache (limits.io.cache), like its arrays
    key = cache_key("valid", {"schema": load_schema(schema_name), "document": document,
                              "jsonschema": metadata.version("jsonschema")})
    if load_arrays(key) is not None:
        return freeze(document)
    import jsonschema  # where used: importing the module stays light

    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        hint = error.schema.get("description") if error.validator in ("oneOf", "anyOf") else None
        message = f"{error.message} ({hint})" if hint else error.message
        if error.validator == "pattern":  # the field's description says what the form is; the raw pattern after it
            described = next((e.schema["description"] for e in _lineage(error) if e.schema.get("description")), None)
            message = (f"{error.instance!r} does not have the allowed form ("
                       + (f"{described.rstrip('.')}; " if described else "") + f"pattern {error.validator_value})")
        raise InputError(f"{source}: {_field_path(error)}", message)
    save_arrays(key, {})  # an entry without arrays: "valid"
    return freeze(document)
