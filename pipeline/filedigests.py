"""The files a unit's fingerprint reads, each read once: their digests, and their marks.

In: the source's pages (a run's page list), the source pages and PO files asked for. Out:
per file, the digest of its bytes (``-`` for no file, ``unreadable`` for one there that
cannot be read) and a final ``/`` when its links' built form depends on the page list
(``pagelistlinks``: in a source page's text, or in a PO file's translations), which
``build.unit_fingerprint`` and ``build.coverage_key`` share.

A file's value is a function of its path alone (the path names the page and whether the
file is its source or one of its PO files) within one page list: the same whoever asks
first, a fingerprint or a coverage key, the main process or a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cache import bytes_digest
from .files import nothing_at, read_bytes
from .pagelistlinks import catalog_translations, depends_on_page_list


@dataclass
class FileDigests:
    """One page list's memo: each file's value by path."""

    all_pages: frozenset[str]
    values: dict[Path, str] = field(default_factory=dict)

    def file(self, path: Path, page: str, translations: bool) -> str:
        """The value of the file at ``path``: the source of ``page``, or (``translations``)
        one of its PO files."""
        if path not in self.values:
            data = read_bytes(path)
            # a file there but unreadable (a dangling link...) is not one not there: a unit built
            # without its catalog would be up to date, and say nothing, once the catalog is broken
            found = bytes_digest(data) if data is not None or nothing_at(path) else "unreadable"
            depends = data is not None and depends_on_page_list(
                catalog_translations(data) if translations else data, page, self.all_pages)
            self.values[path] = found + ("/" if depends else "")
        return self.values[path]
