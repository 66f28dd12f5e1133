"""File edge: exact reads, atomic writes that skip unchanged files, paths kept inside a root.

Pages are read as bytes and decoded as UTF-8 without newline translation, so what we write
back is byte for byte what we read wherever no translation applied.

Two kinds of writes. A user's file (a PO file or template in ``locales/``, a baseline, a
report named on the command line: ``write_through``) is written where a symbolic link to it
leads, and the link stays, as ``msgmerge --update`` and editors do: teams keep catalogs in a
shared folder and link them, or a locale folder, into ``locales/<locale>/``. The file keeps
its permission bits. A dangling link or a link loop is an error, never replaced by a file.
The outputs and caches in ``out/`` are ours (``write_atomic``): whatever is at the path, a
link made by hand included, is replaced by the file a clean build would make there, and
nothing outside ``out/`` is written for it.
"""

from __future__ import annotations

import errno
import os
import stat

from .errors import PipelineError, error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator
    from pathlib import Path


def read_text(path: Path, display: str) -> str:
    """A file's exact text; invalid UTF-8 is a located error."""
    return decode_text(_read_regular(path), display)


def read_located(path: Path, display: str, what: str) -> bytes:
    """A file's bytes; one that cannot be read (no permission, a dangling link, a folder) is a
    located error [io.read] that says ``what`` it is (``read_error``)."""
    try:
        return _read_regular(path)
    except OSError as exc:
        raise read_error(path, display, what, exc) from None


def read_optional(path: Path, display: str, what: str) -> bytes | None:
    """``read_located``, but None when nothing at all is at ``path`` (``nothing_at``): a file
    that may not exist yet (a locale's catalog of a page). Anything else that cannot be read (a
    dangling link, a link loop, a folder, no permission, a file where a folder goes) is an
    error, never taken for no file: a build then wrote the page from the source text over its
    translated output, and nobody heard of it."""
    try:
        return _read_regular(path)
    except FileNotFoundError as exc:
        if nothing_at(path):
            return None
        raise read_error(path, display, what, exc) from None
    except OSError as exc:
        raise read_error(path, display, what, exc) from None


def nothing_at(path: str | os.PathLike[str]) -> bool:
    """Whether nothing at all is at ``path``: it is not there, and the folders on the way are
    (so no dangling link, neither the file's nor a folder's on the way). Asked after a read
    failed with "No such file or directory", which both give."""
    found = os.path.abspath(path)
    while not os.path.lexists(found):
        parent = os.path.dirname(found)
        if parent == found:
            return True
        found = parent
    return found != os.path.abspath(path) and os.path.isdir(found)


def read_error(path: str | os.PathLike[str], display: str, what: str, exc: OSError) -> PipelineError:
    """The located error [io.read] for ``path`` (shown as ``display``), which could not be read
    (``exc``): at the file, saying ``what`` it is, when the file is at fault; at the folder that
    keeps it from being read (one that cannot be searched, a dangling link, a file where a
    folder goes) when one is, as ``folder_error`` reports it: one line for the folder, not one
    for each of its files, and the same line as the commands that list the folder print."""
    blocking = _blocking_folder(os.path.abspath(path))
    if blocking is None:
        return error(display, 1, 1, f"cannot read the {what}: {exc.strerror or exc}", "io.read")
    folder, levels, reason = blocking
    parts = display.split("/")
    shown = "/".join(parts[:-levels]) if len(parts) > levels else folder.replace(os.sep, "/")
    return folder_error(shown, reason)


def folder_error(display: str, reason: str) -> PipelineError:
    """The located error [io.read] of a folder that cannot be read (listed or searched)."""
    return error(display, 1, 1, f"cannot read the folder: {reason}", "io.read")


def _blocking_folder(path: str) -> tuple[str, int, str] | None:
    """The folder on the way to ``path`` that keeps it from being read, how many levels above
    ``path`` it is, and why; None when ``path`` itself is at fault. Found from the deepest
    folder that can be looked at: it is a file ("Not a directory"), or it cannot be searched
    (its entry below cannot be looked at: "Permission denied"), or its entry below is a
    folder's dangling link or link loop."""
    child, folder = path, os.path.dirname(path)
    while True:
        try:
            info = os.stat(folder)
            break
        except OSError:
            if os.path.dirname(folder) == folder:
                return None
            child, folder = folder, os.path.dirname(folder)

    def levels(at: str) -> int:
        return os.path.relpath(path, at).count(os.sep) + 1

    if not stat.S_ISDIR(info.st_mode):
        return folder, levels(folder), os.strerror(errno.ENOTDIR)
    try:
        os.stat(child)
    except PermissionError as exc:  # the folder cannot be searched
        return folder, levels(folder), exc.strerror or str(exc)
    except OSError as exc:
        return None if child == path else (child, levels(child), exc.strerror or str(exc))
    return None


