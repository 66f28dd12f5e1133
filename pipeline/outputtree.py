"""One output tree's pages, each file read once: its link scan and its content digest.

In: the tree's folder, how a page names its file, a scanner, and the content digests the
run has already made (``runrecord.tree_state``). Out: ``OutputTree.scan(page)`` and
``OutputTree.digest(page)``; ``memo_scanner`` keeps scans in memory, by text digest.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .linkscan import PageScan
from .runrecord import content_of, read_content


class OutputTree:
    """One output tree's pages as ``check_tree`` reads them: ``scan(page)``, and ``digest(page)``,
    the content digest of its file (``contents`` has those already made; a file is read only
    to be scanned, or when its digest is not known). ``file_of(page)`` names the page's file
    below ``root`` (None: not a page)."""

    def __init__(self, root: Path, file_of: Callable[[str], str | None], scanner,
                 contents: dict[str, str | None], assets: Path | None = None) -> None:
        self.root, self.file_of, self.scanner, self.contents = root, file_of, scanner, contents
        self.assets = assets
        self._scans: dict[str, PageScan | None] = {}

    def _path(self, page: str) -> str | None:
        """``page``'s file below ``root``; with ``assets`` (the source folder), a file that is
        no page and that the build did not write is read there, where the tree's links find
        it (a Markdown output keeps the ``[!INCLUDE]`` of a ``note.inc``, which the docs
        platform pastes from the source tree, as it shows its images)."""
        name = self.file_of(page)
        if name is None:
            return None
        path = str(self.root / name)
        if self.assets is not None and not page.endswith(".md") and not os.path.lexists(path):
            return str(self.assets / page)
        return path

    def scan(self, page: str) -> PageScan | None:
        if page not in self._scans:
            path = self._path(page)
            data = read_content(path, self.contents) if path is not None else None
            self._scans[page] = None if data is None else self.scanner(data.decode("utf-8", errors="replace"),
                                                                     self.contents[path])
        return self._scans[page]

    def digest(self, page: str) -> str | None:
        path = self._path(page)
        return None if path is None else content_of(path, self.contents)


def memo_scanner(scan: Callable[[str], PageScan]) -> Callable[[str, str], PageScan]:
    """``scan`` memoized by the text's digest, in memory."""
    memo: dict[str, PageScan] = {}

    def scanned(text: str, digest: str) -> PageScan:
        if digest not in memo:
            memo[digest] = scan(text)
        return memo[digest]

    return scanned
