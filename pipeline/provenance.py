"""Where a link problem in a built page comes from: the source page, or a translator's message.

In: a ``treecheck.Hit`` found in a built output (front-matter format, portable Markdown or
HTML) of one locale, and ``PageFacts`` of the source page behind it: its ``Document``, its
scan and source-check hits, the translations the build used and the PO entries. Out: an
``Attribution`` -- where to report the problem and with what message -- or None when the
same problem is already reported on the source page (it is reported once, there).

How (in this order)
    1. The link is in a translated message and its target is not among the msgid's targets:
       the translator changed it. Reported at the PO entry (``locales/de-DE/p.po:42:1``)
       naming the source line and the output position.
    2. Otherwise the link is found in the source page by its target (HTML: the target as the
       build writes it, ``x.md`` -> ``x.html``) and its occurrence index. If the source check
       found the same problem on that link, nothing new: None.
    3. A ``#fragment`` that the source version of the target page has but the built page of
       this locale lacks: a translated heading changed its id. Reported at the PO entry of
       that heading (in the target page's catalog).
    4. Anything else came from the build or the template: reported at the output position,
       naming the source line when the link is in the source, or in a page it includes (the
       portable Markdown and HTML inline ``[!INCLUDE]``d pages).
Malformed links are matched by their message (numbers ignored): one that the msgid already
has is the source's. Pure. The lookups go through the page's ``pageindex.PageIndex``, made once
per page and locale, so a page's findings cost about its links plus its findings.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .links import ANCHOR_SLUG, CASE_MISMATCH, MISSING_ANCHOR, PageAnchors, Resolution
from .linkscan import Link, PageScan
from .model import Document, Location
from .pageindex import PageIndex, SiteMap, malformed_key
from .treecheck import Hit
from .urls import split_url

if TYPE_CHECKING:
    from .catalog import Translation

_FRAGMENT_CODES = (MISSING_ANCHOR, CASE_MISMATCH, ANCHOR_SLUG)
BUILT = "\x00built\x00"  # in a message: where the finding shows in the outputs (see ``with_outputs``)


@dataclass(frozen=True)
class PageFacts:
    """A source page in one locale, as attribution needs it."""

    document: Document
    source_display: str
    scan: PageScan
    hits: tuple[Hit, ...] = ()
    translations: Mapping[str, str] = field(default_factory=dict)
    entries: Mapping[str, "Translation"] = field(default_factory=dict)
    po_display: str = ""
    includes: tuple[tuple[str, PageScan], ...] = ()  # (display path, scan) of the pages it includes
    # a memo, not data: not compared, and ``dataclasses.replace`` starts a new one
    _indexes: dict[SiteMap, PageIndex] = field(default_factory=dict, init=False, repr=False, compare=False)

    def index(self, site_map: SiteMap = ()) -> PageIndex:
        """The page's ``PageIndex``, made at the first finding of its page that asks."""
        found = self._indexes.get(site_map)
        if found is None:
            found = self._indexes[site_map] = PageIndex(self, site_map)
        return found


@dataclass(frozen=True)
class Attribution:
    """Where a built-output problem is reported, the message, and why (``translation``,
    ``heading`` or ``output``). A message of a translation's problem holds the ``BUILT``
    marker: the caller merges the formats' findings into one and fills in their positions."""

    location: Location
    message: str
    cause: str
    source_line: int = 0

    def with_outputs(self, positions: list[str]) -> str:
        return self.message.replace(BUILT, ", ".join(dict.fromkeys(positions)))


