"""Timing helpers shared by the benchmark scripts (not a test module).

``run_timed`` runs one command as a child process, with its output sent to a log file, and
returns its wall time, its CPU time and its peak resident memory. A command that exits
non-zero, cannot start or runs past its time-out is reported, never raised.

Peak memory: ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (and ``os.wait4``'s) of a
child started from this Python process is at least this process's own RSS at the time of
the fork, because Linux carries the pre-exec memory high-water mark over ``execve``. So
the command is started under GNU ``/usr/bin/time -f %M`` when it exists: ``time`` is a
small C program, and the ``ru_maxrss`` it reads with ``wait4`` for the command it forked
is the command's own (the largest of it and the descendants it waited for). Without
``/usr/bin/time`` the ``wait4`` figure is used and ``RSS_SOURCE`` says so.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else ""
RSS_SOURCE = ("GNU time %M (wait4 ru_maxrss of the command, forked by /usr/bin/time)" if GNU_TIME
              else "wait4 ru_maxrss of the child (includes the benchmark's own RSS at fork time)")


@dataclass
class RunResult:
    seconds: float
    max_rss_kib: int  # Linux reports ru_maxrss in KiB
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the command and its waited-for children
    timed_out: bool = False
    error: str = ""  # set when the command failed: tail of its log or the start error

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.error


def log_tail(log: Path, lines: int = 12, width: int = 300) -> str:
    """The last meaningful lines of a log (progress bars and blank lines dropped)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = []
    for line in text.replace("\r", "\n").splitlines():
        line = line.strip()
        if not line or line.startswith("[#") or line.startswith("[ "):
            continue
        kept.append(line[:width])
    return "\n".join(kept[-lines:])


def run_timed(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    log: Path,
    cwd: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> RunResult:
    """Run ``cmd`` once; wall time from just before the fork to the reaped exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(c) for c in cmd]
    rss_file = log.with_name(log.name + ".maxrss")
    if GNU_TIME:
        rss_file.unlink(missing_ok=True)
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *argv]
    with open(log, "wb") as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        except OSError as exc:
            return RunResult(time.perf_counter() - start, 0, -1, error=f"cannot start: {exc}")
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped here: keep Popen from waiting again
    max_rss = int(usage.ru_maxrss)
    if GNU_TIME:
        try:
            max_rss = int(rss_file.read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            max_rss = 0  # killed before time wrote it
    result = RunResult(seconds, max_rss, code, usage.ru_utime + usage.ru_stime,
                       timed_out=fired.is_set())
    if result.timed_out:
        result.error = f"timed out after {timeout:.0f} s"
    elif code != 0:
        result.error = f"exit code {code}: " + log_tail(log)
    return result


@dataclass
class Series:
    """Several runs of one command."""

    runs: list[RunResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.runs else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs) if self.runs else float("nan")

    @property
    def max_rss_kib(self) -> int:
        return max((r.max_rss_kib for r in self.runs), default=0)

    @property
    def error(self) -> str:
        return next((r.error for r in self.runs if r.error), "")


def short_error(error: str) -> str:
    """One line of an error: the exception line of a traceback when there is one."""
    lines = [l for l in error.splitlines() if l.strip()]
    if not lines:
        return ""
    head = lines[0].split(":")[0] if lines[0].startswith("exit code") else ""
    exc = [l for l in lines if re.match(r"^[\w.]*(Error|Exception|Exit)\b.*:", l.strip()) or l.startswith("Error")]
    last = (exc or lines)[-1].strip()
    return f"{head}: {last}" if head and not last.startswith(head) else last


def human_mib(kib: int) -> str:
    return f"{kib / 1024:.0f}" if kib else "-"
