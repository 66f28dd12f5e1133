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
has is the source's. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .links import ANCHOR_SLUG, CASE_MISMATCH, MISSING_ANCHOR, PageAnchors, Resolution
from .linkscan import Link, PageScan, scan_text
from .model import Document, Location, Segment
from .slugs import slug_github
from .treecheck import Hit

if TYPE_CHECKING:
    from .catalog import Translation

_NUMBER = re.compile(r"\d+")
# messages are scanned again for every finding of their page: each text once per process
_scan_message = lru_cache(maxsize=16384)(scan_text)
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


def same_target(built: str, source: str, html: bool, page: str = "",
                site_map: tuple[tuple[str, str], ...] = ()) -> bool:
    """True if ``built`` (a target in an output) is how the build writes source target ``source``."""
    if built == source:
        return True
    if not html:
        return False
    from .render import html_href  # only for HTML outputs (render imports lxml and markdown-it)

    wanted = unquote(built)
    return wanted in {unquote(source), unquote(html_href(source)), unquote(html_href(source, page, site_map))}


def _translated(facts: PageFacts) -> list[tuple[Segment, str]]:
    pairs = []
    for segment in facts.document.segments:
        msgstr = facts.translations.get(segment.text)
        if msgstr and msgstr != segment.text:
            pairs.append((segment, msgstr))
    return pairs


def _entry_location(facts: PageFacts, msgid: str) -> Location | None:
    entry = facts.entries.get(msgid)
    return Location(facts.po_display, entry.line, 1) if entry is not None and facts.po_display else None


def attribute(hit: Hit, facts: PageFacts, locale: str, output: Location, *, html: bool,
              site_map: tuple[tuple[str, str], ...] = (),
              resolve_source: Callable[[str, str], Resolution] | None = None,
              source_anchors: Callable[[str], PageAnchors | None] | None = None,
              facts_of: Callable[[str], PageFacts | None] | None = None) -> Attribution | None:
    """Attribute ``hit`` (found at ``output`` in ``locale``'s build of ``facts``' page); see module doc."""
    message = hit.diagnostic.message
    built = BUILT
    if hit.link is None:
        return _attribute_malformed(hit, facts, locale, output, built)
    target = hit.link.target
    page = facts.document.path
    for segment, msgstr in _translated(facts):
        new = [l.target for l in _scan_message(msgstr).links if same_target(target, l.target, html, page, site_map)]
        old = [l.target for l in _scan_message(segment.text).links if same_target(target, l.target, html, page, site_map)]
        where = _entry_location(facts, segment.text)
        if new and not old and where is not None:
            return Attribution(where, f"{message} (the {locale} translation of {facts.source_display}:{segment.line} "
                                      f"changed this link; built into {built})", "translation", segment.line)
    candidates = [l for l in facts.scan.links if same_target(target, l.target, html, page, site_map)]
    if not candidates:
        for shown, scan in facts.includes:
            for included in scan.links:
                if same_target(target, included.target, html, page, site_map):
                    return Attribution(output, f"{message} (from {shown}:{included.line}:{included.column}, "
                                               f"which {facts.source_display} includes: the build inlines it, "
                                               "and the link is relative to the included file)", "output")
        return Attribution(output, f"{message} (not in {facts.source_display}: it comes from the build or the "
                                   "page template)", "output")
    link = candidates[min(hit.occurrence, len(candidates) - 1)]
    severity = hit.diagnostic.severity
    for known in facts.hits:
        if known.link is not None and (known.link.line, known.link.column) == (link.line, link.column) and (
                known.diagnostic.code == hit.diagnostic.code or severity == known.diagnostic.severity == "error"):
            return None
    if hit.diagnostic.code in _FRAGMENT_CODES and resolve_source and source_anchors and facts_of:
        heading = _translated_heading(facts, link, locale, built, message, resolve_source, source_anchors, facts_of)
        if heading is not None:
            return heading
    return Attribution(output, f"{message} (source {facts.source_display}:{link.line}:{link.column})",
                       "output", link.line)


def _translated_heading(facts: PageFacts, link: Link, locale: str, built: str, message: str,
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
    for segment in target.document.segments:
        if segment.kind != "heading" or slug_github(segment.text) != resolution.fragment:
            continue
        where = _entry_location(target, segment.text)
        msgstr = target.translations.get(segment.text)
        if where is None or not msgstr:
            continue
        return Attribution(where, f"{message}: the {locale} translation of the heading '{segment.text}' "
                                  f"({target.source_display}:{segment.line}) as '{msgstr}' changes its id "
                                  f"'#{resolution.fragment}', which the link at {facts.source_display}:{link.line}:{link.column} "
                                  f"uses (built into {built}); the build must keep the source id",
                           "heading", link.line)
    return None


def _attribute_malformed(hit: Hit, facts: PageFacts, locale: str, output: Location, built: str) -> Attribution | None:
    """Malformed syntax in an output: the source's, a translation's, or the build's."""
    wanted = _NUMBER.sub("#", hit.diagnostic.message)
    for known in facts.hits:
        if known.link is None and _NUMBER.sub("#", known.diagnostic.message) == wanted:
            return None
    for segment, msgstr in _translated(facts):
        if not any(_NUMBER.sub("#", m.message) == wanted for m in _scan_message(msgstr).malformed):
            continue
        if _scan_message(segment.text).malformed:
            return None  # the msgid is malformed already: reported on the source
        where = _entry_location(facts, segment.text)
        if where is not None:
            return Attribution(where, f"{hit.diagnostic.message} (the {locale} translation of "
                                      f"{facts.source_display}:{segment.line}; built into {built})",
                               "translation", segment.line)
    return Attribution(output, hit.diagnostic.message, "output")
