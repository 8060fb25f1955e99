"""Where a scan's tasks run: in this process, in a process pool, or on a Dask cluster.

Every task is independent and seeded by its signal shape, so results do not depend on the executor or the worker
count. Ctrl-C stops every executor at once (pending work cancelled, workers terminated; checkpoints of finished
masses kept), and pool workers die with their parent. Spec strings: ``local`` | ``processes:N`` |
``dask:ADDRESS`` (``dask:local`` or ``dask:local:N`` starts a LocalCluster with N single-threaded worker processes in a
process of its own, :mod:`limits.scanning.dask_local`, and computes tasks here while it boots).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import logging
import multiprocessing
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from limits.errors import InputError
from limits.io.processes import die_with_parent

__all__ = ["Executor", "parse_executor", "planned_workers"]

log = logging.getLogger(__name__)

_NO_DASK = "dask needs the `distributed` extra: pip install 'limits[distributed]'"

T = TypeVar("T")
R = TypeVar("R")


def parse_executor(spec: str, field: str = "executor") -> tuple[str, int | str | None]:
    """(kind, argument) of an executor spec.

    Raises:
        InputError: a malformed spec (names ``field`` and what is allowed).

    Example:
        >>> parse_executor("processes:2")
        ('processes', 2)
        >>> parse_executor("dask:local:2")
        ('dask', 'local:2')
        >>> parse_executor("dask:tcp://10.0.0.1:8786")
        ('dask', 'tcp://10.0.0.1:8786')
    """
    if spec == "local":
        return "local", None
    kind, _, arg = spec.partition(":")
    if kind == "processes":
        try:
            n = int(arg)
        except ValueError:
            raise InputError(field, f"'{spec}': processes:N needs a whole number N in [1, 256]") from None
        if not 1 <= n <= 256:
            raise InputError(field, f"'{spec}': N = {n} is outside [1, 256]")
        return "processes", n
    if kind == "dask" and arg:
        if arg == "local" or arg.startswith("local:"):
            n_text = arg.partition(":")[2] or "2"
            if not n_text.isdigit() or not 1 <= int(n_text) <= 256:
                raise InputError(field, f"{spec!r}: dask:local:N needs a whole number N in [1, 256]")
            return "dask", f"local:{int(n_text)}"
        if not re.fullmatch(r"(tcp|tls|ucx|inproc)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5}", arg):
            raise InputError(field, f"{spec!r}: dask:ADDRESS needs a scheduler address such as "
                                    "dask:tcp://host:8786, or dask:local[:N]")
        return "dask", arg
    raise InputError(field, f"{spec!r} is not one of local, processes:N, dask:ADDRESS")


def planned_workers(spec: str) -> int | None:
    """Processes a spec runs tasks on: 1 for ``local``, N for ``processes:N`` and ``dask:local:N``; None for a
    Dask scheduler address (its workers are known only once connected).

    >>> planned_workers("processes:3"), planned_workers("dask:local:2"), planned_workers("dask:tcp://h:8786")
    (3, 2, None)
    """
    kind, arg = parse_executor(spec)
    if isinstance(arg, int):
        return arg
    if kind == "dask":
        assert isinstance(arg, str)
        return int(arg.split(":")[1]) if arg.startswith("local:") else None
    return 1


class Executor:
    """An executor opened once for several rounds of work (a pool's workers or a Dask cluster started once):
    ``with Executor("processes:2") as ex: ex.run(f, tasks, record); ex.map(g, items)``.

    Leaving the ``with`` block normally waits for a pool's workers to finish; an exception (Ctrl-C included) cancels
    pending work and stops the workers at once. ``dask:local:N`` starts its cluster on first use in a process of its
    own (:mod:`limits.scanning.dask_local`) and computes tasks here until it is up; the cluster closes in that process
    after the block, while this one goes on.

    Example:
        >>> with Executor("local") as ex:
        ...     ex.map(abs, [-2, 3])
        [2, 3]
    """

    def __init__(self, spec: str):
        self.kind, self._arg = parse_executor(spec)
        self.spec = spec
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._helper: subprocess.Popen[str] | None = None  # dask:local:N's cluster (limits.scanning.dask_local)
        self._helper_log: Any = None
        self._address: str | None = None
        self._helper_up = threading.Event()  # its address was read (or it ended without one)

    @property
    def workers(self) -> int:
        """Tasks that can run at once (1 for ``local``; a Dask scheduler's current worker count)."""
        if self.kind == "processes":
            assert isinstance(self._arg, int)
            return self._arg
        if self.kind == "dask":
            return max(1, len(self._dask().scheduler_info().get("workers", {})))
        return 1

    def __enter__(self) -> Executor:
        if self.kind == "processes":
            assert isinstance(self._arg, int)
            # a scan run from a thread other than the main one (a service's worker thread, beside its web server's)
            # is in a process with other threads, where fork may copy a lock another thread holds: its workers start
            # from a fork server instead (slower to start, the same results)
            context = None if threading.current_thread() is threading.main_thread() else \
                multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(max_workers=self._arg, initializer=_worker_setup, mp_context=context)
        return self

    def _own_cluster(self) -> bool:
        return self.kind == "dask" and isinstance(self._arg, str) and self._arg.startswith("local")

    def _start_own_cluster(self) -> None:
        """``dask:local:N``: start the cluster's process (once; :mod:`limits.scanning.dask_local`) and a thread that
        reads its scheduler address; this process goes on meanwhile."""
        if self._helper is not None or not self._own_cluster():
            return
        if importlib.util.find_spec("distributed") is None:
            raise InputError("executor", _NO_DASK)
        assert isinstance(self._arg, str)
        self._helper_log = tempfile.TemporaryFile(mode="w+")
        self._helper = subprocess.Popen([sys.executable, "-m", "limits.scanning.dask_local", self._arg.split(":")[1]],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._helper_log,
                                        text=True)
        threading.Thread(target=self._read_address, name="limits-dask-address", daemon=True).start()

    def _read_address(self) -> None:
        assert self._helper is not None and self._helper.stdout is not None
        self._address = self._helper.stdout.readline().strip() or None
        self._helper_up.set()

    def _dask(self) -> Any:
        """The connected Dask client (waits for our own cluster to be up)."""
        if self._client is None:
            address = self._arg
            if self._own_cluster():
                self._start_own_cluster()
                self._helper_up.wait()
                if self._address is None:
                    self._helper_log.seek(0)
                    tail = self._helper_log.read().strip().splitlines()[-1:] or ["no message"]
                    raise RuntimeError(f"the local Dask cluster did not start: {tail[0]}")
                address = self._address
            assert isinstance(address, str)
            self._client = _dask_client(address)
        return self._client

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.shutdown(wait=True)
            else:  # Ctrl-C or a failure: stop now, not after the remaining work
                _terminate(self._pool)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._helper is not None:
            # our cluster closes in its own process while this one goes on; a thread reaps it
            helper, self._helper = self._helper, None
            with contextlib.suppress(OSError):
                assert helper.stdin is not None
                helper.stdin.close()
            if kind is not None:
                helper.terminate()
            threading.Thread(target=helper.wait, name="limits-dask-close", daemon=True).start()

    def run(self, function: Callable[[T], R], tasks: Sequence[T], record: Callable[[R], None]) -> None:
        """``function`` on every task; ``record`` each result as it arrives (any order)."""
        log.debug("executor %s: %d tasks", self.spec, len(tasks))
        if self._pool is not None:
            for fut in as_completed([self._pool.submit(function, t) for t in tasks]):
                record(fut.result())
        elif self.kind == "dask":
            tasks = list(tasks)
            self._start_own_cluster()
            while self._own_cluster() and tasks and not self._helper_up.is_set():
                record(function(tasks.pop(0)))  # our cluster still boots: this process computes meanwhile
            if not tasks:
                return
            client = self._dask()
            from dask.distributed import as_completed as dask_completed

            futures = client.map(function, tasks, pure=False)
            try:
                for dfut in dask_completed(futures):
                    record(dfut.result())
            except BaseException:
                client.cancel(futures)  # Ctrl-C: nothing more is computed for us
                raise
        else:
            for task in tasks:
                record(function(task))

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``function`` on every item, the results in the items' order."""
        out: dict[int, R] = {}

        def keep(result: tuple[int, R]) -> None:
            out[result[0]] = result[1]

        self.run(_Indexed(function), list(enumerate(items)), keep)
        return [out[i] for i in range(len(items))]


@dataclasses.dataclass(frozen=True)
class _Indexed:
    """``function`` applied to the item of an (index, item) pair, the index kept (results arrive in any order)."""

    function: Callable[[Any], Any]

    def __call__(self, pair: tuple[int, Any]) -> tuple[int, Any]:
        return pair[0], self.function(pair[1])


def _worker_setup() -> None:
    """In each worker process: die with the parent (Linux PR_SET_PDEATHSIG, so a killed scan leaves no orphans) and
    leave Ctrl-C to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and terminate the workers at once, quietly.

    The pool's manager thread closes its wake-up pipe when it sees the workers gone; a wake-up sent to that pipe
    meanwhile (by ``shutdown`` here, or by the interpreter's exit hook) fails with "Bad file descriptor", which Python
    prints as a 14-line "Exception ignored" at exit. So the thread is joined before we return: once it has finished,
    every later wake-up sees the pipe closed and does nothing.
    """
    processes = list(getattr(pool, "_processes", {}).values())  # CPython's pool keeps its workers here
    manager = getattr(pool, "_executor_manager_thread", None)
    with contextlib.suppress(OSError):  # the race above, if the manager thread closed the pipe first
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    if manager is not None:
        manager.join(timeout=5)


def _dask_client(address: str) -> Any:
    """A Dask client connected to the scheduler at ``address``."""
    try:
        from dask.distributed import Client  # optional extra: `pip install 'limits[distributed]'`
    except ImportError:
        raise InputError("executor", _NO_DASK) from None
    try:
        return Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise InputError("executor", f"cannot reach the Dask scheduler at {address}: {exc}") from None
