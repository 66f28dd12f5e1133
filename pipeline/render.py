"""Document + translations -> page text in three formats (pure, given a Jinja environment).

In: a ``Document``, a msgid -> msgstr mapping already vetted by QA, the locale, and the
Jinja ``Environment`` built once per run by ``make_environment``. Out: text.

- ``frontmatter``: the source text with each translated segment substituted in place; every
  other character (line endings, comments, blank lines, BOM) is the source's own, so an
  empty catalog gives the source back byte for byte.
- ``markdown``: portable Markdown: no front matter; the page keeps its own leading H1 (the
  docs platform's visible heading) and gets the front-matter title as its H1 only when it
  has none (the title often carries a site suffix such as `` | Microsoft Intune``, which
  belongs in ``<title>``, not in the heading); DocFX-only syntax turned into CommonMark
  (alerts become a bold label in the quote, ``[!INCLUDE]`` is replaced by the included
  file's text, its own includes too, ``[!div]`` markers are dropped); a pipe table that GFM
  would not read as the docs platform does is written so that it does (``Document.portable``,
  which ``apply_translations`` applies around the translations).
- ``html``: the portable Markdown rendered by markdown-it-py, pipe tables read as the docs
  platform reads them (``pipetable``); the error table's rows carry ``id`` = error code, so
  ``page.html#DeviceCapReached`` works in every locale.

Where each link of a page leads in these outputs is ``linkmap``'s (``LinkContext``).
"""

from __future__ import annotations

import bisect
import functools
import os
import posixpath
import re
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateSyntaxError
from jinja2.loaders import split_template_path
from markdown_it import MarkdownIt
from markupsafe import Markup

from .docfx import ALERT_KIND
from .files import byte_position
from .linkmap import LinkContext, asset_href, fallback_links, map_url
from .model import Document, Rewrite, Segment
from .pipetable import use_pipe_tables
from .slugs import claim_slug, slug_docfx_2016, slug_github, unique_slugs
from .sanitize import SAFE_SCHEMES, applied_text, url_scheme
from .yamlscalar import reads_back_plain

FORMATS = ("frontmatter", "markdown", "html")
TEMPLATE_NAMES = {"frontmatter": "page.frontmatter.j2", "markdown": "page.md.j2", "html": "page.html.j2"}



class _LinePattern:
    """A regex whose ``^`` and ``$`` are line starts and ends after and before LF, CRLF or a
    lone CR, as markdown-it reads them: re.MULTILINE's know LF only, so in a CRLF page no
    alert line matched (the page showed "[!NOTE]" as text). ``$`` is written ``(?=\r?$)``.
    The MULTILINE form serves LF and CRLF texts (fast: the engine jumps to line starts); a
    text with a lone CR gets the slower form, with look-arounds for any line end."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        assert pattern.startswith("^")  # the line start it stands for: the pattern's first character
        self.fast = re.compile(pattern, flags | re.MULTILINE)
        self.any_end = re.compile(r"(?<![^\r\n])" + pattern[1:].replace(r"(?=\r?$)", r"(?=\r|\n|\Z)"), flags)

    def pick(self, text: str) -> re.Pattern[str]:
        lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
        return self.any_end if lone_cr else self.fast

    def sub(self, repl, text: str) -> str:
        return self.pick(text).sub(repl, text)

    def finditer(self, text: str):
        return self.pick(text).finditer(text)


# an alert marker at the start of a quote's text, alone on its line or before the alert's
# text (``> [!NOTE] Do you...``); up to three more columns of indentation under the ``>``
# (four would make code of it); ``end`` is set (empty) when nothing follows on the line. The
# quote may sit in other containers (``- > [!NOTE]``, ``> > [!NOTE]``), as a file of alerts
# pasted in a list item or a quote is (``inline_includes``). Possessive: each container marker
# is read one way only (with '>[ \t]?' and '[ \t]*' both free to take a blank, a line of n
# '> ' was tried in 2**n ways: 1.2 s for 22 levels, from a page or a translation)
_ALERT_LINE = _LinePattern(rf"^(?P<lead>(?:[ \t]*+(?:>[ \t]?+|(?:[-*+]|\d{{1,9}}[.)])[ \t]++))*?[ \t]*>[ \t]?[ \t]{{0,3}})"
                           rf"\[!(?P<kind>{ALERT_KIND})\][ \t]*(?P<end>(?=\r?$))?", re.IGNORECASE)
_DIV_LINE = _LinePattern(r"^[ \t]*>?[ \t]*\[!div[^\]]*\][ \t]*(\r\n|\n|\r)?", re.IGNORECASE)
# a quoted [!div] line whose next line continues the quote's paragraph lazily (no '>', and
# not a line that starts a block of its own: a heading, list item, fence, HTML or thematic
# break under four columns of indentation): the next line takes the marker's place in the
# quote; else, four columns in, it is code, and with none it joins the paragraph above
_DIV_BEFORE_LAZY_LINE = _LinePattern(
    r"^(?P<lead>[ \t]*>[ \t]?)[ \t]*\[!div[^\]]*\][ \t]*(?:\r\n|\n|\r)"
    r"(?:[ \t]{4,}|[ \t]{0,3}(?!(?:#{1,6}|[-*+]|\d{1,9}[.)])(?:[ \t]|\r|\n|$)|```|~~~|<|(?:[-*_][ \t]*){3,}(?:\r|\n|$)))"
    r"(?=[^\s>])", re.IGNORECASE)
_EOL = re.compile(r"\r\n|\r|\n")  # what ends a line for Markdown (not U+2028, NEL, VT, FF: str.splitlines)
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # a text's lines, each with its line end
# what may start the line of an include pasted line by line (``inline_includes``): indentation,
# quote markers and list markers, and a list marker among them (possessive, as ``_ALERT_LINE``)
_CONTAINER_LEAD = re.compile(r"(?:[ \t]*+(?:>[ \t]?+|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*+[ \t]*")
_LIST_MARKER = re.compile(r"(?<![^ \t>])(?:[-*+]|\d{1,9}[.)])(?=[ \t])")
# ``path``: the destination as written, a title too (``includes.include_destination`` reads its file)
# Blanks, destination, title, blanks: written so that each blank is read one way only (the
# destination may be empty, and then the blanks before a title were split between the two
# ``[ \t]`` runs in every way: quadratic on '[!INCLUDE[a](' and blanks)
_INCLUDE_TITLE = r"""(?:"[^"\r\n]*"|'[^'\r\n]*'|\([^()\r\n]*\))"""
_INCLUDE = re.compile(r"""\[!INCLUDE\s*\[(?P<name>[^\]]*)\]\((?P<path>"""
                      r"""(?:[ \t]*+(?:<[^<>\r\n]*>|[^)\s]++)(?:[ \t]++""" + _INCLUDE_TITLE + r""")?"""
                      r"""|[ \t]++""" + _INCLUDE_TITLE + r"""|[ \t]*+)[ \t]*+)\)\]""", re.IGNORECASE)
