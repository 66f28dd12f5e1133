"""One source page's links and translated messages in one locale, indexed for ``provenance``.

In: the ``PageFacts`` of a page (its scan, source-check hits, translations, PO entries and
includes) and the site map. Out: answers by the target a built output shows (or by a
malformed link's message, or a heading's id), in page order, each worked out once.

Why: ``provenance.attribute`` is asked once for every finding of a built page. Answering by
scanning every translated message and comparing the target with every link of the page made
``pipeline check`` quadratic in a page's broken links (1,000 broken links on a page: three
minutes). Here each message is scanned, and each distinct target put in the forms the HTML
build writes, once per page and locale; each answer is kept per target, so a page costs
about its links plus its findings. The answers are exactly those of the scans, in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import unquote

from .linkscan import Link, scan_text
from .model import Location, Segment
from .slugs import slug_github

if TYPE_CHECKING:
    from .provenance import PageFacts

SiteMap = tuple[tuple[str, str], ...]
T = TypeVar("T")
_NUMBER = re.compile(r"\d+")
# a msgid is in the facts of every locale, and many messages are in several pages: each text scanned once
scan_message = lru_cache(maxsize=16384)(scan_text)


def malformed_key(message: str) -> str:
    """A malformed-link message without its numbers: the same problem in a msgid, a msgstr
    and an output, whose lines and columns differ."""
    return _NUMBER.sub("#", message)


def malformed_opening(key: str) -> str:
    """The part of a ``malformed_key`` that names the link (``malformed link '[text](...'``):
    the same broken link, described another way in an output, where the text around the
    message (the next list item's link) is not the msgstr's."""
    end = key.find("](...'")
    return key[: end + 6] if end >= 0 else key


def entry_location(facts: PageFacts, msgid: str) -> Location | None:
    """Where the PO entry of ``msgid`` is (None: no entry, or no PO file)."""
    entry = facts.entries.get(msgid)
    return Location(facts.po_display, entry.line, 1) if entry is not None and facts.po_display else None


class TargetIndex(Generic[T]):
    """Items (in page order) found by the target a built output shows for their link: the
    same string or, in HTML, the same unquoted string as one of the forms the build may write
    for the link's target (as written, ``x.md`` -> ``x.html``, relative to the page with the
    site map)."""

    def __init__(self, items: Iterable[tuple[str, T]], page: str, site_map: SiteMap) -> None:
        self._items: list[T] = []
        self._exact: dict[str, list[int]] = {}
        for position, (target, item) in enumerate(items):
            self._items.append(item)
            self._exact.setdefault(target, []).append(position)
        self._page, self._site_map = page, site_map
        self._found: dict[tuple[str, bool], tuple[T, ...]] = {}

    def find(self, built: str, html: bool) -> tuple[T, ...]:
        """The items whose link ``built`` is the built form of, in order."""
        key = (built, html)
        found = self._found.get(key)
        if found is None:
            positions = set(self._exact.get(built, ()))
            if html:
                positions.update(self._html_forms.get(unquote(built), ()))
            found = self._found[key] = tuple(self._items[p] for p in sorted(positions))
        return found

    @cached_property
    def _html_forms(self) -> dict[str, list[int]]:
        from .linkmap import html_href  # only for HTML outputs

        forms: dict[str, list[int]] = {}
        for target, positions in self._exact.items():  # each distinct target once
            for form in {unquote(target), unquote(html_href(target)),
                         unquote(html_href(target, self._page, self._site_map))}:
                forms.setdefault(form, []).extend(positions)
        return forms


def _owned_links(texts: Iterable[str]) -> Iterable[tuple[str, int]]:
    """Each link target of the texts, with the number of the text it is in."""
    for owner, text in enumerate(texts):
        for link in scan_message(text).links:
            yield link.target, owner


class PageIndex:
    """The questions ``provenance.attribute`` asks of one page in one locale, answered from
    indexes made at the first question that needs them."""

    def __init__(self, facts: PageFacts, site_map: SiteMap) -> None:
        self._facts, self._site_map = facts, site_map
        self._changed: dict[tuple[str, bool], tuple[Segment, Location] | None] = {}
        self._malformed_found: dict[str, tuple[Segment, Location | None, str] | None] = {}
        self._headings_found: dict[str, tuple[Segment, Location] | None] = {}

    def _by_target(self, items: Iterable[tuple[str, T]]) -> TargetIndex[T]:
        return TargetIndex(items, self._facts.document.path, self._site_map)

    @cached_property
    def translated(self) -> list[tuple[Segment, str]]:
        """The segments the locale translates (a msgstr other than the msgid), in order."""
        pairs = []
        for segment in self._facts.document.segments:
            msgstr = self._facts.translations.get(segment.text)
            if msgstr and msgstr != segment.text:
                pairs.append((segment, msgstr))
        return pairs

    @cached_property
    def _msgstr_links(self) -> TargetIndex[int]:
        """The translated segments (their numbers in ``translated``) by their msgstrs' links."""
        return self._by_target(_owned_links(msgstr for _, msgstr in self.translated))

    @cached_property
    def _msgid_links(self) -> TargetIndex[int]:
        return self._by_target(_owned_links(segment.text for segment, _ in self.translated))

    def changed_link(self, built: str, html: bool) -> tuple[Segment, Location] | None:
        """The first translated segment with a PO entry (and where that is) whose msgstr links
        to ``built`` and whose msgid does not: the translator changed that link."""
        key = (built, html)
        if key not in self._changed:
            kept = set(self._msgid_links.find(built, html))
            segments = (self.translated[owner][0] for owner in dict.fromkeys(self._msgstr_links.find(built, html))
                        if owner not in kept)
            self._changed[key] = _first_with_entry(self._facts, segments)
        return self._changed[key]

    @cached_property
    def _source_links(self) -> TargetIndex[Link]:
        return self._by_target((link.target, link) for link in self._facts.scan.links)

    def source_links(self, built: str, html: bool) -> tuple[Link, ...]:
        """The links of the source page that ``built`` is the built form of, in order."""
        return self._source_links.find(built, html)

    @cached_property
    def _included_links(self) -> TargetIndex[tuple[str, Link]]:
        return self._by_target((link.target, (shown, link)) for shown, scan in self._facts.includes
                               for link in scan.links)

    def included_link(self, built: str, html: bool) -> tuple[str, Link] | None:
        """The first link (and the display path of its page) of the included pages that
        ``built`` is the built form of."""
        found = self._included_links.find(built, html)
        return found[0] if found else None

    @cached_property
    def _known(self) -> dict[tuple[int, int], list[tuple[str, str]]]:
        known: dict[tuple[int, int], list[tuple[str, str]]] = {}
        for hit in self._facts.hits:
            if hit.link is not None:
                known.setdefault((hit.link.line, hit.link.column), []).append(
                    (hit.diagnostic.code, hit.diagnostic.severity))
        return known

    def reported_on_source(self, link: Link, code: str, severity: str) -> bool:
        """Whether the source check found this problem on ``link`` (the same code, or an
        error where this is one too)."""
        return any(known_code == code or severity == known_severity == "error"
                   for known_code, known_severity in self._known.get((link.line, link.column), ()))

    @cached_property
    def known_malformed(self) -> frozenset[str]:
        """The ``malformed_key`` of each malformed link the source check found."""
        return frozenset(malformed_key(hit.diagnostic.message) for hit in self._facts.hits if hit.link is None)

    @cached_property
    def _malformed_owners(self) -> dict[str, list[tuple[int, str]]]:
        """``malformed_key`` and ``malformed_opening`` -> the translated segments (by index)
        whose msgstr has such a malformed link, each with the msgstr's own message for it."""
        owners: dict[str, list[tuple[int, str]]] = {}
        for owner, (_, msgstr) in enumerate(self.translated):
            for message in dict.fromkeys(m.message for m in scan_message(msgstr).malformed):
                key = malformed_key(message)
                for found in dict.fromkeys((key, malformed_opening(key))):
                    owners.setdefault(found, []).append((owner, message))
        return owners

    def malformed_translation(self, wanted: str) -> tuple[Segment, Location | None, str] | None:
        """The first translated segment whose msgstr has the malformed link ``wanted`` (a
        ``malformed_key``; failing that, one with the same ``malformed_opening``) and whose
        msgid is malformed too (then with None: the source has it) or has a PO entry (then
        with that entry's place): the one that decides where the problem is reported; and
        the msgstr's own message for it when only the opening matched ("" otherwise)."""
        if wanted not in self._malformed_found:
            found = None
            for key in dict.fromkeys((wanted, malformed_opening(wanted))):
                for owner, message in self._malformed_owners.get(key, ()):
                    segment = self.translated[owner][0]
                    malformed = bool(scan_message(segment.text).malformed)
                    where = None if malformed else entry_location(self._facts, segment.text)
                    if malformed or where is not None:
                        found = (segment, where, message if key != wanted else "")
                        break
                if found is not None:
                    break
            self._malformed_found[wanted] = found
        return self._malformed_found[wanted]

    @cached_property
    def _headings(self) -> dict[str, list[Segment]]:
        headings: dict[str, list[Segment]] = {}
        for segment in self._facts.document.segments:
            if segment.kind == "heading":
                headings.setdefault(slug_github(segment.text), []).append(segment)
        return headings

    def translated_heading(self, fragment: str) -> tuple[Segment, Location] | None:
        """The first heading whose source id is ``fragment``, translated, with a PO entry (and
        where that is)."""
        if fragment not in self._headings_found:
            self._headings_found[fragment] = _first_with_entry(
                self._facts, (s for s in self._headings.get(fragment, ()) if self._facts.translations.get(s.text)))
        return self._headings_found[fragment]


def _first_with_entry(facts: PageFacts, segments: Iterable[Segment]) -> tuple[Segment, Location] | None:
    for segment in segments:
        where = entry_location(facts, segment.text)
        if where is not None:
            return segment, where
    return None
