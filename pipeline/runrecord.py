"""A finished ``pipeline check`` run, kept with a fingerprint of everything it read, so that
the same command on unchanged files prints the same report again without checking.

In: the parts that decide a run (our code, the command line, the settings), the folders and
files it reads. Out: a fingerprint (a digest) and the record stored under it: the report,
the summary line and the exit status, in ``out/.cache/check-runs.json``.

What the fingerprint covers
    Every file name below the given folders (so a page or image that appears or goes away
    counts) and the content of every file of a kind the check reads (pages, catalogs, built
    HTML, JSON and YAML); other files (images, media) count by name only, as the check only
    asks whether they exist. Content, never timestamps alone: a touched but unchanged page
    replays. A file's digest is taken from the last run without reading the file only while
    its size, inode, modification and change times are all the same as then (``Contents``,
    kept in ``out/.cache/check-contents.json``).

This module imports only what Python has loaded at start-up anyway (plus BLAKE2, ``json``
and ``pipeline.files``): a replay costs a walk of the folders and a hash of the pages, not the import of
the checkers, and so it is faster than a native link checker on a site that did not change.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from functools import lru_cache

from .digests import blake2b
from .files import read_bytes, write_atomic

RECORD_FORMAT = 5  # 2: launches beside the runs; 3: a launch's source page scans; 4: and its findings' places;
# 5: and each page's ids and includes (``linkscan.visible_digest``)
KEEP = 8  # command lines remembered side by side (make check, the pre-commit hook, CI, ...)
UNREADABLE = "unreadable"  # a page digest that matches no content
GLOB = "glob:"  # a ``files`` entry of ``tree_state`` naming the files a pattern matches when it runs
# files a report depends on by name only (a link to an image needs it to exist); every other
# file is read, whatever its name: a page may paste a file of any name ([!INCLUDE]), and only
# the bytes of .md, .txt, .json... counted before, so an edited 'note.inc' replayed a stale report
# (in hidden folders and node_modules, which hold no pages, only those: ``_add_tree``)
SET_ASIDE_READ = frozenset({".md", ".markdown", ".po", ".pot", ".html", ".htm", ".json", ".yml", ".yaml", ".txt"})
NAMED_ONLY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tif", ".tiff", ".avif", ".psd",
    ".pdf", ".zip", ".gz", ".tgz", ".7z", ".cab", ".msi", ".exe", ".dll", ".mo",
    ".mp3", ".mp4", ".m4v", ".mov", ".avi", ".wav", ".webm", ".ogg", ".woff", ".woff2", ".ttf", ".otf", ".eot"})


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """Our modules' names, sizes and modification times: an edited checkout never replays a
    report, nor reuses a page scan, that older code made (an installed release changes
    ``__version__`` as well); and the modification times of the site-packages folders on the
    path, which a package installed, upgraded or removed changes (a report made with another
    markdown-it-py or lxml is not replayed). Once per process."""
    folder = os.path.dirname(__file__)
    stamp = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            info = entry.stat()
            stamp.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    # the libraries we parse with (markdown-it-py, lxml, PyYAML...): installing, upgrading or
    # removing a package changes its site-packages folder's listing, hence its modification time
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):  # dist-packages: Debian's Python
            try:
                stamp.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
            except OSError:
                pass
    return ";".join(stamp)


def fingerprint(parts: Iterable[str], folders: Iterable[tuple[str, frozenset[str]]], files: Iterable[str],
                contents: dict[str, str | None] | None = None) -> str:
    """The digest of ``parts``, of each folder's tree (minus the tree-relative paths in its
    skip set: the output folder's ``.cache``, our folders inside the source folder) and of
    the content of ``files`` (a missing one counts as missing). Files whose content digest
    ``contents`` has (by path as walked) are not read again; the others are added to it."""
    return run_key(*tree_state(parts, folders, files, contents))


def tree_state(parts: Iterable[str], folders: Iterable[tuple[str, frozenset[str]]],
               files: Iterable[str], contents: dict[str, str | None] | None = None) -> tuple[str, dict[str, str]]:
    """What ``fingerprint`` covers, in two parts: the *shape*, a digest of all of it except
    the content of the first folder's Markdown pages (``*.md``, the source pages), and those
    pages' content digests by tree-relative path. A check whose report depends on the source
    pages only through their link scans (``checkcommand``) compares the two apart.
    ``contents``: as for ``fingerprint``; the check reuses the digests made here."""
    digest = blake2b(digest_size=16)
    pages: dict[str, str] = {}
    contents = {} if contents is None else contents
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for index, (folder, skip) in enumerate(folders):
        digest.update(b"folder\0" + os.fsencode(folder) + b"\0")
        _add_tree(digest, folder, "", skip, pages if index == 0 else None, contents)
    for path in files:
        digest.update(b"file\0" + os.fsencode(path) + b"\0")
        if path.startswith(GLOB):  # the files matching now, each by name and content
            import glob

            for match in sorted(glob.glob(path[len(GLOB):])):
                digest.update(os.fsencode(match) + b"\0")
                _add_content(digest, match, contents)
        else:
            _add_content(digest, path, contents)
    return digest.hexdigest(), pages


def run_key(shape: str, pages: dict[str, str]) -> str:
    """The fingerprint of a ``tree_state``."""
    digest = blake2b(shape.encode("ascii"), digest_size=16)
    for name in sorted(pages):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + pages[name].encode("ascii") + b"\0")
    return digest.hexdigest()


def content_digest(data: bytes) -> str:
    """A page's content digest in ``tree_state`` (equal to ``linkcache.digest_text`` of its
    text when the bytes are UTF-8)."""
    return blake2b(data, digest_size=16).hexdigest()


def _add_tree(digest, folder: str, prefix: str, skip: frozenset[str], pages: dict[str, str] | None,
              contents: dict[str, str | None], aside: bool = False) -> None:
    """``aside``: the folder is in a hidden folder or ``node_modules`` (``files.is_page`` sets
    them aside: a ``source = "."`` repository's .git, a package's files): there only the
    files of ``SET_ASIDE_READ`` count by their bytes, so that git's own writes (a fetch, a
    config) or thousands of scripts neither slow a replay nor prevent it."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:  # missing, a file, or not to be listed: each is reported otherwise
        digest.update(f"unlisted {exc.errno}\0".encode("ascii"))
        return
    for entry in entries:
        name = prefix + entry.name
        if name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):  # as os.walk, which the check walks with
            digest.update(b"d\0" + os.fsencode(name) + b"\0")
            _add_tree(digest, entry.path, name + "/", skip, pages, contents,
                      aside or entry.name.startswith(".") or entry.name == "node_modules")
            continue
        digest.update(b"f\0" + os.fsencode(name) + b"\0")
        if pages is not None and entry.name.lower().endswith(".md"):
            pages[name] = content_of(entry.path, contents, keep=True) or UNREADABLE
        elif counts_by_bytes(entry.name, aside):
            _add_content(digest, entry.path, contents)


