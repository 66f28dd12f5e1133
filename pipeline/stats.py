"""``pipeline stats``: translated / fuzzy / untranslated messages and words per locale and page.

In: ``Settings`` (the source pages, parsed, say which messages a page has, as for the build;
the PO files what is translated; the glossary, for QA). Out: ``PageStats`` records,
and their text as an aligned table or as JSON (``format_table`` / ``format_json``; pure).

A translator's report on the catalogs: ``translated`` counts every translation of a catalog,
as ``msgfmt --statistics`` and translators' tools do, and ``coverage`` is theirs; of those,
``rejected`` counts the ones QA rejects (errors: a build shows the source text instead, and
``pipeline check`` says why), and ``applied`` is the coverage without them. Per catalog: a
built page's coverage (its notice, ``build --min-coverage``) also counts the files it pastes,
once per paste (``units.Workshop.page_stats``); a page pasting nothing shows ``applied``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from . import catalog
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .model import Diagnostic
from .project import (load_catalog, load_glossary_file, load_source, missing_locales_warnings, po_path,
                      source_pages)
from .review import review_catalog
from .sync import pool_size


@dataclass(frozen=True)
class PageStats:
    locale: str
    page: str
    stats: catalog.Stats


def collect_stats(settings: Settings, diagnostics: list[Diagnostic], jobs: int = 0) -> list[PageStats]:
    """Per target locale and source page with messages: its catalog's counts for the page's
    messages as the page is now (parsed as the build parses it, not read from a template an
    extract may not have made or remade yet: the figures are the build's), its translations
    reviewed as the build reviews them (``Stats.rejected``). In worker processes (``jobs``;
    0: all cores) when there are many pages: a review costs more than reading the catalog."""
    diagnostics += missing_locales_warnings(settings)
    glossary = load_glossary_file(settings)
    pages = source_pages(settings, diagnostics)  # a page whose name cannot be written, a folder not listed
    locales = tuple(locale for locale in settings.target_locales if locale not in PSEUDO_LOCALES)
    counted = _count_all(settings, pages, locales, glossary, jobs)
    diagnostics += [failed for failed, _ in (counted[page] for page in pages) if failed is not None]
    rows: list[PageStats] = []
    for locale in locales:
        for page in pages:
            found = counted[page][1].get(locale)
            if isinstance(found, catalog.Stats):
                rows.append(PageStats(locale, page, found))
            elif found is not None:  # its catalog cannot be read
                diagnostics.append(found)
    return rows


# what a page gives: the error that kept it from being parsed, and per locale its catalog's
# stats, or the error that kept it from being read (none for a page without messages)
PageCounts = tuple[Diagnostic | None, dict[str, catalog.Stats | Diagnostic]]


def _count_all(settings: Settings, pages: list[str], locales: tuple[str, ...], glossary: frozenset[str],
               jobs: int) -> dict[str, PageCounts]:
    """``_count_pages`` of ``pages``, split over worker processes when there are many."""
    workers = pool_size(jobs, len(pages))
    if workers == 1:
        return _count_pages(settings, pages, locales, glossary)
    from .workers import worker_pool

    counted: dict[str, PageCounts] = {}
    with worker_pool(workers) as pool:
        for part in pool.map(_count_pages, [settings] * workers, [pages[i::workers] for i in range(workers)],
                             [locales] * workers, [glossary] * workers):
            counted.update(part)
    return counted


def _count_pages(settings: Settings, pages: list[str], locales: tuple[str, ...],
                 glossary: frozenset[str]) -> dict[str, PageCounts]:
    """Worker: each page parsed, and its catalog in each locale read and reviewed."""
    counted: dict[str, PageCounts] = {}
    for page in pages:
        try:
            document = load_source(settings, page)
        except PipelineError as exc:
            counted[page] = (exc.diagnostic, {})
            continue
        found: dict[str, catalog.Stats | Diagnostic] = {}
        for locale in locales if document.msgids else ():
            try:
                po = load_catalog(settings, locale, page)
            except PipelineError as exc:
                found[locale] = exc.diagnostic
                continue
            po_display = settings.display(po_path(settings, locale, page))
            found[locale] = review_catalog(document, po, po_display, settings.display(settings.source / page), glossary)[1]
        counted[page] = (None, found)
    return counted


def _totals(rows: list[PageStats]) -> dict[str, catalog.Stats]:
    totals: dict[str, catalog.Stats] = {}
    for row in rows:
        totals[row.locale] = totals.get(row.locale, catalog.Stats()) + row.stats
    return totals


def format_table(rows: list[PageStats]) -> str:
    header = ("locale", "page", "translated", "fuzzy", "untranslated", "rejected", "words tr/fz/un", "coverage",
              "applied")
    lines = [header]
    totals = _totals(rows)
    named = [(row.locale, row.page, row.stats) for row in rows]
    named += [(locale, "(all pages)", s) for locale, s in totals.items()]
    for locale, page, s in named:
        lines.append((locale, page, str(s.translated), str(s.fuzzy), str(s.untranslated), str(s.rejected),
                      f"{s.translated_words}/{s.fuzzy_words}/{s.untranslated_words}", f"{s.catalog_coverage:.1f}%",
                      f"{s.coverage:.1f}%"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 6, 7, 8}
    return "\n".join(
        "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in lines
    )


def format_json(rows: list[PageStats]) -> str:
    def record(stats: catalog.Stats) -> dict[str, float | int]:
        return {**asdict(stats), "total": stats.total, "coverage": round(stats.catalog_coverage, 2),
                "applied_coverage": round(stats.coverage, 2)}

    data = {
        "locales": {locale: record(s) for locale, s in _totals(rows).items()},
        "pages": [{"locale": r.locale, "page": r.page, **record(r.stats)} for r in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