def _read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (or a link to one); OSError for anything else. Opened
    without blocking: a named pipe would wait for a writer (``check`` hung on one)."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(0, "not a regular file")
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_bytes(path: str | os.PathLike[str]) -> bytes | None:
    """The file's bytes, None if it cannot be read (``os.read``: a third cheaper than
    ``open`` for small files, which a run reads by the thousand)."""
    try:
        return _read_regular(path)
    except OSError:
        return None


def decode_text(data: bytes, display: str, code: str = "source.encoding", encoding: str = "utf-8",
                what: str = "UTF-8") -> str:
    """``read_text`` of bytes already read; ``code``: the error's code (``config.*`` for a
    settings file: a usage error); ``encoding`` and ``what`` it is called, for a file in
    another (a PO file's declared charset)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise error(display, *byte_position(data, exc.start), f"file is not valid {what}", code) from None


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of ``offset`` in ``data``: where a decoding failed."""
    return data[:offset].count(b"\n") + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def write_atomic(path: str | os.PathLike[str], content: str | bytes, keep_mode: bool = False) -> bool:
    """Write (text as UTF-8) via a temporary file and rename; False (and no write) when unchanged.
    Whatever is at ``path`` is replaced: an output of ours (``write_through`` for a user's
    file). ``keep_mode``: the new file takes the permission bits of the one it replaces.
    (``os`` calls, not ``pathlib``: a replayed check writes its record without loading it.)"""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = os.fspath(path)
    mode = None
    try:
        with open(path, "rb") as current:
            if current.read() == data:
                return False
            mode = stat.S_IMODE(os.fstat(current.fileno()).st_mode)
    except OSError:
        pass
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")  # one writer per file and process
    try:
        handle = open(tmp, "wb")
    except FileNotFoundError:
        os.makedirs(folder or ".", exist_ok=True)
        handle = open(tmp, "wb")
    try:
        with handle:
            handle.write(data)
            if keep_mode and mode is not None:
                os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def write_through(path: str | os.PathLike[str], content: str | bytes) -> bool:
    """``write_atomic`` of a user's file: when ``path`` is a symbolic link (or a chain of
    them), of the file it leads to, the temporary file made in that file's folder and renamed
    over it, so the link stays and the file it shares is the one updated; the file keeps its
    permission bits. A dangling link or a link loop raises OSError (FileNotFoundError, ELOOP)
    and nothing is written: the link is the user's, and where they meant it to lead is not
    known. False (and no write) when unchanged."""
    target = os.path.realpath(path, strict=True) if os.path.islink(path) else path
    return write_atomic(target, content, keep_mode=True)


def resolved(path: Path, keep_name: bool = False) -> Path:
    """``path.resolve()``; ``keep_name``: of its folder only, the file's own name kept, so that
    a link there stays the link (a user's file, read and written through it, ``write_through``,
    and named as the user named it when it leads nowhere). A link loop, which ``resolve``
    raises RuntimeError for (Python 3.11), is left as it is, made absolute: the read or write
    that meets it reports it, located."""
    if keep_name:
        return resolved(path.parent) / path.name
    try:
        return path.resolve()
    except RuntimeError:
        return type(path)(os.path.abspath(path))


def write_error(display: str, exc: OSError):
    """The located error for an output we could not write (a read-only or full disk, a file
    where a folder goes): ``write_atomic`` raises OSError, as callers that only keep a cache
    want, and the stages turn it into this for the file they were writing."""
    return error(display, 1, 1, f"cannot write: {exc.strerror or exc}", "io.write")


def remove_file(path: Path, root: Path) -> None:
    """Remove a file below ``root`` and the folders its removal leaves empty (up to ``root``,
    kept): a clean run makes no empty folder, so an incremental one leaves none either."""
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == root:
            break
        try:
            folder.rmdir()
        except OSError:  # not empty (or not ours to remove): the folders above are not empty either
            break


def inside(root: Path, relative: str) -> Path:
    """``root/relative``, refusing any path that would leave ``root``."""
    normal = os.path.normpath(relative)
    if os.path.isabs(normal) or normal == ".." or normal.startswith(".." + os.sep):
        raise error(relative, 1, 1, f"output path leaves {root.name}/", "build.path")
    return root / normal


def case_variant(root: Path, relative: str, listings: dict[str, dict[str, list[str]]] | None = None) -> str | None:
    """The POSIX path below ``root`` of the one file ``relative`` names when letter case is
    ignored (as the docs platform resolves links), or None: none, or more than one.
    ``listings`` memoizes the folders' names across calls."""
    memo = listings if listings is not None else {}
    found: list[str] = []
    for part in relative.split("/"):
        folder = "/".join(found)
        if folder not in memo:
            names: dict[str, list[str]] = {}
            try:
                for name in os.listdir(root / folder if folder else root):
                    names.setdefault(name.casefold(), []).append(name)
            except OSError:
                pass
            memo[folder] = names
        matches = memo[folder].get(part.casefold(), [])
        if len(matches) != 1:
            return None
        found.append(matches[0])
    path = "/".join(found)
    return path if (root / path).is_file() else None


# A folder the walk could not list: its root-relative POSIX path ("." for the root) and why.
Unlisted = tuple[str, str]


