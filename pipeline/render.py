"""Document + translations -> page text in three formats (pure, given a Jinja environment).

In: a ``Document``, a msgid -> msgstr mapping already vetted by QA, the locale, and the
Jinja ``Environment`` built once per run by ``make_environment``. Out: text.

- ``frontmatter``: the source text with each translated segment substituted in place; every
  other character (line endings, comments, blank lines, BOM) is the source's own, so an
  empty catalog gives the source back byte for byte.
- ``markdown``: portable Markdown: the front-matter title as the H1 (the page's own leading
  H1 is dropped so there is one), no front matter, DocFX-only syntax turned into CommonMark
  (alerts become a bold label in the quote, ``[!INCLUDE]`` is replaced by the included
  file's text, ``[!div]`` markers are dropped).
- ``html``: the portable Markdown rendered by markdown-it-py; the error table's rows carry
  ``id`` = error code, so ``page.html#DeviceCapReached`` works in every locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from .model import Document, Segment
from .sanitize import sanitize_translation

FORMATS = ("frontmatter", "markdown", "html")
TEMPLATE_NAMES = {"frontmatter": "page.frontmatter.j2", "markdown": "page.md.j2", "html": "page.html.j2"}

_ALERT_LINE = re.compile(r"^(?P<lead>[ \t]*>[ \t]?)\[!(?P<kind>NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*$",
                         re.IGNORECASE | re.MULTILINE)
_DIV_LINE = re.compile(r"^[ \t]*>?[ \t]*\[!div[^\]]*\][ \t]*(\r\n|\n|\r)?", re.IGNORECASE | re.MULTILINE)
_INCLUDE = re.compile(r"\[!INCLUDE\s*\[(?P<name>[^\]]*)\]\((?P<path>[^)\s]*)\)\]", re.IGNORECASE)
_H1 = re.compile(r"\A(?:[ \t]*(?:\r\n|\n|\r))*#[ \t]+[^\r\n]*(?:\r\n|\n|\r)?")
_MD_LINK = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/|#)(?P<path>[^#?]*?)(?:\.md)?(?P<rest>[#?].*)?$", re.IGNORECASE)


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
    coverage: float
    alternates: tuple[tuple[str, str], ...] = ()


def make_environment(project_templates: Path | None) -> Environment:
    """Project templates override the packaged defaults file by file."""
    loaders = []
    if project_templates is not None and project_templates.is_dir():
        loaders.append(FileSystemLoader(str(project_templates)))
    loaders.append(PackageLoader("pipeline", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


def apply_translations(document: Document, translations: Mapping[str, str]) -> tuple[str, str]:
    """The source text with translated segments substituted in place, as (front matter, body)."""
    text = document.text
    split = document.body_start
    parts: list[list[str]] = [[], []]
    cursor = 0
    for segment in sorted(document.segments, key=lambda s: s.start):
        translated = translations.get(segment.text)
        if not translated or translated == segment.text:
            continue
        part = parts[0] if segment.start < split else parts[1]
        if part is parts[1] and cursor < split:
            parts[0].append(text[cursor:split])
            cursor = split
        part.append(text[cursor : segment.start])
        part.append(_replacement(segment, translated, text))
        cursor = segment.end
    if cursor < split:
        parts[0].append(text[cursor:split])
        cursor = split
    parts[1].append(text[cursor:])
    return "".join(parts[0]), "".join(parts[1])


def _replacement(segment: Segment, msgstr: str, text: str) -> str:
    msgstr = sanitize_translation(segment.text, msgstr)
    if segment.kind == "front-matter":
        return yaml_scalar(msgstr, segment.quote)
    if "\n" in msgstr:
        joiner = segment.prefix or _eol_at(text, segment.end)
        msgstr = msgstr.replace("\n", joiner)
    return msgstr


def _eol_at(text: str, offset: int) -> str:
    match = re.compile(r"\r\n|\n|\r").search(text, offset)
    return match.group(0) if match else "\n"


def yaml_scalar(value: str, quote: str = "") -> str:
    """A YAML scalar for ``value`` in the source's quote style when that style can hold it."""
    if quote == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if quote == "" and "\n" not in value and value == value.strip():
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def front_matter_value(document: Document, translations: Mapping[str, str], key: str) -> str:
    """A front-matter value in the output locale (translated when a translation applies)."""
    if document.front_matter is None:
        return ""
    value = document.front_matter.get(key)
    return translations.get(value, value) if value else ""


def portable_markdown(body: str, title: str, include: Callable[[str], str | None]) -> str:
    """Front matter dropped, title as H1, DocFX syntax made portable."""
    eol = _eol_at(body, 0)
    if title:
        body = _H1.sub("", body, count=1)
        body = f"# {title}{eol}{eol}" + body.lstrip("\r\n")
    body = _DIV_LINE.sub("", body)
    body = _ALERT_LINE.sub(lambda m: f"{m.group('lead')}**{m.group('kind').capitalize()}**", body)

    def inline(match: re.Match[str]) -> str:
        content = include(match.group("path"))
        if content is None:
            return f"[{match.group('name')}]({match.group('path')})"
        return content.strip("\r\n")

    return _INCLUDE.sub(inline, body)


def _markdown_renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def render_html_body(markdown_text: str, error_codes: tuple[str, ...]) -> str:
    """HTML for the portable Markdown; error-table rows get ``id`` = error code."""
    md = _markdown_renderer()
    tokens = md.parse(markdown_text)
    codes = set(error_codes)
    for index, token in enumerate(tokens):
        if token.type == "th_open":
            token.attrSet("scope", "col")
        elif token.type == "tr_open" and index + 2 < len(tokens) and tokens[index + 1].type == "td_open":
            first = tokens[index + 2].content.strip()
            if first in codes:
                token.attrSet("id", first)
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    child.attrSet("href", html_href(str(child.attrGet("href") or "")))
    return md.renderer.render(tokens, md.options, {})


def html_href(href: str) -> str:
    """Relative page links point at the built ``.html`` of the same locale."""
    match = _MD_LINK.match(href)
    if not match or not match.group("path"):
        return href
    path = match.group("path")
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    if suffix and suffix != ".md":
        return href
    return path + ".html" + (match.group("rest") or "")


def render_page(env: Environment, fmt: str, page: Page, document: Document, translated: tuple[str, str],
                markdown_text: str) -> str:
    """One output file's text through the format's Jinja template."""
    template = env.get_template(TEMPLATE_NAMES[fmt])
    if fmt == "frontmatter":
        return template.render(page=page, front_matter=translated[0], body=translated[1])
    if fmt == "markdown":
        return template.render(page=page, body=markdown_text)
    body = Markup(render_html_body(markdown_text, document.error_codes))
    return template.render(page=page, body=body)
