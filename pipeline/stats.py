"""``pipeline stats``: translated / fuzzy / untranslated messages and words per locale and page.

In: ``Settings`` (the source pages, parsed, say which messages a page has, as for the build;
the PO files what is translated; the glossary, for QA). Out: ``PageStats`` records,
and their text as an aligned table or as JSON (``format_table`` / ``format_json``; pure).

A translator's report on the catalogs: ``translated`` counts every translation of a catalog,
as ``msgfmt --statistics`` and translators' tools do, and ``coverage`` is theirs; of those,
``rejected`` counts the ones QA rejects (errors: a build shows the source text instead, and
``pipeline check`` says why), and ``applied`` is the coverage without them, which ``build
--min-coverage`` gates on and the built pages show.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from . import catalog
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .model import Diagnostic, Document
from .project import (load_catalog, load_glossary_file, load_source, missing_locales_warnings, po_path,
                      source_pages)
from .review import review_catalog


@dataclass(frozen=True)
class PageStats:
    locale: str
    page: str
    stats: catalog.Stats


def collect_stats(settings: Settings, diagnostics: list[Diagnostic]) -> list[PageStats]:
    """Per target locale and source page with messages: its catalog's counts for the page's
    messages as the page is now (parsed as the build parses it, not read from a template an
    extract may not have made or remade yet: the figures are the build's), its translations
    reviewed as the build reviews them (``Stats.rejected``)."""
    rows: list[PageStats] = []
    pages: dict[str, Document] = {}
    diagnostics += missing_locales_warnings(settings)
    glossary = load_glossary_file(settings)
    for page in source_pages(settings, diagnostics):  # a page whose name cannot be written, a folder not listed
        try:
            document = load_source(settings, page)
        except PipelineError as exc:
            diagnostics.append(exc.diagnostic)
            continue
        if document.msgids:
            pages[page] = document
    for locale in settings.target_locales:
        if locale in PSEUDO_LOCALES:
            continue
        for page, document in pages.items():
            try:
                po = load_catalog(settings, locale, page)
            except PipelineError as exc:
                diagnostics.append(exc.diagnostic)
                continue
            po_display = settings.display(po_path(settings, locale, page))
            stats = review_catalog(document, po, po_display, settings.display(settings.source / page), glossary)[1]
            rows.append(PageStats(locale, page, stats))
    return rows


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
