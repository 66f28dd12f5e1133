"""Records passed between the stages: locations, diagnostics, documents and segments.

Everything here is a frozen dataclass (``Location`` and ``Diagnostic``: immutable named
tuples, from ``pipeline.diagnostics``); stages return new values and never mutate these.
Paths in records are POSIX-style and relative to the project (or to the source root where
a field says so). Lines and columns are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .diagnostics import Diagnostic, Location

__all__ = ["Diagnostic", "Document", "FrontMatter", "Location", "Rewrite", "Segment", "Stats"]


@dataclass(frozen=True)
class Segment:
    """One translatable piece of a page, with its exact span in the page text.

    ``text`` is the msgid. ``start``/``end`` are offsets into ``Document.text`` of the
    bytes it replaces; for a segment spanning several lines, ``text`` has each continuation
    line's container prefix (the ``> `` of a quote, a list item's indentation: tabs, spaces
    or none for a lazy line) removed, and ``joiners`` keeps, for each of those lines, the
    source text between the previous line's end and it (line ending included), which
    rendering puts back.
    """

    text: str
    start: int
    end: int
    line: int
    column: int
    kind: str  # front-matter | heading | paragraph | list-item | table-header | table-cell | html | html-attribute
    key: str | None = None  # front-matter key, the error code of the table row, the element of an HTML block's text
    column_name: str | None = None  # table header of the cell, the attribute of an html-attribute

    joiners: tuple[str, ...] = ()  # one per continuation line, e.g. ("\r\n> ", "\r\n> ")
    quote: str = ""  # the quote of a front-matter value in YAML, or of an HTML attribute's value ('', "'", '"')
    tag: tuple[int, int] | None = None  # an html-attribute's start tag, its span in the page text

    @property
    def prefix(self) -> str:
        """What joins the first two lines (``""`` for a one-line segment)."""
        return self.joiners[0] if self.joiners else ""

    @property
    def comment(self) -> str:
        """Extracted comment for translators, e.g. ``DeviceCapReached · Problème``."""
        if self.kind == "front-matter":
            return f"front matter: {self.key}"
        if self.kind in ("table-cell", "table-header"):
            parts = [p for p in (self.key, self.column_name) if p]
            return " · ".join(parts) if parts else self.kind
        if self.kind == "html":  # "HTML <li> > <a>": the elements whose text it is
            return "HTML " + " > ".join(f"<{tag}>" for tag in self.key.split(" > ")) if self.key else "HTML block"
        if self.kind == "html-attribute":
            return f"HTML <{self.key}> {self.column_name}"
        return self.kind


@dataclass(frozen=True)
class FrontMatter:
    """The YAML front matter block: its span (delimiters included) and parsed values."""

    start: int
    end: int
    values: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        for k, v in self.values:
            if k == key:
                return v
        return default


@dataclass(frozen=True)
class Rewrite:
    """Bytes of a page that its portable Markdown writes otherwise: ``Document.text[start:end]``
    becomes ``text``. A pipe table's delimiter row or a row's indentation as GFM readers need
    them (``pipetable``); never inside a segment, so translations apply around it."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """A source page: its path relative to the source root, exact text and segments."""

    path: str
    text: str
    front_matter: FrontMatter | None = None
    segments: tuple[Segment, ...] = field(default_factory=tuple)
    error_codes: tuple[str, ...] = ()
    has_h1: bool = False  # a level-1 heading anywhere in the body (ATX or setext)
    portable: tuple[Rewrite, ...] = ()  # what the portable Markdown writes otherwise (pipe tables for GFM)

    @property
    def msgids(self) -> list[str]:
        """The page's messages: its segments' texts, each once, in page order."""
        return list(dict.fromkeys(s.text for s in self.segments))

    @property
    def body_start(self) -> int:
        return self.front_matter.end if self.front_matter else 0


@dataclass(frozen=True)
class Stats:
    """A page's messages (or a locale's: ``+``) by the state of their translation: translated,
    fuzzy or untranslated in the catalog, and, of the translated ones, those QA rejects
    (``rejected``: a build shows the source text for them, ``review.review_translations``).
    ``coverage`` is what readers see translated, what ``build --min-coverage`` gates on and
    the pages and indexes show; ``catalog_coverage`` what the catalog translates."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    rejected: int = 0  # of ``translated``
    rejected_words: int = 0  # of ``translated_words``

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def applied(self) -> int:
        """The messages whose translation a build applies."""
        return self.translated - self.rejected

    @property
    def coverage(self) -> float:
        """The percentage of messages whose translation a build applies."""
        return 100.0 * self.applied / self.total if self.total else 100.0

    @property
    def catalog_coverage(self) -> float:
        """The percentage of messages the catalog translates, those QA rejects included (as
        ``msgfmt --statistics`` and translators' tools count them)."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def as_tuple(self) -> tuple[int, ...]:
        """The counts in field order (``dataclasses.astuple`` without its deep copy: they are ints)."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple())))
