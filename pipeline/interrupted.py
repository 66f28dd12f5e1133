"""The temporary files of a run that was killed, removed by the next run.

``files.write_atomic`` writes ``.<name>.<pid>.tmp`` beside its target, then renames it: a
process killed between the two (``kill -9``, a cancelled CI job, a machine that stopped)
leaves the temporary file, which would be deployed with ``out/html`` or committed with
``locales/``. A command that writes notes its process id in ``out/.cache/running`` and
removes the note when it ends, however it ends short of being killed. A command that finds
the note of a process that is gone removes the temporary files of processes that are gone
below the folders it writes; those of a live process belong to a run still going (two runs
at once) and stay. The common case costs reading one small file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMPORARY = re.compile(r"\..+\.(\d+)\.tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        pass
    return True


def remove_leftovers(roots: Iterable[Path]) -> None:
    """Remove below ``roots`` every temporary file of ``write_atomic`` whose process is gone,
    and those beside the files that links below ``roots`` lead to: a user's file is written
    through its link (``files.write_through``), its temporary file made in the folder of the
    file it leads to, which may be a shared one. Linked folders are looked into, each once."""
    seen: set[str] = set()
    for root in roots:
        for folder, dirs, names in os.walk(root, followlinks=True):
            real = os.path.realpath(folder)
            if real in seen:  # a folder linked twice, or a link to a folder above it
                dirs[:] = []
                continue
            seen.add(real)
            for name in names:
                path = os.path.join(folder, name)
                if os.path.islink(path):
                    target = os.path.realpath(path)
                    _remove_dead(os.path.dirname(target), [n for n in _names(os.path.dirname(target))
                                                           if n.startswith(f".{os.path.basename(target)}.")])
            _remove_dead(folder, names)


def _names(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _remove_dead(folder: str, names: Iterable[str]) -> None:
    """Remove the temporary files among ``names`` in ``folder`` whose process is gone."""
    for name in names:
        found = _TEMPORARY.fullmatch(name)
        pid = int(found.group(1)) if found else os.getpid()
        if pid != os.getpid() and not _alive(pid):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


@contextmanager
def noted_run(cache: Path, roots: Iterable[Path]) -> Iterator[None]:
    """Note this run in ``cache/running`` while it lasts; first, if the last run's note is
    there and its process gone, remove what it left below ``roots``."""
    note = cache / "running"
    try:
        previous = int(note.read_text(encoding="ascii"))
    except (OSError, ValueError):
        previous = None
    if previous is not None and previous != os.getpid() and not _alive(previous):
        remove_leftovers(roots)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        note.write_text(str(os.getpid()), encoding="ascii")
    except OSError:  # no note: only the sweep after a kill is lost
        pass
    try:
        yield
    finally:
        try:
            if int(note.read_text(encoding="ascii")) == os.getpid():
                note.unlink()
        except (OSError, ValueError):
            pass
