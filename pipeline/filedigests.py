"""The files a unit's fingerprint reads, each read once: their digests, and their marks.

In: the source's pages (a run's page list), the source pages and PO files asked for, and
the marks the last build made under the same page list and code. Out: per file, the digest
of its bytes (``-`` for no file, ``unreadable`` for one there that cannot be read) and a
final ``/`` when its links' built form depends on the page list (``pagelistlinks``: in a
source page's text, or in a PO file's translations), which ``build.unit_fingerprint`` and
``build.coverage_key`` share.

A file's value is a function of its path alone (the path names the page and whether the
file is its source or one of its PO files) within one page list: the same whoever asks
first, a fingerprint or a coverage key, the main process or a worker. Finding the marks is
the costly part (regular expressions over every page and catalog: a no-change build of the
corpus took 0.47 s of CPU instead of 0.22 s); a file whose bytes, page and kind are those of
a mark the last build made under the same page list and code (``known``: the marks its main
process and its workers made, kept in ``out/.cache/``) takes it without being scanned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cache import bytes_digest, digest
from .files import nothing_at, read_bytes
from .pagelistlinks import catalog_translations, depends_on_page_list


@dataclass
class FileDigests:
    """One page list's memo: each file's value by path, each mark by ``mark_key``; ``known``:
    the marks of the last build (``BuildCache.marks``), when it had the same page list and code."""

    all_pages: frozenset[str]
    known: Mapping[str, bool] = field(default_factory=dict)
    md_files: frozenset[str] = frozenset()  # every .md file of the source (pages or not), in its letter case
    values: dict[Path, str] = field(default_factory=dict)
    marks: dict[str, bool] = field(default_factory=dict)  # the marks this memo used: the next build's ``known``

    def file(self, path: Path, page: str, translations: bool) -> str:
        """The value of the file at ``path``: the source of ``page``, or (``translations``)
        one of its PO files."""
        if path not in self.values:
            data = read_bytes(path)
            # a file there but unreadable (a dangling link...) is not one not there: a unit built
            # without its catalog would be up to date, and say nothing, once the catalog is broken
            found = bytes_digest(data) if data is not None or nothing_at(path) else "unreadable"
            depends = data is not None and self._depends(data, found, page, translations)
            self.values[path] = found + ("/" if depends else "")
        return self.values[path]

    def _depends(self, data: bytes, found: str, page: str, translations: bool) -> bool:
        key = mark_key(found, page, translations)
        if key not in self.marks:
            known = self.known.get(key)
            if known is None:
                known = depends_on_page_list(catalog_translations(data) if translations else data, page,
                                             self.all_pages, self.md_files)
            self.marks[key] = known
        return self.marks[key]


def mark_key(found: str, page: str, translations: bool) -> str:
    """What a file's mark is a function of, beside the page list: its bytes (``found``, their
    digest), its page (relative links start from its folder) and its kind."""
    return digest("po" if translations else "md", page, found)


def marks_key(page_list: str, code: str) -> str:
    """What every mark depends on: the page list (``build.page_list_digest``) and our code."""
    return digest(page_list, code)
