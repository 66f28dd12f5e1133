"""The review of a page's translations, and the translations a later run takes from its findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog import parse_catalog, usable_entries
from pipeline.review import review_translations, usable_after
from pipeline.source import load_document

from .conftest import REPO, SEED_NAME
from .test_html import PAYLOADS


def _catalog(locale: str):
    path = REPO / "locales" / locale / SEED_NAME.replace(".md", ".po")
    return parse_catalog(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("locale, hostile", [("en-US", False), ("de-DE", False), ("en-US", True), ("de-DE", True)])
def test_the_translations_a_review_sets_aside_follow_from_its_findings(locale: str, hostile: bool) -> None:
    """A check that takes a stored review (the build's, ``checkreview.CatalogReview._known_review``)
    works out the usable translations from its findings alone: the same as reviewing again, on
    the shipped real catalogs and on ones with a hostile payload or a broken link in every entry."""
    document = load_document(SEED_NAME, (REPO / "source" / SEED_NAME).read_text(encoding="utf-8"))
    po = _catalog(locale)
    if hostile:
        for index, entry in enumerate(e for e in po if not e.obsolete and e.msgid):
            entry.msgstr = f"{entry.msgid[:40]} {PAYLOADS[index % len(PAYLOADS)]}" if index % 3 else "[x](y.md"
    entries = usable_entries(po)
    review = review_translations(document, entries, "po", "source", in_build=False)
    assert review.usable  # something to compare: not all set aside
    if hostile:
        assert any(d.severity == "error" for d in review.diagnostics)
        assert len(review.usable) < len([m for m in entries if m in document.msgids])
    assert usable_after(document, entries, review.diagnostics) == review.usable