# what Markdown reads in a heading's text beside the words (a backslash makes each literal)
_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_\[\]<>&!#|~]")


@dataclass(frozen=True)
class Page:
    """What a template sees of one page in one locale."""

    path: str
    locale: str
    source_locale: str
    lang: str
    dir: str
    title: str
    description: str
    coverage: float  # percent of its messages shown translated (``model.Stats.coverage``: not those QA rejects)
    alternates: tuple[tuple[str, str], ...] = ()
    site_map: tuple[tuple[str, str], ...] = ()
    pages: frozenset[str] = frozenset()  # every published page, for case-insensitive link mapping
    non_page_md: frozenset[str] = frozenset()  # the source's .md files that are no published pages: linked as files
    source_lang: str = ""  # the source locale's ``lang`` and ``dir``, for text shown in it
    source_dir: str = "ltr"
    in_source_language: bool = False  # a translated locale's page none of whose body is translated
    # with ``site_url`` set: ``alternates`` as full URLs for the page's head (hreflang), and
    # the page's own full URL (``rel="canonical"``); the language switcher keeps relative links
    head_alternates: tuple[tuple[str, str], ...] = ()
    canonical: str = ""


@dataclass(frozen=True)
class Fallback:
    """The blocks of a partly translated page that are still in the source language, for
    ``finish_html`` to mark with the source's ``lang`` (and ``dir`` when it differs from the
    page's), so that screen readers and line layout treat them as what they are (WCAG 3.1.2,
    language of parts). A block is marked when its visible text is that of an untranslated
    segment: a table cell or list item holding translated and untranslated segments is not."""

    texts: frozenset[str]  # visible text, whitespace collapsed
    lang: str
    dir: str = ""  # "" when it is the page's


def left_in_source(document: Document, translations: Mapping[str, str]) -> list[Segment]:
    """The body segments a page shows in the source language: no translation, or one that
    is the source text (as ``apply_translations`` leaves them)."""
    return [s for s in document.segments if s.kind != "front-matter" and translations.get(s.text, "") in ("", s.text)]


def all_in_source(document: Document, translations: Mapping[str, str]) -> bool:
    """Whether the page has body text and none of it is translated, nor the title it shows
    as its H1 (``heading_title_translated``)."""
    return (any(s.kind != "front-matter" for s in document.segments) and not some_translated(document, translations)
            and not heading_title_translated(document, translations))


def heading_title_translated(document: Document, translations: Mapping[str, str]) -> bool:
    """Whether the page shows its front-matter title, translated, as its H1 (a page without
    one of its own): its article is then not all in the source language."""
    if document.has_h1 or document.front_matter is None:
        return False
    return front_matter_value(document, translations, "title") != (document.front_matter.get("title") or "")


def some_translated(document: Document, translations: Mapping[str, str]) -> bool:
    """Whether some of the page's body text is shown translated (``left_in_source``'s others)."""
    body = sum(s.kind != "front-matter" for s in document.segments)
    return len(left_in_source(document, translations)) < body


def fallback_of(page: Page, document: Document, translations: Mapping[str, str],
                pasted: Sequence[Segment] = ()) -> Fallback | None:
    """What a translated page's HTML marks as the source language (None: nothing, or the
    whole body, which its template marks: ``Page.in_source_language``); ``pasted``: the
    segments the files pasted into it show in the source language (``left_in_source`` of
    each, ``units.Workshop.include_resolver``), marked as the page's own."""
    if page.locale == page.source_locale or page.in_source_language:
        return None
    left = [*left_in_source(document, translations), *pasted]
    if not left:
        return None
    texts = frozenset(" ".join(visible_text(s.text).split()) for s in left)
    return Fallback(texts, page.source_lang, page.source_dir if page.source_dir != page.dir else "")


class TemplateEncodingError(TemplateSyntaxError):
    """A project template (or ``style.css``) that is not UTF-8, at its first bad byte
    (``column``: jinja2's errors have none)."""

    def __init__(self, filename: str, line: int, column: int) -> None:
        super().__init__("file is not valid UTF-8", line, filename=filename)
        self.column = column


