"""What each page links to and defines, cached by content hash across ``pipeline check`` runs;
and check results, reused while nothing they depend on changed.

In: page texts and a scanner (``linkscan.scan_text``; ``pipeline.checking`` uses it for the
source pages, and keeps built pages' scans in memory only). Out: the same ``PageScan``
records the scanner returns, read from a JSON file (``out/.cache/links.json``) when a text
with the same digest was scanned before. The key is the scanner's name and the digest of
the text, never a path or a timestamp, so a renamed or touched-but-unchanged page is not
rescanned, and an edited page is. Check results are stored beside them, each with the
digests of what it read; the caller compares them before reusing one (``pipeline.checking``,
``pipeline.checkstore``). Entries not used by a run are dropped when the cache is saved
(but a locale's result of the other kind of run, ``KEPT_RESULTS``), so the file does not
grow without bound. An unreadable, foreign or older cache is an empty one.
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


def _code() -> str:
    """What made the stored scans and results: our version and modules (``code_stamp``), so
    a fix to the scanner or the checks is never hidden by what older code stored."""
    return digest_text(__version__ + "\0" + code_stamp())


def digest_text(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class ScanCache:
    """Scans by ``(scanner name, text digest)``; ``scanner(name, function)`` gives a caching scanner."""

    def __init__(self, path: Path | None, entries: dict[str, list[Any]] | None = None,
                 results: dict[str, Any] | None = None) -> None:
        self.path = path
        self._stored = entries or {}
        self._used: dict[str, list[Any]] = {}
        self._results_stored: dict[str, Any] = results or {}
        self._results: dict[str, Any] = {}
        self._scans: dict[str, PageScan] = {}
        self.hits = 0
        self.misses = 0

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
        return self._results_stored.get(key)

    def keep_result(self, key: str, value: Any) -> None:
        self._results[key] = value

    def keep_results(self, prefix: str) -> None:
        """Keep the stored results whose key starts with ``prefix``, not used by this run."""
        for key, value in self._results_stored.items():
            if key.startswith(prefix):
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
        """Write the entries this run used (atomic; skipped when nothing changed)."""
        if self.path is None or (self.misses == 0 and len(self._used) == len(self._stored)
                                 and self._results.items() <= self._results_stored.items()
                                 and all(k in self._results or k.startswith(KEPT_RESULTS) for k in self._results_stored)):
            return False
        # a locale's result of the other kind of run (with or without outputs) is kept for it
        results = {**{k: v for k, v in self._results_stored.items() if k.startswith(KEPT_RESULTS)}, **self._results}
        data = {"format": CACHE_FORMAT, "code": _code(), "scans": self._used, "results": results}
        return write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def load_scan_cache(path: Path | None) -> ScanCache:
    """The cache at ``path`` (None: an in-memory cache that is never saved)."""
    if path is None:
        return ScanCache(None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("code") != _code():
            return ScanCache(path)
        scans, results = data["scans"], data.get("results", {})
        if not isinstance(scans, dict) or not isinstance(results, dict):
            return ScanCache(path)
        return ScanCache(path, scans, results)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ScanCache(path)
