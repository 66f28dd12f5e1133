"""Check the links of some pages of one file tree: a source tree or one locale's built output.

In: the pages to check (tree-relative POSIX paths), a ``links.Site`` of the tree's files, a
``scan_of(path)`` function giving a page's ``PageScan`` (None if unreadable) and, for built
HTML, a ``rewrite`` of targets into the tree's terms. Out: ``Hit`` records, each a
diagnostic with the link it is about, so the caller can key, attribute and deduplicate
findings by link rather than by line. Pure given a pure ``scan_of``.

Every tree goes through ``links.check_page`` (so a Markdown tree's figures equal
``links.scan_site``'s). For built HTML the site's ``.html`` pages are presented to
``links.resolve_link`` as ``.md`` pages (``rewrite`` turns ``x.html#a`` into ``x.md#a``), so
the same resolution rules apply -- site map, case, ``\\`` separators, redirects -- while
messages keep the target as written in the HTML.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable

from .links import Anchors, LinkResult, PageAnchors, Site, check_page, include_problems
from .linkscan import Link, PageScan
from .diagnostics import Diagnostic

ScanOf = Callable[[str], PageScan | None]


class Hit(namedtuple("Hit", "page diagnostic link occurrence", defaults=(None, 0))):
    """A diagnostic on ``page``; ``link`` is None for malformed syntax. ``occurrence`` counts the
    earlier links of the page with the same target (0 for the first). A named tuple, as
    ``Diagnostic`` is."""

    __slots__ = ()
    page: str
    diagnostic: Diagnostic
    link: Link | None
    occurrence: int


def _occurrences(links: Iterable[Link]) -> dict[tuple[int, int], tuple[Link, int]]:
    seen: dict[str, int] = {}  # not a Counter: its missing-key path runs Python code for each link
    found = {}
    for link in links:
        count = seen.get(link.target, 0)
        found[(link.line, link.column)] = (link, count)
        seen[link.target] = count + 1
    return found


def check_tree(pages: Iterable[str], site: Site, scan_of: ScanOf, display: Callable[[str], str],
               rewrite: Callable[[str], str] | None = None, anchors: Anchors | None = None,
               depends: dict[str, set[str]] | None = None,
               includes: bool = False) -> tuple[list[Hit], list[LinkResult]]:
    """Hits of ``pages`` (in the given order) and every link's resolution; with ``includes``
    (a source tree), the includes the build refuses too (``links.include_problems``). With
    ``depends``, each page's entry is filled with the pages whose text its result depends on
    (itself, the pages whose anchors a fragment was checked against, and their includes)."""
    shared = anchors if anchors is not None else Anchors(site, scan_of)
    hits: list[Hit] = []
    results: list[LinkResult] = []
    for page in pages:
        scan = scan_of(page)
        if scan is None:
            continue
        used = {page}

        def anchors_of(path: str) -> PageAnchors | None:
            found = shared(path)
            used.update(shared.sources.get(path, frozenset({path})))
            return found
        diagnostics, linked = check_page(page, scan, site, anchors_of, display(page), rewrite)
        if includes:
            refused, read = include_problems(page, scan, shared, display(page))
            if refused:
                diagnostics = sorted(diagnostics + refused, key=lambda d: (d.location.line, d.location.column))
            used.update(read)
        results.extend(linked)
        if depends is not None:
            depends[page] = used
        by_position = _occurrences(scan.links)
        malformed = {(m.line, m.column) for m in scan.malformed}
        for diagnostic in diagnostics:
            where = (diagnostic.location.line, diagnostic.location.column)
            if diagnostic.code == "link.malformed" and where in malformed:
                hits.append(Hit(page, diagnostic))
                continue
            link, occurrence = by_position.get(where, (None, 0))
            hits.append(Hit(page, diagnostic, link, occurrence))
    return hits, results