def list_files(root: Path, skip: Collection[str] = (), unusable: list[str] | None = None,
               unreadable: list[Unlisted] | None = None) -> list[str]:
    """Every file below ``root`` as sorted POSIX relative paths (none if ``root`` is missing),
    but those in the folders ``skip`` (root-relative POSIX paths) and those whose path
    ``name_problem`` refuses (added to ``unusable``, when given, for the caller to report).
    ``unreadable`` gets the folders that are there but could not be listed (``_walk``)."""
    return sorted(_usable(_walk(root, skip, unreadable), unusable))


def list_pages(root: Path, skip: Collection[str] = (), unusable: list[str] | None = None,
               non_page_md: list[str] | None = None, unreadable: list[Unlisted] | None = None) -> list[str]:
    """Markdown pages below ``root`` as sorted POSIX relative paths, but those in the folders
    ``skip`` (root-relative POSIX paths) and those ``name_problem`` refuses (added to
    ``unusable``). A symbolic link to a missing file is a page (that cannot be read: an error
    where it is read, not a page silently left out), and so is a file that cannot be looked
    at. ``unreadable``: as ``list_files``.

    ``non_page_md``, when given, gets (sorted) the files of the same walk named ``.md`` in any
    letter case that are no pages (``is_page``): a link names them as files, which the HTML
    links as they are, not as a built ``.html``."""
    pages: list[str] = []
    for path in _walk(root, skip, unreadable):
        if is_page(path):
            if _maybe_regular(root / path):
                pages.append(path)
        elif non_page_md is not None and path.lower().endswith(".md") and os.path.isfile(root / path):
            non_page_md.append(path)
    if non_page_md is not None:
        non_page_md[:] = sorted(_usable(non_page_md, None))  # a name we cannot write is no link target either
    return sorted(_usable(pages, unusable))


def is_page(path: str) -> bool:
    """Whether the file at a source-relative POSIX ``path`` is a page: a ``.md`` file (in that
    letter case) outside hidden folders and ``node_modules``, which hold a repository's
    ``.github/`` templates, a virtual environment's or a package's READMEs when the source is
    the repository (``source = "."``). Their other files are files, which pages may link to
    (an Azure DevOps wiki keeps its images in ``.attachments/``)."""
    if not path.endswith(".md"):
        return False
    folders = path.split("/")[:-1]
    return not any(folder.startswith(".") or folder == "node_modules" for folder in folders)


def _usable(paths: Iterable[str], unusable: list[str] | None) -> Iterator[str]:
    for path in paths:
        if path.isascii() and path.isprintable() or name_problem(path) is None:
            yield path
        elif unusable is not None:
            unusable.append(path)


def name_problem(path: str) -> str | None:
    """Why a file's path cannot be a page or file of ours (it is written into PO references,
    JSON caches and one-line reports), or None: bytes that are not UTF-8 (kept by Python as
    surrogates), a control character (a newline splits a reference or a report line)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    control = next((c for c in path if _is_control(c)), None)
    return f"holds a control character (U+{ord(control):04X})" if control else None


def _is_control(char: str) -> bool:
    return char < " " or "\x7f" <= char <= "\x9f" or char in "\u2028\u2029"


def shown_name(path: str) -> str:
    """A path ``name_problem`` refuses, printable on one line: undecodable bytes as ``\\xe9``,
    control characters as Python escapes."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(c)[1:-1] if _is_control(c) else c for c in text)


def _maybe_regular(path: Path) -> bool:
    """Whether a listed entry may be a file to read: a regular file, or one that cannot be
    looked at (a dangling link, a link loop, no permission: read, it is a located error);
    not a named pipe or a device. (``Path.is_file`` raises PermissionError in Python 3.11.)"""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _walk(root: Path, skip: Collection[str], unreadable: list[Unlisted] | None = None) -> Iterator[str]:
    """The relative paths of the files below ``root``, not descending into ``skip`` (nor into
    links to folders, as ``Path.rglob``). A folder that is there but cannot be listed (no
    permission, ``root`` a file or a dangling link) goes to ``unreadable`` (when given): it
    was silently empty, so its pages were taken for removed (their templates and outputs
    deleted). A ``root`` that is not there at all lists nothing, as a folder gone meanwhile."""
    def failed(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else root
        if unreadable is None or (isinstance(exc, FileNotFoundError) and nothing_at(where)):
            return
        relative = os.path.relpath(where, root).replace(os.sep, "/")
        unreadable.append((relative, exc.strerror or str(exc)))

    for folder, dirs, names in os.walk(root, onerror=failed):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        if skip:
            dirs[:] = [d for d in dirs if prefix + d not in skip]
        yield from (prefix + name for name in names)


def under(path: str, folders: Collection[str]) -> bool:
    """Whether the POSIX relative ``path`` lies in one of ``folders`` (relative POSIX paths;
    ``.``, the root, holds every path)."""
    return any(folder == "." or path.startswith(folder + "/") for folder in folders)
