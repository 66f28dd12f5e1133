"""``pipeline stats``: translated / fuzzy / untranslated messages and words per locale and page.

In: ``Settings`` (the source pages, parsed, say which messages a page has, as for the build;
the PO files what is translated). Out: ``PageStats`` records,
and their text as an aligned table or as JSON (``format_table`` / ``format_json``; pure).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from . import catalog
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .model import Diagnostic
from .project import load_catalog, load_source, missing_locales_warnings, source_pages


@dataclass(frozen=True)
class PageStats:
    locale: str
    page: str
    stats: catalog.Stats


def collect_stats(settings: Settings, diagnostics: list[Diagnostic]) -> list[PageStats]:
    """Per target locale and source page with messages: its catalog's counts for the page's
    messages as the page is now (parsed as the build parses it, not read from a template an
    extract may not have made or remade yet: the figures are the build's)."""
    rows: list[PageStats] = []
    pages: dict[str, list[str]] = {}
    diagnostics += missing_locales_warnings(settings)
    for page in source_pages(settings, diagnostics):  # a page whose name cannot be written, a folder not listed
        try:
            document = load_source(settings, page)
        except PipelineError as exc:
            diagnostics.append(exc.diagnostic)
            continue
        msgids = document.msgids
        if msgids:
            pages[page] = msgids
    for locale in settings.target_locales:
        if locale in PSEUDO_LOCALES:
            continue
        for page, msgids in pages.items():
            try:
                po = load_catalog(settings, locale, page)
            except PipelineError as exc:
                diagnostics.append(exc.diagnostic)
                continue
            rows.append(PageStats(locale, page, catalog.catalog_stats(po, msgids)))
    return rows


def _totals(rows: list[PageStats]) -> dict[str, catalog.Stats]:
    totals: dict[str, catalog.Stats] = {}
    for row in rows:
        totals[row.locale] = totals.get(row.locale, catalog.Stats()) + row.stats
    return totals


def format_table(rows: list[PageStats]) -> str:
    header = ("locale", "page", "translated", "fuzzy", "untranslated", "words tr/fz/un", "coverage")
    lines = [header]
    totals = _totals(rows)
    for row in rows:
        s = row.stats
        lines.append((row.locale, row.page, str(s.translated), str(s.fuzzy), str(s.untranslated),
                      f"{s.translated_words}/{s.fuzzy_words}/{s.untranslated_words}", f"{s.coverage:.1f}%"))
    for locale, s in totals.items():
        lines.append((locale, "(all pages)", str(s.translated), str(s.fuzzy), str(s.untranslated),
                      f"{s.translated_words}/{s.fuzzy_words}/{s.untranslated_words}", f"{s.coverage:.1f}%"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 6}
    return "\n".join(
        "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in lines
    )


def format_json(rows: list[PageStats]) -> str:
    def record(stats: catalog.Stats) -> dict[str, float | int]:
        return {**asdict(stats), "total": stats.total, "coverage": round(stats.coverage, 2)}

    data = {
        "locales": {locale: record(s) for locale, s in _totals(rows).items()},
        "pages": [{"locale": r.locale, "page": r.page, **record(r.stats)} for r in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
