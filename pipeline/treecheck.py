"""Check the links of some pages of one file tree: a source tree or one locale's built output.

In: the pages to check (tree-relative POSIX paths), a ``links.Site`` of the tree's files, a
``scan_of(path)`` function giving a page's ``PageScan`` (None if unreadable) and, for built
HTML, a ``rewrite`` of targets into the tree's terms. Out: ``Hit`` records, each a
diagnostic with the link it is about, so the caller can key, attribute and deduplicate
findings by link rather than by line. Pure given a pure ``scan_of``.

Markdown trees go through ``links.check_page`` unchanged (so the figures equal
``links.scan_site``'s). For built HTML the site's ``.html`` pages are presented to
``links.resolve_link`` as ``.md`` pages (``rewrite`` turns ``x.html#a`` into ``x.md#a``), so
the same resolution rules apply -- site map, case, ``\\`` separators, redirects -- while
messages keep the target as written in the HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .links import (
    MISSING_FILE,
    Anchors,
    LinkResult,
    PageAnchors,
    Site,
    check_fragment,
    check_page,
    resolve_link,
)
from .linkscan import Link, PageScan
from .model import Diagnostic, Location

ScanOf = Callable[[str], PageScan | None]


@dataclass(frozen=True)
class Hit:
    """A diagnostic on ``page``; ``link`` is None for malformed syntax. ``occurrence`` counts the
    earlier links of the page with the same target (0 for the first)."""

    page: str
    diagnostic: Diagnostic
    link: Link | None = None
    occurrence: int = 0


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
               depends: dict[str, set[str]] | None = None) -> tuple[list[Hit], list[LinkResult]]:
    """Hits of ``pages`` (in the given order) and every link's resolution. With ``depends``,
    each page's entry is filled with the pages whose text its result depends on (itself, the
    pages whose anchors a fragment was checked against, and their includes)."""
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
        if rewrite is None:
            diagnostics, linked = check_page(page, scan, site, anchors_of, display(page))
        else:
            diagnostics, linked = _check_rewritten(page, scan, site, anchors_of, display(page), rewrite)
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


def _check_rewritten(page: str, scan: PageScan, site: Site, anchors_of: Callable[[str], PageAnchors | None],
                     shown: str, rewrite: Callable[[str], str]) -> tuple[list[Diagnostic], list[LinkResult]]:
    """``links.check_page`` for targets written in another form than the site's files (HTML)."""
    diagnostics: list[Diagnostic] = []
    results = []
    for link in scan.links:
        resolution = resolve_link(page, rewrite(link.target), site)
        results.append(LinkResult(page, link, resolution))
        where = Location(shown, link.line, link.column)
        for code, message in resolution.notes:
            diagnostics.append(Diagnostic(where, "warning", message.replace(rewrite(link.target), link.target), code))
        if resolution.status == "missing":
            message = f"broken link '{link.target}': no such file"
            if resolution.hint:
                hint = resolution.hint
                if link.target.split("#")[0].lower().endswith(".html") and hint.lower().endswith(".md"):
                    hint = hint[:-3] + ".html"
                message += f"; did you mean '{hint}'?"
            diagnostics.append(Diagnostic(where, "error", message, MISSING_FILE))
            continue
        if resolution.status != "ok" or not resolution.fragment or not resolution.path.lower().endswith(".md"):
            continue
        anchors = anchors_of(resolution.path)
        if anchors is None:
            continue
        problem = check_fragment(resolution.fragment, anchors, "" if resolution.path == page else
                                 resolution.path[:-3] + ".html")
        if problem is not None:
            severity, message, code = problem
            lead = "broken link" if severity == "error" else "link"
            diagnostics.append(Diagnostic(where, severity, f"{lead} '{link.target}': {message}", code))
    diagnostics.sort(key=lambda d: (d.location.line, d.location.column))
    return diagnostics, results
