"""What each page links to and defines, cached by content hash across ``pipeline check`` runs.

In: page texts and the scanners (``linkscan.scan_text`` for Markdown, ``htmllinks.scan_html``
for HTML). Out: the same ``PageScan`` records the scanners return, read from a JSON file
(``out/.cache/links.json``) when a text with the same digest was scanned before. The key is
the scanner's name and the digest of the text, never a path or a timestamp, so a renamed or
touched-but-unchanged page is not rescanned, and an edited page is. Entries not used by a
run are dropped when the cache is saved, so the file does not grow without bound. An
unreadable, foreign or older cache is an empty one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_atomic
from .linkscan import Heading, Link, Malformed, PageScan

CACHE_FORMAT = 1


def _encode(scan: PageScan) -> list[Any]:
    return [
        [[l.target, l.line, l.column, l.text, l.is_image, l.kind] for l in scan.links],
        [[m.line, m.column, m.message, m.code] for m in scan.malformed],
        [[h.level, h.text, h.line, h.atx_nospace] for h in scan.headings],
        sorted(scan.explicit_anchors),
    ]


def _decode(data: list[Any]) -> PageScan:
    links, malformed, headings, anchors = data
    return PageScan(
        tuple(Link(t, int(line), int(col), text, bool(img), kind) for t, line, col, text, img, kind in links),
        tuple(Malformed(int(line), int(col), message, code) for line, col, message, code in malformed),
        tuple(Heading(int(level), text, int(line), bool(nospace)) for level, text, line, nospace in headings),
        frozenset(anchors),
    )


class ScanCache:
    """Scans by ``(scanner name, text digest)``; ``scanner(name, function)`` gives a caching scanner."""

    def __init__(self, path: Path | None, entries: dict[str, list[Any]] | None = None) -> None:
        self.path = path
        self._stored = entries or {}
        self._used: dict[str, list[Any]] = {}
        self._scans: dict[str, PageScan] = {}
        self.hits = 0
        self.misses = 0

    def scanner(self, name: str, scan: Callable[[str], PageScan]) -> Callable[[str], PageScan]:
        def cached(text: str) -> PageScan:
            key = name + ":" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            found = self._scans.get(key)
            if found is not None:
                return found
            stored = self._stored.get(key)
            if stored is not None:
                try:
                    found = _decode(stored)
                    self.hits += 1
                    self._used[key] = stored
                except (TypeError, ValueError):
                    found = None
            if found is None:
                found = scan(text)
                self.misses += 1
                self._used[key] = _encode(found)
            self._scans[key] = found
            return found

        return cached

    def save(self) -> bool:
        """Write the entries this run used (atomic; skipped when nothing changed)."""
        if self.path is None or (self.misses == 0 and len(self._used) == len(self._stored)):
            return False
        data = {"format": CACHE_FORMAT, "version": __version__, "scans": self._used}
        return write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def load_scan_cache(path: Path | None) -> ScanCache:
    """The cache at ``path`` (None: an in-memory cache that is never saved)."""
    if path is None:
        return ScanCache(None)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("version") != __version__:
            return ScanCache(path)
        scans = data["scans"]
        if not isinstance(scans, dict):
            return ScanCache(path)
        return ScanCache(path, scans)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ScanCache(path)
