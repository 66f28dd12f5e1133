"""Error catalog for applications: the error tables of the pages as JSON and gettext .mo (pure).

In: the source ``Document`` records, each page's translations (msgid -> msgstr, as
``catalog.translations_of`` gives them: translated, not fuzzy), the locale, and where the
built HTML pages live. Out: ``ErrorEntry`` records, the text of ``errors.json`` and the
bytes of a GNU ``.mo`` file. Nothing here reads or writes files.

An error table is a table whose body rows all start with an error code (``source``
decides; the codes are ``Document.error_codes``). In a row, the cell after the code is the
*problem* and the next one the *resolution*; further cells are ignored. A cell that is only a
number (``0x87D1FDF3``, ``-2016281101``) is another form of the code, not text: it is
skipped (a table 'Status code | Hexadecimal error code | Error message' has no resolution). Translations go
through ``sanitize_translation`` as they do for the pages.

``.mo`` keys (documented in the README, "Error catalog for applications"):

- ``pgettext(code, "problem")`` and ``pgettext(code, "resolution")``: the cell as plain
  text in the locale. The source locale's .mo carries them too, so an application asking
  for ``languages=[locale, source_locale]`` falls back to the source text, never to the key.
- ``pgettext(code, source_text)``: each translated piece of an error row, exactly as in the
  PO file, under the row's code; ``gettext(source_text)``: every other translated message.
"""

from __future__ import annotations

import json
import posixpath
import re
import struct
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from .linkmap import LinkContext, quote_path
from .model import Document, Segment
from .render import finish_html, inner_html, markdown_renderer, parse_fragment
from .sanitize import sanitize_front_matter_value, sanitize_translation, url_scheme
from .urls import split_url
from .pipetable import split_cells

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_BLANKS = re.compile(r"[ \t\u00a0]+")
# a cell that is only a number, decimal or hexadecimal (maybe as code or bold): another form
# of the row's code ('Status code | Hexadecimal error code | Error message'), no problem text
_NUMBER_ONLY = re.compile(r"\s*([`*_]*)(?:0[xX][0-9A-Fa-f]+|[-+]?\d+)\1\s*\Z")
MO_MAGIC = 0x950412DE


@dataclass(frozen=True)
class ErrorEntry:
    """One error code of one locale: where it is documented and what it says."""

    code: str
    page: str  # source-relative path of the page (``x/y.md``)
    url: str  # the built page with the row's anchor: ``.../y.html#Code``
    problem_text: str
    problem_html: str
    resolution_text: str
    resolution_html: str
    complete: bool  # every translatable piece of the row is translated (always true in the source locale)


def page_url(base_url: str, locale: str, page: str) -> str:
    """The built HTML page: ``base_url`` (``{locale}`` is filled in) + ``x/y.html``."""
    return base_url.replace("{locale}", locale) + quote_path(page[:-3] + ".html")


def error_entries(documents: Sequence[Document], translations: Mapping[str, Mapping[str, str]], locale: str,
                  base_url: str = "../../html/{locale}/", site_map: tuple[tuple[str, str], ...] = (),
                  pages: Collection[str] = (), is_source: bool = False,
                  non_page_md: Collection[str] = (), withheld: Collection[str] = (),
                  source_locale: str = "") -> tuple[ErrorEntry, ...]:
    """The error rows of every page, in page order then row order; the first page wins a code.

    ``translations`` maps a page path to its msgid -> msgstr mapping (missing: untranslated).
    The default ``base_url`` is relative to ``out/catalog/<locale>/errors.json``. ``is_source``:
    ``locale`` is the source locale (every entry is complete). ``pages`` and ``non_page_md``
    map the rows' links as in the page (``linkmap.LinkContext``). ``withheld``: the pages not
    published in ``locale`` (under --min-coverage); their rows are kept (with what is
    translated of them) but their URL is the page in ``source_locale``, and every row's
    links to them lead there, as the pages' own links do (``linkmap.fallback_url``); the
    other links of their rows lead to the locale's pages, as from any row.
    """
    seen: set[str] = set()
    entries: list[ErrorEntry] = []
    for document in sorted(documents, key=lambda d: d.path):
        mapping = translations.get(document.path, {})
        shown_in = source_locale if document.path in withheld and source_locale else locale
        url = page_url(base_url, shown_in, document.path)
        links_from = page_url(base_url, locale, document.path)  # the rows' links as the locale's page has them
        context = LinkContext(document.path, tuple(site_map), frozenset(pages), frozenset(non_page_md),
                              withheld=frozenset(withheld), source_locale=source_locale)
        for code, cells, pieces in _error_rows(document):
            if code in seen:
                continue
            seen.add(code)
            cells = [span for span in cells if not _NUMBER_ONLY.match(document.text[span[0]:span[1]])]
            texts = [_translate_cell(document.text, span, pieces, mapping) for span in cells[:2]]
            texts += [""] * (2 - len(texts))
            htmls = [_cell_html(text, context, links_from) for text in texts]
            entries.append(ErrorEntry(
                code=code,
                page=document.path,
                url=f"{url}#{code}",
                problem_text=html_to_text(htmls[0]),
                problem_html=htmls[0],
                resolution_text=html_to_text(htmls[1]),
                resolution_html=htmls[1],
                complete=is_source or all(bool(mapping.get(p.text)) for p in pieces),
            ))
    return tuple(entries)


