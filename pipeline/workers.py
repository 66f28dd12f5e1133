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

_PR_SET_PDEATHSIG = 1


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
