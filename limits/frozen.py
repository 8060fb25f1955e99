"""Read-only containers for every value the package hands out or shares (models, analyses, results, caches).

A value that several callers hold (a cached built-in model, a memoised table, a scan result) must not be changed by
one of them behind the others' backs: ``limits.get_model("bl-unbroken").charges["e"] = 0`` would otherwise change
every later ``get_model("bl-unbroken")`` in the process. So mappings are :class:`FrozenDict`, lists
:class:`FrozenList` and arrays read-only; changing one raises :class:`~limits.errors.ReadOnlyError`.

They stay what the rest of the Python world expects: :class:`FrozenDict` is a ``dict`` and :class:`FrozenList` a
``list`` (``json.dumps``, jsonschema and ``isinstance`` checks accept them), they pickle as themselves (process and
Dask executors), and ``copy.deepcopy`` returns an ordinary mutable copy: a deep copy exists to be modified (pyhf and
jsonpatch deep-copy a workspace before they patch it). A modified copy of a model is made with an explicit call,
:meth:`limits.physics.models.Model.replace`.

Example:
    >>> from limits.frozen import freeze
    >>> d = freeze({"charges": {"e": -1.0}, "runs": ["I", "II"]})
    >>> d["charges"]["e"] = 0.0
    Traceback (most recent call last):
    ...
    limits.errors.ReadOnlyError: this mapping is shared and read-only; change a copy: dict(x) or copy.deepcopy(x)
    >>> import copy, json
    >>> json.dumps(d, sort_keys=True), type(copy.deepcopy(d)["charges"]).__name__
    ('{"charges": {"e": -1.0}, "runs": ["I", "II"]}', 'dict')
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import numpy as np

from limits.errors import ReadOnlyError

__all__ = ["FrozenDict", "FrozenList", "freeze", "frozen_cache", "readonly", "thaw"]

_K = TypeVar("_K")
_V = TypeVar("_V")
_F = TypeVar("_F", bound=Callable[..., Any])


def _refuse(kind: str) -> NoReturn:
    raise ReadOnlyError(f"this {kind} is shared and read-only; change a copy: "
                        f"{'dict' if kind == 'mapping' else 'list'}(x) or copy.deepcopy(x)")


class FrozenDict(dict[_K, _V]):
    """A ``dict`` that refuses every change (:class:`~limits.errors.ReadOnlyError`); hashable when its values are."""

    __slots__ = ()

    def __setitem__(self, key: Any, value: Any) -> NoReturn:
        _refuse("mapping")

    def __delitem__(self, key: Any) -> NoReturn:
        _refuse("mapping")

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("mapping")

    def clear(self) -> NoReturn:
        _refuse("mapping")

    def pop(self, *args: Any) -> NoReturn:
        _refuse("mapping")

    def popitem(self) -> NoReturn:
        _refuse("mapping")

    def setdefault(self, *args: Any) -> NoReturn:
        _refuse("mapping")

    def update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("mapping")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict[_K, _V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return thaw(self)

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"


class FrozenList(list[_V]):
    """A ``list`` that refuses every change (:class:`~limits.errors.ReadOnlyError`); hashable when its items are."""

    __slots__ = ()

    def __setitem__(self, index: Any, value: Any) -> NoReturn:
        _refuse("list")

    def __delitem__(self, index: Any) -> NoReturn:
        _refuse("list")

    def __iadd__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("list")

    def __imul__(self, other: Any) -> NoReturn:  # type: ignore[misc]
        _refuse("list")

    def append(self, value: Any) -> NoReturn:
        _refuse("list")

    def extend(self, values: Any) -> NoReturn:
        _refuse("list")

    def insert(self, index: Any, value: Any) -> NoReturn:
        _refuse("list")

    def pop(self, *args: Any) -> NoReturn:
        _refuse("list")

    def remove(self, value: Any) -> NoReturn:
        _refuse("list")

    def clear(self) -> NoReturn:
        _refuse("list")

    def sort(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("list")

    def reverse(self) -> NoReturn:
        _refuse("list")

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList[_V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return thaw(self)

    def __repr__(self) -> str:
        return f"FrozenList({list.__repr__(self)})"


def readonly(array: Any) -> np.ndarray:
    """``array`` as a read-only numpy array (a read-only view when it already is an array, so the caller's own array
    stays writable)."""
    out = np.asarray(array).view()
    out.flags.writeable = False
    return out


_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)


def freeze(value: Any) -> Any:
    """A read-only deep version of ``value``: dicts become :class:`FrozenDict`, lists :class:`FrozenList`, tuples
    keep their type with frozen items, numpy arrays read-only copies; the fields of a dataclass instance are frozen
    in place (it is returned itself); numbers, strings and other immutables as is."""
    kind = type(value)
    if kind in _SCALARS or kind is FrozenDict or kind is FrozenList:  # the leaves of a JSON tree: checked first
        return value
    if kind is dict:
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if kind is list:
        if all(type(v) in _SCALAR_TYPES for v in value):  # a column of numbers (a grid, a table): nothing inside
            return FrozenList(value)
        return FrozenList([freeze(v) for v in value])
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList([freeze(v) for v in value])
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        return readonly(np.array(value))  # a copy: the caller's own array (or its base) stays theirs
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            object.__setattr__(value, f.name, freeze(getattr(value, f.name)))
        return value
    return value


def frozen_cache(maxsize: int | None = 128) -> Callable[[_F], _F]:
    """:func:`functools.lru_cache` whose values are frozen (:func:`freeze`) before they are cached: a memoised table
    or array is shared by every caller, so none of them may change it for the others."""

    def decorate(function: _F) -> _F:
        @functools.lru_cache(maxsize=maxsize)
        @functools.wraps(function)
        def cached(*args: Any, **kwargs: Any) -> Any:
            return freeze(function(*args, **kwargs))

        return cached  # type: ignore[return-value]

    return decorate


def thaw(value: Any) -> Any:
    """An ordinary mutable deep copy of a (frozen) document: mappings as ``dict``, lists as ``list``."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(thaw(v) for v in value)
    if isinstance(value, np.ndarray):
        return np.array(value)
    return value