def counts_by_bytes(name: str, aside: bool = False) -> bool:
    """Whether a file named ``name`` counts in a fingerprint by its bytes (else by its name):
    any file but images and media (``NAMED_ONLY_SUFFIXES``); in a folder set aside (``aside``,
    ``_add_tree``) only those of ``SET_ASIDE_READ``."""
    suffix = os.path.splitext(name)[1].lower()
    return suffix in SET_ASIDE_READ if aside else suffix not in NAMED_ONLY_SUFFIXES


class Contents(dict):
    """Content digests by path (``content_of``'s memo), with the digests of the last run's
    files and their stat signatures: size, inode, modification and change times, in
    nanoseconds. A file whose signature is the same as then is not read again. The kernel
    sets a file's change time on every write, and no tool can set it back, so a file with
    the same signature has the same bytes. The exception is a write within the same clock
    tick as the one recorded, so a file changed less than ``SETTLE_NS`` before a run starts
    is not recorded, and is read again by the next run (git's "racily clean" rule)."""

    def __init__(self, known: dict[str, list] | None = None) -> None:
        super().__init__()
        self.known = known or {}  # path -> [size, inode, mtime_ns, ctime_ns, digest], last run's
        self.seen: dict[str, list] = {}  # the same, for this run's settled files
        self.started = time.time_ns()
        self.read: dict[str, bytes] = {}  # the bytes of the pages read (``content_of(keep=True)``), for the check


SETTLE_NS = 2_000_000_000


def content_of(path: str, contents: dict[str, str | None], keep: bool = False) -> str | None:
    """The content digest of the file at ``path`` (None: unreadable), memoized in ``contents``
    (path -> digest): each file is read and hashed once a run, whoever asks; not at all
    when ``contents`` is a ``Contents`` that knows the file unchanged since the last run.
    ``keep``: the bytes read go to ``Contents.read`` (a source page, which a check that runs
    scans: read once, cold or not)."""
    if path not in contents:
        if isinstance(contents, Contents):
            return _content_by_stat(path, contents, keep)
        read_content(path, contents)
    return contents[path]


def read_content(path: str, contents: dict[str, str | None]) -> bytes | None:
    """The file's bytes (None: unreadable), with its content digest put in ``contents``: for
    a caller that needs the bytes too (to scan them), so that nobody hashes them again."""
    data = read_bytes(path)
    contents[path] = None if data is None else content_digest(data)
    return data


def _content_by_stat(path: str, contents: Contents, keep: bool = False) -> str | None:
    try:
        info = os.stat(path)
    except OSError:
        contents[path] = None
        return None
    signature = [info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns]
    known = contents.known.get(path)
    if known is not None and known[:4] == signature:
        contents[path] = known[4]
        contents.seen[path] = known
        return known[4]
    data = read_bytes(path)
    found = contents[path] = None if data is None else content_digest(data)
    if keep and data is not None:
        contents.read[path] = data
    if found is not None and max(info.st_mtime_ns, info.st_ctime_ns) < contents.started - SETTLE_NS:
        contents.seen[path] = [*signature, found]
    return found


