"""Worker processes that end with the process that started them.

A ``ProcessPoolExecutor`` worker waits for work on a pipe and notices nothing when its
parent is killed (``kill -9``, ``timeout``, a container stop or a cancelled CI job that
signals only the leader): it slept on, reparented to init, holding memory and, for CI
runners, keeping the job's process group alive. On Linux each worker asks the kernel for
SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and ends at once if the parent
already died before it asked. Elsewhere this does nothing.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def worker_pool(jobs: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with this one; each runs ``initializer``
    (with ``initargs``) when it starts, as ``ProcessPoolExecutor``'s would."""
    from concurrent.futures import ProcessPoolExecutor  # only when there is parallel work

    return ProcessPoolExecutor(max_workers=jobs, initializer=_start, initargs=(os.getpid(), initializer, initargs))


class LazyPool:
    """A pool of worker processes started when first asked for (``get``), so that the stages of
    one run share its workers and a run with no parallel work starts none; ``start(jobs)``
    makes it (a ``worker_pool``), ``close`` ends it and waits for its workers."""

    def __init__(self, start: Callable[[int], ProcessPoolExecutor]) -> None:
        self._start = start
        self._pool: ProcessPoolExecutor | None = None

    def get(self, jobs: int) -> ProcessPoolExecutor:
        """The pool; started with ``jobs`` workers if it was not yet."""
        if self._pool is None:
            self._pool = self._start(jobs)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    end_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def end_with_parent(parent: int) -> None:
    """Pool initializer: be sent SIGTERM when process ``parent`` (the pool's owner) dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request: nothing would come
        os._exit(1)