def attribute(hit: Hit, facts: PageFacts, locale: str, output: Location, *, html: bool,
              site_map: SiteMap = (),
              resolve_source: Callable[[str, str], Resolution] | None = None,
              source_anchors: Callable[[str], PageAnchors | None] | None = None,
              facts_of: Callable[[str], PageFacts | None] | None = None,
              source_locale: str = "") -> Attribution | None:
    """Attribute ``hit`` (found at ``output`` in ``locale``'s build of ``facts``' page); see module doc.
    ``source_locale``: where the build points links to a page left out of ``locale``
    (``linkmap.fallback_url``); such a link is the source's link to that page."""
    message = hit.diagnostic.message
    built = BUILT
    index = facts.index(site_map)
    if hit.link is None:
        return _attribute_malformed(hit, facts, index, locale, output, built)
    target = hit.link.target
    changed = index.changed_link(target, html)
    if changed is not None:
        segment, where = changed
        return Attribution(where, f"{message} (the {locale} translation of {facts.source_display}:{segment.line} "
                                  f"changed this link; built into {built})", "translation", segment.line)
    candidates = index.source_links(target, html)
    if not candidates and source_locale:
        written = _unfallback(target, facts.document.path, source_locale)
        candidates = index.source_links(written, html) if written is not None else ()
    if not candidates:
        included = index.included_link(target, html)
        if included is not None:
            shown, link = included
            return Attribution(output, f"{message} (from {shown}:{link.line}:{link.column}, "
                                       f"which {facts.source_display} includes: the build inlines it, "
                                       "and the link is relative to the included file)", "output")
        return Attribution(output, f"{message} (not in {facts.source_display}: it comes from the build or the "
                                   "page template)", "output")
    link = candidates[min(hit.occurrence, len(candidates) - 1)]
    if index.reported_on_source(link, hit.diagnostic.code, hit.diagnostic.severity):
        return None
    if hit.diagnostic.code in _FRAGMENT_CODES and resolve_source and source_anchors and facts_of:
        heading = _translated_heading(facts, link, locale, built, message, site_map, resolve_source,
                                      source_anchors, facts_of)
        if heading is not None:
            return heading
    return Attribution(output, f"{message} (source {facts.source_display}:{link.line}:{link.column})",
                       "output", link.line)


def _unfallback(target: str, page: str, source_locale: str) -> str | None:
    """A link the build pointed at the source locale's copy of a page (``linkmap.fallback_url``:
    ``../../en-US/x/b.md#s`` from a page of ``x/``), as the source page writes it relative to
    itself in the usual form (``b.md#s``; in HTML ``b.html#s``); None for any other link."""
    prefix = "../" * (page.count("/") + 1) + source_locale + "/"
    if not target.startswith(prefix):
        return None
    path, after = split_url(target[len(prefix):])
    return posixpath.relpath(path, posixpath.dirname(page) or ".") + after


def _translated_heading(facts: PageFacts, link: Link, locale: str, built: str, message: str, site_map: SiteMap,
                        resolve_source: Callable[[str, str], Resolution],
                        source_anchors: Callable[[str], PageAnchors | None],
                        facts_of: Callable[[str], PageFacts | None]) -> Attribution | None:
    resolution = resolve_source(facts.document.path, link.target)
    if resolution.status != "ok" or not resolution.fragment:
        return None
    anchors = source_anchors(resolution.path)
    if anchors is None or resolution.fragment not in anchors.ids:
        return None
    target = facts_of(resolution.path)
    if target is None:
        return None
    heading = target.index(site_map).translated_heading(resolution.fragment)
    if heading is None:
        return None
    segment, where = heading
    return Attribution(where, f"{message}: the {locale} translation of the heading '{segment.text}' "
                              f"({target.source_display}:{segment.line}) as '{target.translations[segment.text]}' "
                              f"changes its id '#{resolution.fragment}', which the link at "
                              f"{facts.source_display}:{link.line}:{link.column} uses (built into {built}); "
                              "the build must keep the source id", "heading", link.line)


def _attribute_malformed(hit: Hit, facts: PageFacts, index: PageIndex, locale: str, output: Location,
                         built: str) -> Attribution | None:
    """Malformed syntax in an output: the source's, a translation's, or the build's."""
    wanted = malformed_key(hit.diagnostic.message)
    if wanted in index.known_malformed:
        return None
    found = index.malformed_translation(wanted)
    if found is None:
        return Attribution(output, hit.diagnostic.message, "output")
    segment, where, own = found
    if where is None:
        return None  # the msgid is malformed already: reported on the source
    return Attribution(where, f"{own or hit.diagnostic.message} (the {locale} translation of "
                              f"{facts.source_display}:{segment.line}; built into {built})",
                       "translation", segment.line)