def load_contents(record_path: str) -> Contents:
    """A ``Contents`` that knows the files the last run beside ``record_path`` recorded
    (``store_contents``); an unreadable or foreign file knows none."""
    known: dict[str, list] = {}
    try:
        with open(_contents_path(record_path), encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") == CONTENTS_FORMAT and isinstance(data.get("files"), dict):
            known = {path: entry for path, entry in data["files"].items()
                     if isinstance(entry, list) and len(entry) == 5 and isinstance(entry[4], str)}
    except (OSError, ValueError, AttributeError):
        pass
    return Contents(known)


def store_contents(record_path: str, contents: dict) -> None:
    """Keep what this run learnt of its files' contents (``Contents.seen``) for the next,
    with what the last run kept of files this one did not ask about (another command line
    checks other trees: ``--no-outputs`` and ``make check`` take turns), unless that is what
    the last run kept. Those are dropped only past ``KEEP_CONTENTS`` entries in all (files
    that went away)."""
    if not isinstance(contents, Contents):
        return
    kept = {} if len(contents.known) > KEEP_CONTENTS else {
        path: entry for path, entry in contents.known.items() if path not in contents}
    files = {**kept, **contents.seen}
    if files == contents.known:
        return
    try:
        write_atomic(_contents_path(record_path), json.dumps({"format": CONTENTS_FORMAT, "files": files},
                                                             ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only out/ only costs speed


CONTENTS_FORMAT = 1
KEEP_CONTENTS = 50_000


def _contents_path(record_path: str) -> str:
    return os.path.join(os.path.dirname(record_path), "check-contents.json")


def _add_content(digest, path: str, contents: dict[str, str | None]) -> None:
    digest.update((content_of(path, contents) or UNREADABLE).encode("ascii") + b"\0")


def read_records(path: str) -> tuple[dict, dict]:
    """The stored runs (fingerprint -> report, summary, status) and launches (launch key ->
    what to fingerprint again); an unreadable, foreign or older file holds none."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") == RECORD_FORMAT and isinstance(data["runs"], dict) and isinstance(data["launches"], dict):
            return data["runs"], data["launches"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return {}, {}


def find_run(runs: dict, key: str) -> dict | None:
    """The run stored under ``key``, if it is a whole one."""
    record = runs.get(key)
    try:
        if isinstance(record["report"], str) and isinstance(record["summary"], str) \
                and isinstance(record["status"], int):
            return record
    except (KeyError, TypeError):
        pass
    return None


def find_launch(launches: dict, key: str) -> tuple | None:
    """What the launch stored under ``key`` fingerprints (the parts, folders and files of
    ``fingerprint``), the file its report went to (None: stdout), the paths its settings
    named, as written and as resolved then, and, when its run depended on the source pages
    only through their link scans, those scans: ``{"shape", "run", "pages": {page: [text
    digest, scan digest, unplaced scan digest, ids-and-includes digest]}, "moves": checkmoves
    data or None}`` (else None)."""
    launch = launches.get(key)
    try:
        parts, files, output = launch["parts"], launch["files"], launch["output"]
        folders = [(folder, frozenset(skip)) for folder, skip in launch["folders"]]
        paths = [(written, resolved) for written, resolved in launch["paths"]]
        texts = (*parts, *files, *(f for f, _ in folders), *(n for _, s in folders for n in s), *(x for p in paths for x in p))
        if all(isinstance(x, str) for x in texts) and (output is None or isinstance(output, str)) and folders:
            return list(parts), folders, list(files), output, paths, _scans(launch.get("scans"))
    except (KeyError, TypeError, ValueError):
        pass
    return None


def _scans(data: object) -> dict | None:
    try:
        pages = data["pages"]
        if isinstance(data["shape"], str) and isinstance(data["run"], str) and all(
                isinstance(page, str) and all(isinstance(digest, str) for digest in (text, scan, unplaced, visible))
                for page, (text, scan, unplaced, visible) in pages.items()) and \
                isinstance(data.get("moves"), (dict, type(None))):
            return data
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return None


def store_record(path: str, key: str, report: str, summary: str, status: int,
                 launch: tuple[str, dict] | None = None, tables: tuple[dict, dict] | None = None) -> None:
    """Keep this run under ``key``, with the ``KEEP - 1`` most recent others, and the
    ``launch`` (its key and entry) that led to it, if any. ``tables``: what ``read_records``
    gave for the file, if the caller just read it."""
    runs, launches = (dict(table) for table in (tables or read_records(path)))
    runs.pop(key, None)
    runs[key] = {"report": report, "summary": summary, "status": status}
    if launch is not None:
        launches.pop(launch[0], None)
        launches[launch[0]] = launch[1]
    data = {"format": RECORD_FORMAT, "runs": dict(list(runs.items())[-KEEP:]),
            "launches": dict(list(launches.items())[-KEEP:])}
    try:
        write_atomic(path, json.dumps(data, ensure_ascii=False))
    except OSError:
        pass  # a read-only out/ only costs speed
