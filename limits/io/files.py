"""Reading user files (YAML or JSON) and writing outputs atomically."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterator

import yaml

from limits.errors import InputError
from limits.io.paths import CHECKPOINTS

__all__ = ["LOCK_FILE", "atomic_path", "atomic_paths", "check_output_dir", "check_output_file", "directory_lock",
           "json_safe", "parse_document", "read_document", "read_json", "yaml_load", "yaml_problem"]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML safe loader that reads 1e10 and 6.15e11 as numbers (YAML 1.2); PyYAML's 1.1 rules make them strings.
    A key given twice in one mapping is an error (YAML 1.2 requires unique keys; PyYAML silently keeps the last).
    Built on libyaml's parser where PyYAML has it (the same documents, ~5x faster than the pure-Python one: the run
    file is read at every start)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: SafeLoader reports it below
                continue
            if repeated:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"key {str(key)[:40]!r} is given twice (first at line {seen[key].line + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
                |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
                |[-+]?\.(?:inf|Inf|INF)
                |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."),
)


MAX_DOCUMENT_BYTES = 16 * 2**20  # an input document (model, analysis, runs) is a few kB
MAX_DEPTH = 64  # nesting of an input document (ours need < 10)


def yaml_load(text: str) -> Any:
    """Parse YAML (or JSON) text with :class:`_Loader`.

    Aliases are refused (none of our documents needs them, and "billion laughs" documents expand exponentially), and
    so is nesting deeper than :data:`MAX_DEPTH`; both are checked on the event stream before anything is built.

    Raises:
        yaml.YAMLError: malformed YAML, an alias, or too deep a nesting.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise yaml.YAMLError("YAML aliases (*name) are not allowed in input files")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml's scanner (PyYAML >= 6.0.4) reads ahead of the events and stops at its own depth limit first
        if "nesting depth" in str(exc.problem):
            raise yaml.YAMLError(f"nested deeper than {MAX_DEPTH} levels") from None
        raise
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def read_text_file(path: str | os.PathLike, field: str) -> str:
    """The UTF-8 text of an input file; a missing, unreadable, binary or oversized (:data:`MAX_DOCUMENT_BYTES`) file
    raises InputError naming ``field`` and the file."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(field, f"{p} is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB: not an input file")
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(field, f"cannot read {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(field, f"{p} is not UTF-8 text (byte {exc.start}: {exc.object[exc.start:exc.start + 1]!r})"
                         ) from None


def read_document(path: str | os.PathLike, field: str) -> Any:
    """Parse a YAML or JSON file (JSON is YAML); bad files raise InputError naming ``field`` and the file.

    Args:
        path: file to read.
        field: the argument that named the file, e.g. ``"model"`` (the CLI names its option).
    """
    p = Path(path)
    return parse_document(read_text_file(p, field), field, f"{p} is malformed")


def parse_document(text: str, field: str, malformed: str) -> Any:
    """Parse YAML or JSON text with :func:`yaml_load` (a file's, a model or a table given as text); text that does
    not parse raises InputError naming ``field``: ``malformed`` (what the text is and that it is bad), then where
    and what the problem is (:func:`yaml_problem`).

    Example:
        >>> parse_document("a: 1", "model", "the model text is not valid YAML/JSON")
        {'a': 1}
    """
    try:
        return yaml_load(text)
    except RecursionError:
        raise InputError(field, f"{malformed}: nested too deeply to be an input document") from None
    except yaml.YAMLError as exc:
        raise InputError(field, f"{malformed}{yaml_problem(exc)}") from None


def yaml_problem(exc: Exception) -> str:
    """Where and what a YAML parse error is, for one line: ``" at line L, column C: <problem>"`` (the place when
    the parser gives one).

    Example:
        >>> import yaml
        >>> try:
        ...     yaml_load("a: [1, 2\\n")
        ... except yaml.YAMLError as exc:
        ...     yaml_problem(exc).startswith(" at line 2, column 1: ")  # then the parser's words (libyaml's or not)
        True
    """
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or next(iter(str(exc).splitlines()), "") or "not valid YAML/JSON"
    return f"{where}: {problem}"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, field: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it onto ``target``, on error remove it.

    Readers never see a partial file and a failed run leaves no output behind. The temporary file keeps the target's
    suffix so that writers which infer the format from it (matplotlib) work.

    Args:
        target: the file to write.
        field: the argument that named ``target``: an OSError (a file in the way, a read-only place, a full disk)
            then becomes an :class:`InputError` naming it.
    """
    target = Path(target)
    with _os_errors_as_input(field, target), _temporary_beside(target) as tmp_path:
        yield tmp_path
        os.replace(tmp_path, target)


@contextlib.contextmanager
def _os_errors_as_input(field: str | None, target: Path) -> Iterator[None]:
    """OSError -> InputError naming ``field`` (the API's typed error for an unusable output path), if ``field``."""
    try:
        yield
    except OSError as exc:
        if field is None:
            raise
        raise InputError(field, f"cannot write {exc.filename or target}: {exc.strerror or exc}") from None


def json_safe(value: Any) -> Any:
    """NaN and infinity as None (strict JSON null); containers recursively. Every JSON we write goes through this
    or ``allow_nan=False``: a bare NaN is not JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def check_output_dir(path: str | os.PathLike, field: str) -> Path:
    """``path`` as a directory we can write into, checked before any work and without creating anything: it is a
    directory, or does not exist yet below a writable directory.

    Raises:
        InputError: naming ``field``: a file is in the way, or a directory is not writable.
    """
    p = Path(path)
    probe = p
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(field, f"{p}: {probe} is a file, not a directory")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(field, f"{p}: {probe} is not writable")
    return p


def check_output_file(path: str | os.PathLike, field: str, suffixes: tuple[str, ...] | None = None) -> Path:
    """``path`` as a file we can write (its directory checked by :func:`check_output_dir`), with one of
    ``suffixes`` (e.g. image formats) when given.

    Raises:
        InputError: naming ``field``.
    """
    p = Path(path)
    if suffixes is not None and p.suffix.lower().lstrip(".") not in suffixes:
        raise InputError(field, f"{p}: the suffix must name the format, one of {', '.join(suffixes)}")
    if p.is_dir():
        raise InputError(field, f"{p} is a directory")
    check_output_dir(p.parent if str(p.parent) else Path("."), field)
    return p


@contextlib.contextmanager
def atomic_paths(targets: list[Path], field: str | None = None) -> Iterator[list[Path]]:
    """:func:`atomic_path` for a set of files that must appear together: yields one temporary path per target; only
    when every one was written are they renamed onto their targets (renames, which do not fail for want of space),
    so a failure while writing (a full disk, an exception) leaves the previous set untouched and no new file. With
    ``field``, an OSError becomes an :class:`InputError` naming it."""
    with _os_errors_as_input(field, targets[0].parent), contextlib.ExitStack() as stack:
        temps = [stack.enter_context(_temporary_beside(t)) for t in targets]
        yield temps
        for tmp, target in zip(temps, targets):
            os.replace(tmp, target)


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` (same suffix), removed on exit if it still exists."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.tmp.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    tmp_path.chmod(0o666 & ~umask)  # mkstemp creates 0600; outputs are ordinary files
    try:
        yield tmp_path
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


LOCK_FILE = ".limits.lock"
TEMPORARY_GLOB = ".*.tmp.*"
"""The names :func:`atomic_path` gives its temporary files (``.<name>.tmp.<random><suffix>``)."""

_HELD: dict[tuple[int, Path], int] = {}  # (thread, directory) locks held in this process, and how deeply


@contextlib.contextmanager
def directory_lock(directory: str | os.PathLike, field: str) -> Iterator[Path]:
    """Hold an exclusive lock on ``directory`` (``flock`` of ``directory/.limits.lock``) while writing into it: a
    second process writing to the same place is refused at once instead of racing file by file. The kernel releases
    the lock when the process dies, so a killed run never leaves the directory locked. Re-entrant within a thread.

    Whoever takes the lock first also removes the temporary files a killed writer left behind (``.<name>.tmp.*`` in
    the directory and in its checkpoints): nobody else can be writing them while the lock is held.

    Raises:
        InputError: naming ``field``: another process holds the lock, or the directory cannot be made.
    """
    import fcntl  # POSIX only, as the executors

    path = Path(directory)
    key = (threading.get_ident(), path.resolve())  # re-entrant in one thread; another thread is another writer
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(field, f"cannot create the directory {path}: {exc.strerror or exc}") from None
    lock = path / LOCK_FILE
    with open(lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(field, f"{path} is being written by another limits process; wait for it or choose "
                                    "another directory") from None
        _HELD[key] = 1
        try:
            for stale in [*path.glob(TEMPORARY_GLOB), *(path / CHECKPOINTS).glob(f"*/{TEMPORARY_GLOB}")]:
                if stale.is_file():
                    stale.unlink(missing_ok=True)
            yield path
        finally:
            del _HELD[key]
            lock.unlink(missing_ok=True)
            fcntl.flock(fh, fcntl.LOCK_UN)
            if created and not any(path.iterdir()):  # a run that wrote nothing leaves nothing behind
                path.rmdir()


def read_json(path: str | os.PathLike, field: str, missing_hint: str) -> Any:
    """Parse a JSON file we wrote earlier (results, workspaces); every failure is an InputError naming ``field``
    and the path (``missing_hint`` says what makes the file, e.g. "run `limits scan` first")."""
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(field, f"{p} not found: {missing_hint}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(field, f"cannot read {p}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(field, f"{p} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