class _ProjectLoader(FileSystemLoader):
    """The project's templates: a file that is not UTF-8 (saved as Latin-1 or UTF-16 by an
    editor) raises ``TemplateEncodingError``, a template error located at the file, where
    jinja2 lets a ``UnicodeDecodeError`` through that names no file."""

    def get_source(self, environment: Environment, template: str):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            filename = os.path.join(self.searchpath[0], *split_template_path(template))
            raise TemplateEncodingError(filename, *byte_position(exc.object, exc.start)) from None


def make_environment(project_templates: Path | None) -> Environment:
    """Project templates override the packaged defaults file by file."""
    loaders = []
    if project_templates is not None and project_templates.is_dir():
        loaders.append(_ProjectLoader(str(project_templates)))
    loaders.append(PackageLoader("pipeline", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        auto_reload=False,  # templates do not change during a run: no stat per page
    )
    from .site import language_name  # site builds on render: imported here, not at the top

    env.filters["language_name"] = language_name
    env.globals["index_file"] = "index.html"  # the build sets project.index_file(pages)
    return env


def apply_translations(document: Document, translations: Mapping[str, str],
                       rewrites: tuple[Rewrite, ...] = ()) -> tuple[str, str]:
    """The source text with translated segments substituted in place, as (front matter, body);
    ``rewrites`` (``Document.portable``, for the portable Markdown) are applied too."""
    text = document.text
    split = document.body_start
    parts: list[list[str]] = [[], []]
    cursor = 0
    anchors: dict[int, tuple[str, ...]] | None = None  # worked out when a segment is translated
    edits: list[tuple[int, int, str]] = [(r.start, r.end, r.text) for r in rewrites]
    tags: dict[int, tuple[int, int]] = {}  # an attribute value's start -> its tag's span
    for segment in document.segments:
        translated = translations.get(segment.text)
        if not translated or translated == segment.text:
            continue
        if anchors is None:
            anchors = source_anchors(document)
        substitution = _substitution(segment, translated, text)
        if substitution is None:
            continue
        start, end, replacement = substitution
        own = slug_github(replacement) if segment.start in anchors else ""
        for anchor in reversed(anchors.get(segment.start, ())):
            if anchor != own and f'"{anchor}"' not in replacement:
                # a translated heading keeps the source's fragments working (as Microsoft's own
                # localized pages do): <a name> contributes no text to the heading's own slug;
                # in an HTML block a <span id>, which a heading inside a link may hold too
                alias = f'<span id="{anchor}"></span>' if segment.kind == "html" else f'<a name="{anchor}"></a>'
                replacement = alias + replacement
        edits.append((start, end, replacement))
        if segment.tag is not None:
            tags[start] = segment.tag
    edits = sorted(edits, key=lambda edit: edit[:2])  # an insertion before a span at its start
    if tags:
        edits = _fold_attributes(text, edits, tags)
    for start, end, replacement in edits:
        part = parts[0] if start < split else parts[1]
        if part is parts[1] and cursor < split:
            parts[0].append(text[cursor:split])
            cursor = split
        part.append(text[cursor:start])
        part.append(replacement)
        cursor = end
    if cursor < split:
        parts[0].append(text[cursor:split])
        cursor = split
    parts[1].append(text[cursor:])
    return "".join(parts[0]), "".join(parts[1])


def _fold_attributes(text: str, edits: list[tuple[int, int, str]],
                     tags: dict[int, tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``edits`` (in order) with the translated values of attributes whose tag lies inside a
    translated run of an HTML block put into that run's translation: there the tag is the
    msgid's, as the source writes it (the sanitizer writes the msgid's tags so), and becomes
    the tag with its values translated. A tag the translation does not hold verbatim (its
    lines joined otherwise) keeps its values; an untranslated run's tags are edited in place."""
    kept: list[tuple[int, int, str]] = []
    inside: dict[tuple[int, int], list[tuple[int, int, str]]] = {}  # of the last kept edit: tag -> its values
    for edit in edits + [(len(text) + 1, len(text) + 1, "")]:
        start, end, replacement = edit
        if kept and start < kept[-1][1] and start in tags:
            inside.setdefault(tags[start], []).append(edit)
            continue
        if inside:
            # each source tag, in order, becomes the next copy of its text in the translation
            pending: dict[str, deque[str]] = {}
            for (tag_start, tag_end), values in inside.items():
                translated, cursor = [], tag_start
                for value_start, value_end, value in values:
                    translated += [text[cursor:value_start], value]
                    cursor = value_end
                pending.setdefault(text[tag_start:tag_end], deque()).append("".join(translated) + text[cursor:tag_end])
            outer_start, outer_end, outer = kept[-1]
            kept[-1] = (outer_start, outer_end, _replace_tags(outer, pending))
            inside = {}
        kept.append(edit)
    return kept[:-1]


def _replace_tags(outer: str, pending: dict[str, deque[str]]) -> str:
    """``outer`` with each copy of a tag text of ``pending`` replaced by the next of its
    replacements, in one pass: at each ``<``, the texts up to each of the next ``>``s that a
    pending tag can hold (a quoted value may hold one), no further than the longest tag."""
    most = max(tag.count(">") for tag in pending)
    longest = max(len(tag) for tag in pending)
    out: list[str] = []
    cursor = 0
    at = outer.find("<")
    while at != -1 and pending:
        end = at
        for _ in range(most):
            end = outer.find(">", end, at + longest) + 1
            if not end:
                break
            queue = pending.get(outer[at:end])
            if queue:
                out += [outer[cursor:at], queue.popleft()]
                cursor = end
                if not queue:
                    del pending[outer[at:end]]
                break
        at = outer.find("<", max(cursor, at + 1))
    return "".join(out) + outer[cursor:]


def source_anchors(document: Document) -> dict[int, tuple[str, ...]]:
    """Heading segment start -> the ids the docs platform gives that heading in the source:
    the GitHub/markdig slug, and DocFX's 2016 slug when it differs (``windows-phone-8-1``
    for "Windows Phone 8.1"), which the pages of that era link to, of the raw Markdown and,
    as the source page's HTML has it (``finish_html``), of the visible text. The text of a
    heading written in HTML (``<h5>Tip</h5>``) gets the ids the source's HTML gives it
    (``linkscan.html_headings``, which the link checker accepts)."""
    headings = [s for s in document.segments if s.kind == "heading"]
    texts = [s.text for s in headings]
    visible = [visible_text(t) for t in texts]
    slugs = zip(headings, unique_slugs(texts, slug_github), unique_slugs(texts, slug_docfx_2016),
                unique_slugs(visible, slug_docfx_2016))
    anchors = {s.start: tuple(dict.fromkeys((github, docfx, shown))) for s, github, docfx, shown in slugs}
    if _HTML_HEADING.search(document.text):  # headings in HTML: the ids the source's HTML gives them
        from .linkscan import html_headings

        headings = html_headings(document.text)
        starts = [start for start, _, _ in headings]
        for segment in document.segments:
            k = bisect.bisect_right(starts, segment.start) - 1
            if segment.kind == "html" and k >= 0 and segment.end <= headings[k][1] and starts[k] != -1:
                anchors[segment.start] = headings[k][2]
                starts[k] = -1  # its first run only
    return anchors


_HTML_HEADING = re.compile(r"<[hH][1-6]")


@functools.lru_cache(maxsize=8192)
def visible_text(markdown_text: str) -> str:
    """A heading's text as its rendered HTML shows it (what ``finish_html`` slugs). Once per
    text and process: the same untranslated segments are asked about in every locale."""
    html = markdown_renderer().renderInline(markdown_text)
    return parse_fragment(html).text_content() if html.strip() else ""


def _substitution(segment: Segment, msgstr: str, text: str) -> tuple[int, int, str] | None:
    """What a translated segment's text becomes: (start, end, replacement) in the page text;
    None when the translation is blank once sanitized (``sanitize.applied_text``; ``qa.blank``
    cannot be accepted then)."""
    value = applied_text(segment.text, msgstr, segment.kind, segment.quote)
    if value is None:
        return None
    if segment.kind == "front-matter":
        return _with_spaces_around(text, segment, yaml_scalar(value, segment.quote))
    if segment.kind == "html-attribute":
        return segment.start, segment.end, value if segment.quote else f'"{value}"'
    return segment.start, segment.end, _replacement(segment, value, text)


_BLANKS_BEFORE = re.compile(r"[ \t]*\Z")
_BLANKS_AFTER = re.compile(r"[ \t]*")


def _with_spaces_around(text: str, segment: Segment, scalar: str) -> tuple[int, int, str]:
    """A translated front-matter value with the blanks around it on its line (after ``key:``,
    before a ``# comment`` or the line end), their tabs written as spaces, one for one.

    The YAML spec and libyaml, which reads the source, take a tab there as a separator, but
    PyYAML's own loader (``yaml.safe_load``) accepts no token after a tab outside quotes:
    ``title:<TAB>X`` fails to load there, quoted or not, and so would the translated line.
    Turning those tabs into spaces is the least change that makes the line load everywhere;
    nothing else of it changes, and an untranslated value keeps its tabs (byte for byte).
    """
    line_start = max(text.rfind("\n", 0, segment.start), text.rfind("\r", 0, segment.start)) + 1
    start = _BLANKS_BEFORE.search(text, line_start, segment.start).start()
    end = _BLANKS_AFTER.match(text, segment.end).end()
    before, after = text[start:segment.start], text[segment.end:end]
    return start, end, before.replace("\t", " ") + scalar + after.replace("\t", " ")


def _replacement(segment: Segment, msgstr: str, text: str) -> str:
    """A sanitized translation on the segment's lines (each after the source line's lead)."""
    if "\n" not in msgstr:
        return msgstr
    lines = msgstr.split("\n")
    if len(lines) == len(segment.joiners) + 1:
        # the msgid's line structure kept: each line after the source line's own lead (a
        # tab, a lazy line's none), which is not the translator's to change
        joiners = segment.joiners
    else:
        joiners = (segment.prefix or _eol_at(text, segment.end),) * (len(lines) - 1)
    return lines[0] + "".join(joiner + line for joiner, line in zip(joiners, lines[1:]))


def _eol_at(text: str, offset: int) -> str:
    match = re.compile(r"\r\n|\n|\r").search(text, offset)
    return match.group(0) if match else "\n"


def yaml_scalar(value: str, quote: str = "") -> str:
    """A YAML scalar for ``value`` in the source's quote style when that style can hold it: a
    plain one only when YAML reads it back as this string (not ``2016-13-01``, a date, nor
    ``!!int abc``), else double quotes, which hold any string."""
    if quote == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if quote == "" and "\n" not in value and value == value.strip() and reads_back_plain(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def front_matter_value(document: Document, translations: Mapping[str, str], key: str) -> str:
    """A front-matter value in the output locale (translated when a translation applies), as
    the YAML output carries it (``sanitize_front_matter_value``)."""
    if document.front_matter is None:
        return ""
    value = document.front_matter.get(key)
    if not value or not translations.get(value):
        return value or ""
    cleaned = applied_text(value, translations[value], "front-matter")
    return value if cleaned is None else cleaned  # a blank one is not applied


# The labels the docs platform shows for its alerts, in the languages it was localized into
# (as on Microsoft's own localized pages); other languages get the English ones.
ALERT_LABELS = {
    "en": {"NOTE": "Note", "TIP": "Tip", "IMPORTANT": "Important", "WARNING": "Warning", "CAUTION": "Caution"},
    "fr": {"NOTE": "Remarque", "TIP": "Conseil", "IMPORTANT": "Important", "WARNING": "Avertissement",
           "CAUTION": "Attention"},
    "de": {"NOTE": "Hinweis", "TIP": "Tipp", "IMPORTANT": "Wichtig", "WARNING": "Warnung", "CAUTION": "Vorsicht"},
    "ja": {"NOTE": "メモ", "TIP": "ヒント", "IMPORTANT": "重要", "WARNING": "警告", "CAUTION": "注意"},
}


def alert_label(kind: str, locale: str) -> str:
    labels = ALERT_LABELS.get(locale.split("-")[0].lower(), ALERT_LABELS["en"])
    return labels.get(kind.upper(), kind.capitalize())


# A label back to its kind, in any language ("Attention" is French CAUTION, no other kind)
_ALERT_KINDS = {label: kind for labels in ALERT_LABELS.values() for kind, label in labels.items()}


def _alert_kind(tokens: list, index: int) -> str | None:
    """The kind of the alert a ``blockquote_open`` token at ``index`` opens: a quote whose
    text starts with a bold alert label (``portable_markdown`` writes the marker so; an
    author's ``> **Note**`` is the same alert to a reader), else None."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None
    children = [child for child in tokens[index + 2].children or () if child.type != "text" or child.content]
    if len(children) < 3 or children[0].type != "strong_open" or children[2].type != "strong_close":
        return None
    return _ALERT_KINDS.get(children[1].content) if children[1].type == "text" else None


def _outside_code(pattern: _LinePattern | re.Pattern[str], body: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``pattern.sub(replace, body)`` but for matches whose ``[!`` lies in code or a comment
    (``linkscan.mask_text`` blanks those), which stay as written."""
    masked: str | None = None

    def apply(match: re.Match[str]) -> str:
        nonlocal masked
        if masked is None:
            from .linkscan import mask_text

            masked = mask_text(body)
        marker = body.find("[!", match.start())
        return match.group(0) if masked[marker] == " " else replace(match)

    return pattern.sub(apply, body)


def portable_markdown(body: str, title: str, include: Callable[[str], str | None], locale: str = "en") -> str:
    """Front matter dropped, ``title`` (plain text; "" for none) as the H1, DocFX syntax made
    portable (includes by ``inline_includes``, first, so that the alerts and ``[!div]``
    markers of the files pasted are made portable as the page's own are; alert labels in
    ``locale``)."""
    eol = _eol_at(body, 0)
    body = inline_includes(body.lstrip("\r\n"), include)
    if title:
        heading = _MARKDOWN_PUNCTUATION.sub(r"\\\g<0>", " ".join(title.split()))  # one line (a folded value)
        body = f"# {heading}{eol}{eol}" + body
    if "[!" in body:  # DocFX markers, but those shown in code (a page documenting the syntax)
        body = _outside_code(_DIV_BEFORE_LAZY_LINE, body, lambda m: m.group("lead"))
        body = _outside_code(_DIV_LINE, body, lambda m: "")
        body = _outside_code(_ALERT_LINE, body,
                             lambda m: f"{m.group('lead')}**{alert_label(m.group('kind'), locale)}**"
                                       + ("" if m.group("end") is not None else " "))
    return body


def inline_includes(body: str, include: Callable[[str], str | None]) -> str:
    """Each ``[!INCLUDE[name](path)]`` of ``body`` replaced by ``include(path)``, the included
    file's text (with its own includes inlined: ``units.Workshop.include_resolver``), or by
    the link ``[name](path)`` when that is None (a file missing, outside the source, or
    refused: ``pipeline.includes``). An include inside a sentence or a table cell puts the
    text there on one line. One alone on its line but for the containers it is in (its
    indentation in a list item, a quote's ``>``, a list item's marker: ``> - [!INCLUDE..]``)
    keeps each line of a file of several lines in them: the lines after the first start with
    what its line starts with, each list marker as spaces of its width (the item's content
    column), a blank line as the quote's ``>`` alone (the quote goes on), or blank outside a
    quote. A file of one line is pasted as in a sentence. One in code is text (a page
    showing the syntax), as the check (``linkscan``) sees it."""

    def inline(match: re.Match[str]) -> str:
        content = include(match.group("path"))
        if content is None:
            return f"[{match.group('name')}]({match.group('path')})"
        content = content.strip("\r\n")
        line_start = body.rfind("\n", 0, match.start()) + 1
        line_end = body.find("\n", match.end())
        lead = body[line_start:match.start()]
        lines = _LINES.findall(content)
        if body[match.end():line_end if line_end != -1 else len(body)].strip() \
                or not _CONTAINER_LEAD.fullmatch(lead) or (lead.strip() and len(lines) < 2):
            return " ".join(part.strip() for part in _EOL.split(content) if part.strip())  # on one line
        if not lead:
            return content
        continued = _LIST_MARKER.sub(lambda marker: " " * len(marker.group(0)), lead)
        blank = continued.rstrip()
        return "".join(part if index == 0 else continued + part if part.strip() else blank + part.lstrip(" \t")
                       if blank else part for index, part in enumerate(lines))

    return _outside_code(_INCLUDE, body, inline) if "[!" in body else body


def include_paths(body: str) -> list[str]:
    """The destinations, as written, of the includes ``inline_includes`` pastes from ``body``
    (a page's or an included file's text after its front matter), in order."""
    found: list[str] = []
    if "[!" in body:
        _outside_code(_INCLUDE, body, lambda match: found.append(match.group("path")) or match.group(0))
    return found


_DESTINATION = re.compile(r"(\]\(\s*<?)([^)\s>]+)")


def rebase_links(markdown: str, from_dir: str, to_dir: str) -> str:
    """Relative link and image targets written in ``from_dir`` rewritten for ``to_dir``
    (an included file's links, inlined into a page of another folder)."""
    if from_dir == to_dir:
        return markdown

    def rebase(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|[/#~]", target):
            return match.group(0)
        path, sep, rest = target.replace("\\", "/").partition("#")
        joined = posixpath.normpath(posixpath.join(from_dir, path)) if path else ""
        moved = posixpath.relpath(joined, to_dir or ".") if path else ""
        return match.group(1) + moved + sep + rest

    return _DESTINATION.sub(rebase, markdown)


_COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_FENCE_LINE = _LinePattern(r"^[ \t]{0,3}(`{3,}|~{3,})")


def normalize_comments(markdown: str) -> str:
    """HTML comments as CommonMark 0.31 and the docs platform read them (``<!--`` to the
    first ``-->``, dashes allowed inside), written so that markdown-it-py, which still applies
    the older rule, sees a comment too: ``<!--- [x](y.md) --->`` must not become a link.
    Code spans and fenced code are left alone."""
    if "<!--" not in markdown:
        return markdown
    protected = [m.span() for m in _CODE_SPAN.finditer(markdown)]
    fences = [m.start() for m in _FENCE_LINE.finditer(markdown)]
    protected += [(a, b) for a, b in zip(fences[::2], fences[1::2] + [len(markdown)])]

    def fix(match: re.Match[str]) -> str:
        if any(a <= match.start() < b for a, b in protected):
            return match.group(0)
        body = match.group("body")
        if "--" not in body and not body.startswith(("-", ">")) and not body.endswith("-"):
            return match.group(0)
        return "<!--" + body.replace("-", "\u2010") + "-->"  # invisible in the page either way

    return _COMMENT.sub(fix, markdown)


@functools.lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    """One parser per process: building markdown-it's rule chains costs more than a page.
    Pipe tables as the docs platform reads them (``pipetable``)."""
    return use_pipe_tables(MarkdownIt("commonmark", {"html": True}))


def render_html_body(markdown_text: str, error_codes: tuple[str, ...], *, page_path: str = "",
                     site_map: tuple[tuple[str, str], ...] = (), pages: Collection[str] = (),
                     non_page_md: Collection[str] = (), fallback: Fallback | None = None,
                     context: LinkContext | None = None) -> str:
    """Valid, safe HTML for the portable Markdown of the page at ``page_path`` (or of
    ``context``, which, when given, stands for ``page_path``, ``site_map``, ``pages`` and
    ``non_page_md``).

    Error-table rows get ``id`` = error code and their code cell becomes a row header;
    links and images are mapped by ``html_href``/``asset_href``; the result then goes
    through ``finish_html`` (tree clean-up: no script or plugin elements, no event
    handlers, no unsafe URL, HTML5-valid raw HTML, labelled and scrollable tables).
    """
    md = markdown_renderer()
    tokens = md.parse(normalize_comments(markdown_text))
    codes = set(error_codes)
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open" and (kind := _alert_kind(tokens, index)):
            token.attrSet("class", f"alert alert-{kind.lower()}")
        elif token.type == "th_open":
            token.attrSet("scope", "col")
        elif token.type == "tr_open" and index + 3 < len(tokens) and tokens[index + 1].type == "td_open":
            first = tokens[index + 2].content.strip()
            if first in codes:
                token.attrSet("id", first)
                tokens[index + 1].tag = tokens[index + 3].tag = "th"
                tokens[index + 1].attrSet("scope", "row")
    html = md.renderer.render(tokens, md.options, {})
    if context is None:
        context = LinkContext(page_path, tuple(site_map), frozenset(pages), frozenset(non_page_md))
    return finish_html(html, context, fallback)


def link_context(page: Page, withheld: frozenset[str] = frozenset()) -> LinkContext:
    """How the links of ``page`` are built: ``withheld``, the pages not published in its
    locale, lead to the source locale's (``fallback_url``)."""
    return LinkContext(page.path, page.site_map, page.pages, page.non_page_md, withheld, page.source_locale)


def render_page(env: Environment, fmt: str, page: Page, document: Document, translated: tuple[str, str],
                markdown_text: str, body_cache: dict[tuple, str] | None = None,
                fallback: Fallback | None = None, withheld: frozenset[str] = frozenset()) -> str:
    """One output file's text through the format's Jinja template; ``fallback``: the HTML
    blocks to mark as the source language; ``withheld``: the pages not published in the
    page's locale, whose links lead to the source locale's page (``fallback_url``).

    ``body_cache`` (page path, Markdown, fallback, withheld) -> HTML body lets a caller render
    a page whose Markdown is the same in several locales (untranslated, say) once."""
    template = env.get_template(TEMPLATE_NAMES[fmt])
    context = link_context(page, withheld)
    # the Markdown formats' links are rewritten in the file as written, where the check reads them
    if fmt == "frontmatter":
        return fallback_links(template.render(page=page, front_matter=translated[0], body=translated[1]), context)
    if fmt == "markdown":
        return fallback_links(template.render(page=page, body=markdown_text), context)
    key = (document.path, markdown_text, fallback, withheld)
    html = body_cache.get(key) if body_cache is not None else None
    if html is None:
        html = render_html_body(markdown_text, document.error_codes, fallback=fallback, context=context)
        if body_cache is not None:
            body_cache[key] = html
    return html_file(template.render(page=page, body=Markup(html)))


def html_file(text: str) -> str:
    """An HTML page's text as written: ending with a newline, as text files do. jinja2 drops
    a template's final newline (``keep_trailing_newline``: so that an editor's final newline
    in a project's ``page.md.j2`` adds nothing to the page), so the file gets it here."""
    return text if text.endswith("\n") else text + "\n"


# -- HTML output: links, clean-up and validity (helpers of render_html_body) ------------------

_DROPPED_ELEMENTS = frozenset({
    "script", "noscript", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
    "base", "link", "meta", "form", "input", "button", "select", "textarea", "template", "svg", "math",
})
_RENAMED_ELEMENTS = {"tt": "code", "strike": "s", "acronym": "abbr", "big": "strong", "center": "div",
                     "font": "span", "blink": "span", "marquee": "span", "nobr": "span", "dir": "ul"}
_HTML_ELEMENTS = frozenset("""
    a abbr address area article aside audio b bdi bdo blockquote br caption cite code col colgroup data
    datalist dd del details dfn dialog div dl dt em fieldset figcaption figure footer h1 h2 h3 h4 h5 h6
    header hgroup hr i img ins kbd label legend li main map mark menu meter nav ol optgroup option output
    p picture pre progress q rp rt ruby s samp search section small source span strong sub summary sup
    table tbody td tfoot th thead time tr track u ul var video wbr
""".split())
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background", "cite",
                             "longdesc", "usemap", "xlink:href", "srcset", "dynsrc", "lowsrc", "data"})
_OBSOLETE_ATTRIBUTES = frozenset({"align", "valign", "bgcolor", "border", "cellpadding", "cellspacing",
                                  "frame", "rules", "summary", "char", "charoff", "axis", "abbr", "nowrap",
                                  "hspace", "vspace", "clear", "compact", "type", "language", "charset",
                                  "rev", "shape", "coords", "target", "color", "face", "size"})
_KEEP_TYPE = frozenset({"ol", "a", "source"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def is_safe_url(url: str) -> bool:
    """True for relative URLs and http, https, mailto and tel; false for anything else."""
    scheme = url_scheme(url)
    return not scheme or scheme in SAFE_SCHEMES | {"tel"}


# Code points HTML forbids in text (controls but tab and line breaks, noncharacters, lone
# surrogates): a page may carry them (pasted from a terminal); its Markdown outputs keep them.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """``html`` parsed into a ``<div>``; the code points HTML forbids, which lxml refuses,
    become U+FFFD first (as browsers show NUL)."""
    if _FORBIDDEN.search(html):
        html = _FORBIDDEN.sub("\ufffd", html)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def finish_html(html: str, context: LinkContext = LinkContext(), fallback: Fallback | None = None) -> str:
    """Rendered HTML made safe and valid: the last word on what reaches a page.

    Drops script, style, frame, plugin and form elements (their text too), keeps only the
    content of elements HTML does not know (``<token>``), and drops every ``on*`` and
    namespaced attribute; an unsafe URL empties ``href`` (the link stays as text) or removes the image
    (its alt text stays); obsolete elements and attributes become their HTML5 forms
    (``<a name>`` -> ``id``); no heading level is skipped; ids are made unique (error-row ids win); headings get ids;
    each table is labelled by the heading before it, its data cells carry their column
    header as ``data-label`` (for stacked rows on narrow screens), and it is wrapped in a
    focusable, labelled scroll region.
    """
    if not html.strip():
        return html
    root = parse_fragment(html)
    # Held until the end: lxml then hands the passes below these Python proxies again
    # instead of making (and class-looking-up) a new one per element and pass.
    elements = list(root.iter())
    for element in elements:
        if not isinstance(element.tag, str):  # comments and processing instructions
            if element.getparent() is not None:
                element.drop_tree()
            continue
        if element is root:
            continue
        tag = element.tag.lower()
        if tag in _DROPPED_ELEMENTS:
            element.drop_tree()
            continue
        if tag in _RENAMED_ELEMENTS:
            element.tag = tag = _RENAMED_ELEMENTS[tag]
        if tag not in _HTML_ELEMENTS:  # MAML leftovers such as <token>: shown as their content
            element.drop_tag()
            continue
        _clean_attributes(element, tag, context)
        if tag == "img" and element.getparent() is not None and not element.get("src"):
            element.drop_tree()  # keeps the tail text; an img without src is invalid
    _level_headings(root)
    _assign_ids(root)
    _label_tables(root)
    if fallback is not None:
        _mark_fallback(root, fallback)
    return inner_html(root)


_TEXT_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "caption", "figcaption")


def _mark_fallback(root: lxml.html.HtmlElement, fallback: Fallback) -> None:
    """``lang`` (and ``dir``) on each outermost text block whose text is the source's: one
    segment's, or several, one per line (a table cell's ``<br /><br />`` parts)."""
    marked: set[lxml.html.HtmlElement] = set()
    for element in root.iter(*_TEXT_BLOCKS):
        if element.get("lang") is not None or any(a in marked for a in element.iterancestors()):
            continue
        lines = [" ".join(line.split()) for line in _text_lines(element)]
        if all(line in fallback.texts for line in lines if line) and any(lines):
            element.set("lang", fallback.lang)
            if fallback.dir:
                element.set("dir", fallback.dir)
            marked.add(element)


def _text_lines(element: lxml.html.HtmlElement) -> list[str]:
    """An element's text, a ``<br>`` starting a new line."""
    chunks: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if node.tag == "br":
            chunks.append("\n")
        else:
            chunks.append(node.text or "")
            for child in node:
                walk(child)
                chunks.append(child.tail or "")
    walk(element)
    return "".join(chunks).split("\n")


def inner_html(element: lxml.html.HtmlElement) -> str:
    """The serialized content of an element (its text escaped, as its children's are)."""
    outer = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    return outer[outer.index(">") + 1 : outer.rindex("<")]


def _clean_attributes(element: lxml.html.HtmlElement, tag: str, context: LinkContext) -> None:
    for name in list(element.attrib):
        lowered = name.lower()
        value = element.attrib[name]
        if lowered.startswith("on") or ":" in lowered or lowered == "xmlns" or lowered in ("formaction", "srcdoc", "xmlns", "style") and "expression" in value.lower():
            del element.attrib[name]
        elif lowered in _OBSOLETE_ATTRIBUTES and not (lowered == "type" and tag in _KEEP_TYPE) \
                and not (lowered == "target" and tag == "a"):
            del element.attrib[name]
        elif lowered in ("width", "height") and not value.strip().isdigit():
            del element.attrib[name]
        elif lowered in _URL_ATTRIBUTES:
            if lowered == "srcset" or not is_safe_url(value):
                del element.attrib[name]
            elif lowered == "href" and tag == "a":
                element.set(name, map_url(value, context, page=True))
            elif lowered == "src" and tag == "img":
                element.set(name, asset_href(value, context.page_path, context.site_map))
    if tag == "a" and element.get("name") is not None:
        name = element.attrib.pop("name")
        if name.strip() and element.get("id") is None:
            element.set("id", name)
    if tag == "a" and element.get("target") is not None:
        element.set("rel", "noopener")
    if tag == "img" and element.get("alt") is None:
        element.set("alt", "")


def _level_headings(root: lxml.html.HtmlElement) -> None:
    """No skipped heading level (an h3 straight after the h1 becomes an h2): outline for screen readers."""
    previous = 0
    for heading in list(root.iter(*_HEADINGS)):
        level = min(int(heading.tag[1]), previous + 1)
        heading.tag = f"h{level}"
        previous = level


def _assign_ids(root: lxml.html.HtmlElement) -> None:
    seen: set[str] = set()
    rows = [e for e in root.iter("tr") if e.get("id")]
    for row in rows:
        seen.add(row.get("id"))
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag == "tr" and element in rows:
            continue
        value = element.get("id")
        if value is not None:
            value = re.sub(r"\s+", "-", value.strip())
            if not value or value in seen:
                del element.attrib["id"]
                continue
            element.set("id", value)
            seen.add(value)
    next_number: dict[str, int] = {}
    for heading in (e for e in root.iter(*_HEADINGS) if e.get("id") is None):
        # the docs platform's rule (markdig, GitHub style), so fragments the link checker accepts work
        heading.set("id", claim_slug(slug_github(heading.text_content()) or "section", seen, next_number))
        legacy = slug_docfx_2016(heading.text_content())
        if legacy and legacy not in seen:  # DocFX 2016's id for the same heading, which old links use
            # (a <span> inside a link, as the landing page's <a> around an <h3>: an <a> may hold no <a>)
            inside_link = next(heading.iterancestors("a", "button"), None) is not None
            alias = lxml.html.Element("span" if inside_link else "a", id=legacy)
            alias.tail, heading.text = heading.text, None
            heading.insert(0, alias)
            seen.add(legacy)


def _label_tables(root: lxml.html.HtmlElement) -> None:
    last_heading: str | None = None
    tables: list[tuple[lxml.html.HtmlElement, str | None]] = []
    for element in root.iter():
        if element.tag in _HEADINGS:
            last_heading = element.get("id")
        elif element.tag == "table":
            tables.append((element, last_heading))
    for table, heading in tables:
        headers = [th.text_content().strip() for th in table.xpath("./thead/tr[1]/th|./tr[1]/th")]
        if headers:
            table.set("class", ((table.get("class") or "") + " stack").strip())
            for row in table.xpath("./tbody/tr|./tr[td]"):
                for index, cell in enumerate(row.xpath("./td|./th")):
                    if index < len(headers) and headers[index] and cell.get("data-label") is None:
                        cell.set("data-label", headers[index])
        if table.getparent() is None or table.getparent().get("class") == "table-scroll":
            continue
        wrapper = lxml.html.Element("div")
        wrapper.set("class", "table-scroll")
        wrapper.set("role", "region")
        wrapper.set("tabindex", "0")
        if heading and table.get("aria-labelledby") is None and table.find("caption") is None:
            table.set("aria-labelledby", heading)
        if table.get("aria-labelledby"):
            wrapper.set("aria-labelledby", table.get("aria-labelledby"))
        table.addprevious(wrapper)
        wrapper.tail, table.tail = table.tail, None
        wrapper.append(table)
