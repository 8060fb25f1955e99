"""Where a scan's tasks run: in this process, in a process pool, or on a Dask cluster.

Every task is independent and seeded by its signal shape, so results do not depend on the executor or the worker
count. Ctrl-C stops every executor at once (pending work cancelled, workers terminated; checkpoints of finished
masses kept), and pool workers die with their parent. Spec strings: ``local`` | ``processes:N`` |
``dask:ADDRESS`` (``dask:local`` or ``dask:local:N`` starts a LocalCluster with N single-threaded worker processes).
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

from limits.errors import InputError

__all__ = ["parse_executor", "run_tasks"]

log = logging.getLogger(__name__)

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


def run_tasks(spec: str, function: Callable[[T], R], tasks: Sequence[T], record: Callable[[R], None]) -> None:
    """Run ``function`` on every task with the executor ``spec``; ``record`` each result as it arrives (any order)."""
    kind, arg = parse_executor(spec)
    log.debug("executor %s: %d tasks", spec, len(tasks))
    if kind == "local":
        for task in tasks:
            record(function(task))
    elif kind == "processes":
        assert isinstance(arg, int)
        pool = ProcessPoolExecutor(max_workers=arg, initializer=_worker_setup)
        try:
            for fut in as_completed([pool.submit(function, t) for t in tasks]):
                record(fut.result())
        except BaseException:
            # Ctrl-C or a failure: stop now, not after the remaining masses (their checkpoints are not needed to
            # resume: finished masses were recorded as they arrived)
            _terminate(pool)
            raise
        pool.shutdown(wait=True)
    else:
        assert isinstance(arg, str)
        _run_dask(arg, function, tasks, record)


def _worker_setup() -> None:
    """In each worker process: die with the parent (Linux PR_SET_PDEATHSIG, so a killed scan leaves no orphans) and
    leave Ctrl-C to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers still stop when the pool is shut down
        pass


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


def _run_dask(address: str, function: Callable[[T], R], tasks: Sequence[T], record: Callable[[R], None]) -> None:
    try:
        from dask.distributed import Client, LocalCluster  # optional extra: `pip install 'limits[distributed]'`
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise InputError("executor", "dask needs the `distributed` extra: pip install 'limits[distributed]'") \
            from None
    cluster = None
    if address.startswith("local"):
        n = int(address.split(":")[1])
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise InputError("executor", f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures = []
    try:
        futures = client.map(function, tasks, pure=False)
        for fut in dask_completed(futures):
            record(fut.result())
    except BaseException:
        client.cancel(futures)  # Ctrl-C: nothing more is computed for us
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
