"""What each page links to and defines, cached by content hash across ``pipeline check`` runs;
and check results, reused while nothing they depend on changed.

In: page texts and a scanner (``linkscan.scan_text``; ``pipeline.checking`` uses it for the
source pages, and keeps built pages' scans in memory only). Out: the same ``PageScan``
records the scanner returns, read from a JSON file (``out/.cache/links.json``) when a text
with the same digest was scanned before. The key is the scanner's name and the digest of
the text, never a path or a timestamp, so a renamed or touched-but-unchanged page is not
rescanned, and an edited page is. Check results are stored beside them, each with the
digests of what it read; the caller compares them before reusing one (``pipeline.checking``
and its mixins, ``pipeline.checkstore``). Entries not used by a run are dropped when the
cache is saved (but a locale's result of the other kind of run, ``KEPT_RESULTS``), so the
file does not grow without bound. An unreadable, foreign or older cache is an empty one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .digests import blake2b
from .files import write_atomic
from .linkscan import PageScan, decode_scan, encode_scan
from .runrecord import code_stamp

CACHE_FORMAT = 2  # 2: error-table codes among a page's explicit anchors
KEPT_RESULTS = "locale:"  # results kept when a run does not use them (see ``ScanCache.save``)


def code_key() -> str:
    """What made the stored scans and results: our version and modules (``code_stamp``), so
    a fix to the scanner or the checks is never hidden by what older code stored."""
    return digest_text(__version__ + "\0" + code_stamp())


def digest_text(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def shard_of(key: str) -> str | None:
    """The locale whose file holds a result (``out:L:...``, ``po:L/...``, ``read:L:...``), or
    None for the main file (source pages' results, locales' results)."""
    if key[:1] not in ("o", "p", "r"):  # "source:", "locale:" (the common case, quickly)
        return None
    kind, _, rest = key.partition(":")
    if kind in ("out", "read"):
        return rest.partition(":")[0] or None
    if kind == "po":
        return rest.partition("/")[0] or None
    return None


class ScanCache:
    """Scans by ``(scanner name, text digest)``; ``scanner(name, function)`` gives a caching scanner.

    The results of one locale's PO files and built pages live in a file of their own
    (``links-<locale>.json`` beside ``links.json``), read the first time one of them is
    asked for: a check that reuses a whole locale's result, or checks one locale again
    after a PO file changed, does not read or write the other locales' results. A file
    not read by a run is left as it is."""

    def __init__(self, path: Path | None, entries: dict[str, list[Any]] | None = None,
                 results: dict[str, Any] | None = None) -> None:
        self.path = path
        self._stored = entries or {}
        self._used: dict[str, list[Any]] = {}
        self._results_stored: dict[str, Any] = results or {}
        self._results: dict[str, Any] = {}
        self._scans: dict[str, PageScan] = {}
        self._shards: set[str] = set()  # locales whose file was read (or could not be)
        self._saved: set[str] = set()  # locales whose file a worker process wrote (``save_shard``)
        self.hits = 0
        self.misses = 0

    def shard_path(self, locale: str) -> Path | None:
        return None if self.path is None else self.path.with_name(f"{self.path.stem}-{locale}{self.path.suffix}")

    def _load_shard(self, locale: str) -> None:
        self._shards.add(locale)
        path = self.shard_path(locale)
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == CACHE_FORMAT and data.get("code") == code_key() and isinstance(data["results"], dict):
                for key, value in data["results"].items():
                    if shard_of(key) == locale:
                        self._results_stored.setdefault(key, value)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def scanner(self, name: str, scan: Callable[[str], PageScan]) -> Callable[..., PageScan]:
        """``scan`` cached by the text's digest (``digest``: the caller's, when it has one)."""
        def cached(text: str, digest: str | None = None) -> PageScan:
            key = name + ":" + (digest or digest_text(text))
            found = self._scans.get(key)
            if found is not None:
                return found
            stored = self._stored.get(key)
            if stored is not None:
                try:
                    found = decode_scan(stored)
                    self.hits += 1
                    self._used[key] = stored
                except (TypeError, ValueError):
                    found = None
            if found is None:
                found = scan(text)
                self.misses += 1
                self._used[key] = encode_scan(found)
            self._scans[key] = found
            return found

        return cached

    def result(self, key: str) -> Any:
        """A stored check result (JSON data) of a previous run, or None; kept if used again."""
        found = self._results_stored.get(key)
        if found is None:
            locale = shard_of(key)
            if locale is not None and locale not in self._shards:
                self._load_shard(locale)
                found = self._results_stored.get(key)
        return found

    def keep_result(self, key: str, value: Any) -> None:
        self._results[key] = value

    def keep_shard(self, locale: str) -> None:
        """Keep every stored result of ``locale``'s file (a run that reuses the locale's whole
        result): nothing to do unless this run read the file."""
        if locale in self._shards:
            for key, value in self._results_stored.items():
                if shard_of(key) == locale:
                    self._results.setdefault(key, value)

    def made(self) -> tuple[dict[str, Any], dict[str, Any], int]:
        """What this process has used or made so far (for ``made_since``)."""
        return dict(self._used), dict(self._results), self.misses

    def made_since(self, before: tuple[dict[str, Any], dict[str, Any], int]) -> dict[str, Any]:
        """The scans and results used or made since ``made()`` gave ``before``: what a worker
        process hands back (``add_made``)."""
        used, results, misses = before
        return {"scans": {k: v for k, v in self._used.items() if k not in used},
                "results": {k: v for k, v in self._results.items() if results.get(k) is not v},
                "misses": self.misses - misses}

    def add_made(self, made: dict[str, Any]) -> None:
        """Take in what a worker used or made (``made_since``)."""
        self._used.update(made["scans"])
        self._results.update(made["results"])
        self.misses += made["misses"]

    def save(self) -> bool:
        """Write the entries this run used (atomic; a file is skipped when nothing in it
        changed, and a locale's file that this run did not read is left as it is)."""
        if self.path is None:
            return False
        by_file: dict[str | None, tuple[dict[str, Any], dict[str, Any]]] = {None: ({}, {})}
        for table, index in ((self._results_stored, 0), (self._results, 1)):
            for key, value in table.items():
                locale = shard_of(key)
                if locale is None or locale in self._shards or index == 1:
                    by_file.setdefault(locale, ({}, {}))[index][key] = value
        wrote = False
        for locale, (stored, used) in by_file.items():
            if locale in self._saved:
                continue
            if locale is not None and locale not in self._shards:  # kept, not looked up: read it now
                self._load_shard(locale)
                stored = {k: v for k, v in self._results_stored.items() if shard_of(k) == locale}
            wrote = self._write(locale, stored, used) or wrote
        return wrote

    def save_shard(self, locale: str) -> None:
        """Write ``locale``'s file now and forget its results (a worker process that checked
        the locale: its results need not travel back, and the parent leaves the file alone)."""
        if locale not in self._shards:
            self._load_shard(locale)
        stored = {k: v for k, v in self._results_stored.items() if shard_of(k) == locale}
        used = {k: v for k, v in self._results.items() if shard_of(k) == locale}
        try:
            self._write(locale, stored, used)
        except OSError:
            pass  # a read-only out/ only costs speed
        for key in used:
            del self._results[key]

    def saved_elsewhere(self, locale: str) -> None:
        """A worker process wrote ``locale``'s file (``save_shard``): ``save`` leaves it."""
        self._saved.add(locale)

    def _write(self, locale: str | None, stored: dict[str, Any], used: dict[str, Any]) -> bool:
        scans_same = locale is not None or (self.misses == 0 and len(self._used) == len(self._stored))
        if self.path is None or scans_same and used.items() <= stored.items() and all(
                k in used or k.startswith(KEPT_RESULTS) for k in stored):
            return False
        # a locale's result of the other kind of run (with or without outputs) is kept for it
        results = {**{k: v for k, v in stored.items() if k.startswith(KEPT_RESULTS)}, **used}
        data = {"format": CACHE_FORMAT, "code": code_key(), "results": results}
        if locale is None:
            data["scans"] = self._used
        path = self.path if locale is None else self.shard_path(locale)
        return write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def load_scan_cache(path: Path | None) -> ScanCache:
    """The cache at ``path`` (None: an in-memory cache that is never saved)."""
    if path is None:
        return ScanCache(None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("code") != code_key():
            return ScanCache(path)
        scans, results = data["scans"], data.get("results", {})
        if not isinstance(scans, dict) or not isinstance(results, dict):
            return ScanCache(path)
        return ScanCache(path, scans, results)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ScanCache(path)