def errors_json(entries: Sequence[ErrorEntry], locale: str, source_locale: str) -> str:
    """``errors.json``: ``{"locale", "source_locale", "errors": {code: {...}}}``, UTF-8, stable."""
    data = {
        "locale": locale,
        "source_locale": source_locale,
        "errors": {
            e.code: {
                "page": e.page,
                "url": e.url,
                "problem": {"text": e.problem_text, "html": e.problem_html},
                "resolution": {"text": e.resolution_text, "html": e.resolution_html},
                "complete": e.complete,
            }
            for e in entries
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def mo_messages(documents: Sequence[Document], translations: Mapping[str, Mapping[str, str]],
                entries: Sequence[ErrorEntry]) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr of a locale's .mo: the PO messages plus the field keys."""
    messages: dict[tuple[str | None, str], str] = {}
    for document in documents:
        mapping = translations.get(document.path, {})
        codes = set(document.error_codes)
        for segment in document.segments:
            msgstr = mapping.get(segment.text)
            if not msgstr or msgstr == segment.text:
                continue
            context = segment.key if segment.kind == "table-cell" and segment.key in codes else None
            value = (  # front matter is plain text, as in the YAML output
                sanitize_front_matter_value(segment.text, msgstr) if segment.kind == "front-matter"
                else sanitize_translation(segment.text, msgstr, segment.kind))
            if value.strip():  # a blank one is not used, as on the page (``render._substitution``)
                messages[(context, segment.text)] = value
    for entry in entries:
        messages[(entry.code, "problem")] = entry.problem_text
        messages[(entry.code, "resolution")] = entry.resolution_text
    return messages


def mo_bytes(messages: Mapping[tuple[str | None, str], str], language: str,
             plural_forms: str = "nplurals=2; plural=(n != 1);") -> bytes:
    """A GNU gettext .mo file (little-endian, no hash table) for ``messages``; UTF-8.

    ``language`` is the PO ``Language`` header (``de_DE``). Empty msgstrs are left out, as
    msgfmt does.
    """
    header = (f"Language: {language}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
              f"Content-Transfer-Encoding: 8bit\nPlural-Forms: {plural_forms}\n")
    pairs = {b"": header.encode("utf-8")}
    for (context, msgid), msgstr in messages.items():
        if not msgstr or not msgid:
            continue
        key = (f"{context}\x04{msgid}" if context is not None else msgid).encode("utf-8")
        pairs[key] = msgstr.encode("utf-8")
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    originals, translated, blob = [], [], bytearray()
    for key in keys:
        originals.append((len(key), data_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = pairs[key]
        translated.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    head = struct.pack("<7I", MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    tables = b"".join(struct.pack("<2I", *pair) for pair in originals + translated)
    return head + tables + bytes(blob)


def join_url(base: str, value: str) -> str:
    """``value`` (as written in ``base``) resolved against ``base``; a relative ``base`` stays relative.

    ``urljoin`` drops a relative base's leading ``../``; this keeps them.
    """
    if not value or value.startswith("//") or url_scheme(value) or value.startswith("/") and not url_scheme(base):
        return value
    if url_scheme(base):
        return urljoin(base, value)
    page = base.split("#", 1)[0]
    if value.startswith(("#", "?")):
        return page.split("?", 1)[0] + value if value.startswith("?") else page + value
    path, rest = split_url(value)
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) + rest


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: ``<br>`` as a line break, blanks collapsed per line."""
    if not html.strip():
        return ""
    root = parse_fragment(html)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = [_BLANKS.sub(" ", line).strip() for line in root.text_content().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- rows and cells ----------------------------------------------------------------------


def _error_rows(document: Document) -> list[tuple[str, list[tuple[int, int]], list[Segment]]]:
    """(code, absolute spans of the cells after the code, segments of the row) per error row."""
    codes = set(document.error_codes)
    rows: list[tuple[str, list[tuple[int, int]], list[Segment]]] = []
    text = document.text
    body_start = document.body_start
    for match in _LINE.finditer(text, body_start):
        if match.start() == match.end():
            break
        line = match.group(0).rstrip("\r\n")
        if "|" not in line:
            continue
        spans = split_cells(line)
        if len(spans) < 2:
            continue
        code = line[spans[0][0]:spans[0][1]]
        if code not in codes or any(r[0] == code for r in rows):
            continue
        absolute = [(match.start() + a, match.start() + b) for a, b in spans[1:]]
        row_start, row_end = match.start(), match.start() + len(line)
        pieces = [s for s in document.segments if s.kind == "table-cell" and row_start <= s.start and s.end <= row_end]
        rows.append((code, absolute, pieces))
    return rows


def _translate_cell(text: str, span: tuple[int, int], pieces: Sequence[Segment], mapping: Mapping[str, str]) -> str:
    start, end = span
    out: list[str] = []
    cursor = start
    for piece in sorted(pieces, key=lambda s: s.start):
        if piece.start < start or piece.end > end:
            continue
        translated = mapping.get(piece.text)
        if not translated or translated == piece.text:
            continue
        value = sanitize_translation(piece.text, translated, piece.kind)
        if not value.strip():  # as on the page (``render._substitution``): the source text stays
            continue
        out.append(text[cursor:piece.start])
        out.append(value)
        cursor = piece.end
    out.append(text[cursor:end])
    return "".join(out)


def _cell_html(markdown_text: str, context: LinkContext, url: str) -> str:
    if not markdown_text.strip():
        return ""
    html = finish_html(markdown_renderer().renderInline(markdown_text), context)
    root = parse_fragment(html)
    for element in root.iter("a", "img"):
        attribute = "href" if element.tag == "a" else "src"
        value = element.get(attribute)
        if value is not None:
            element.set(attribute, join_url(url, value))
    return inner_html(root)
