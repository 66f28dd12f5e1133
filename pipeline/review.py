"""Catalog entries + page -> the translations a build may use, and QA diagnostics (pure).

In: a ``Document``, its catalog's usable entries (``catalog.Translation``), the PO file's
display path and the glossary. Out: msgid -> msgstr for every translation that passes
the error-level checks of ``qa.check_message``, and one diagnostic per finding located at
the PO entry (``locales/de-DE/page.po:42:1``) and naming the msgid's source line. A
translation with an error falls back to the source text for that segment: a broken
translation never breaks a page, and the error is still an error (the build exits 1, as for
any other bad input, and says at the PO entry that the source text was used). So a page's
coverage counts only the translations that pass (``review_catalog``): the text readers see.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .catalog import Translation, catalog_stats, usable_entries
from .digests import blake2b
from .linkscan import find_links
from .model import Diagnostic, Document, Location, Stats
from .qa import accepted_codes, check_message, reference_label

TYPE_CHECKING = False
if TYPE_CHECKING:  # catalog.py is the only module that uses polib at run time
    import polib


# what a build says of a translation it set aside (``in_build``): a check says the rest alone
BUILD_NOTE = "; the source text is used instead"


@dataclass(frozen=True)
class Review:
    usable: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


def review_translations(
    document: Document,
    entries: Mapping[str, Translation],
    po_display: str,
    source_display: str,
    glossary: frozenset[str] = frozenset(),
    in_build: bool = True,
) -> Review:
    """Check every translated message of a page; in a build, a message with an error is
    not usable (its segment falls back to the source text)."""
    usable: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    references = page_references(document.text)
    for msgid, (in_table, in_front, in_body, source_line) in _placement(document).items():
        entry = entries.get(msgid)
        if entry is None:
            continue
        if entry.msgstr == msgid:  # kept as is (a name, a code, a URL): nothing a translator broke
            usable[msgid] = entry.msgstr
            continue
        findings = check_message(
            msgid, entry.msgstr, in_table=in_table, is_front_matter=in_front,
            glossary=glossary, accepted=accepted_codes(entry.comment), references=references, in_body=in_body,
        )
        failed = any(f.severity == "error" for f in findings)
        if not failed:
            usable[msgid] = entry.msgstr
        for finding in findings:
            note = BUILD_NOTE if in_build and finding.severity == "error" else ""
            diagnostics.append(Diagnostic(
                Location(po_display, entry.line, 1), finding.severity,
                f"{finding.message} (source {source_display}:{source_line}){note}", finding.code,
            ))
    return Review(usable, tuple(diagnostics))


def review_catalog(document: Document, po: polib.POFile | None, po_display: str, source_display: str,
                   glossary: frozenset[str] = frozenset()) -> tuple[Review, Stats]:
    """A page's catalog in a locale (None: it has none) reviewed as a build reviews it, and
    the page's stats with the translations the review sets aside counted ``rejected``: the
    coverage readers see, which ``build --min-coverage`` gates on. The build's units
    (``units.Workshop``) and its gate (``build.page_coverages``, by the same Workshop) both count with this, so that
    a page's recorded coverage and its computed one agree."""
    review = review_translations(document, usable_entries(po), po_display, source_display, glossary)
    return review, catalog_stats(po, document.msgids, review.usable)


def usable_after(document: Document, entries: Mapping[str, Translation],
                 diagnostics: Iterable[Diagnostic]) -> dict[str, str]:
    """The ``usable`` translations of ``review_translations``, from the ``diagnostics`` it
    gave for the same page and entries (stored by an earlier run): every translation of a
    message of the page but those with an error, which it reports at their entry's line."""
    failed = {d.location.line for d in diagnostics if d.severity == "error"}
    return {msgid: entry.msgstr for msgid in _placement(document)
            if (entry := entries.get(msgid)) is not None and (entry.msgstr == msgid or entry.line not in failed)}


def _placement(document: Document) -> dict[str, tuple[bool, bool, bool, int]]:
    """Each message of the page: whether it stands in a table, in the front matter and in the
    body, and the source line of its first segment."""
    placement: dict[str, tuple[bool, bool, bool, int]] = {}
    for segment in document.segments:
        in_table, in_front, in_body, line = placement.get(segment.text, (False, False, False, segment.line))
        placement[segment.text] = (
            in_table or segment.kind in ("table-cell", "table-header"),
            in_front or segment.kind == "front-matter",
            in_body or segment.kind != "front-matter",
            line,
        )
    return placement


def review_key(po: str | None, page: str | None, po_display: str, source_display: str, settings: str,
               glossary: str, code: str) -> str:
    """What a page's review in a locale depends on, as one digest: the content digests
    (``runrecord.content_digest``) of its PO file and of the page, the two paths its findings
    name, the settings' ``repr``, the glossary file's content digest ("" without one) and our
    code (``linkcache.code_key``). The build keeps it with the findings of each unit
    it reviews (``cache.UnitRecord.review``), and ``pipeline check`` takes those findings
    instead of reviewing the catalog again when its own key is the same."""
    parts = [po, page, po_display, source_display, settings, glossary, code]
    return blake2b(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=16)
def page_references(text: str) -> frozenset[str]:
    """The labels of a page's link reference definitions: a ``[label]`` of a translation that
    one of them resolves is a link, which QA counts. Memoized: a page is reviewed once per
    locale, and a page with definitions would be scanned for its links each time."""
    if "]:" not in text:  # the common case: no definition at all
        return frozenset()
    return frozenset(reference_label(link.text) for link in find_links(text)[0] if link.kind == "reference")
