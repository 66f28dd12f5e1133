"""Which source pages are published pages: what a DocFX project's docfx.json files say.

In: the source folder and its pages (``files.is_page``: source-relative POSIX paths). Out: a
``Publication``: the pages that are no published page, and the located errors of the
docfx.json files read. ``read_publication`` reads them (the edge); the rest is pure.

A page is published unless the nearest docfx.json at or above its folder (within the source
folder) has a ``build.content`` that does not take it, as DocFX builds a docset:

- ``build.content`` is a pattern, a list of patterns and mappings, or one mapping
  ``{"files", "exclude", "src"}`` (``cwd``, its older name): ``files`` and ``exclude`` are a
  pattern or a list of them, relative to ``src`` (itself relative to the docfx.json's folder;
  by default that folder). A page is taken when the ``files`` of one mapping match it and its
  ``exclude`` do not, by DocFX's glob rules (``docfxglob``: ``**``, ``*``, braces, negation,
  letter case ignored, no dot names). The corpus's ``"exclude": ["**/obj/**",
  "**/includes/**"]`` leaves its include fragments out; its root docfx.json's ``Understand/**``
  leaves the folders with a docfx.json of their own to theirs.
- ``toc.md`` (any letter case) under such a docfx.json is its folder's table of contents,
  which DocFX builds into the navigation, not a page.
- A docfx.json without ``build.content`` (one for API metadata only), or one that cannot be
  read as such (not JSON, a list where a pattern goes: a located ``source.docfx`` error),
  publishes every page below it, as a project without docfx.json does: a typo takes nothing
  off the site.

A project without docfx.json publishes every page. Pages not published are still pages:
extracted, translated and built in the Markdown formats (DocFX builds the translated tree
from them: the includes it pastes, the TOCs it shows); they get no HTML page, no place in the
locale index or the error catalog, no coverage gate; a link to one names the file, as a link
to a ``.md`` file that is no page does (``linkmap.LinkContext.non_page_md``).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .docfxglob import GlobError, compile_glob, glob_matches
from .errors import PipelineError, error
from .files import byte_position, read_optional
from .model import Diagnostic

DOCFX_JSON = "docfx.json"
CODE = "source.docfx"
_CONSEQUENCE = "every page below it is published until it is fixed"


@dataclass(frozen=True)
class ContentMapping:
    """One item of ``build.content``: its patterns and the folder they are relative to (an
    absolute POSIX path: ``src`` may lead above the source folder, ``..``)."""

    base: str
    files: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Publication:
    """The source pages that are no published page, and the docfx.json files' errors."""

    unpublished: frozenset[str] = frozenset()
    diagnostics: tuple[Diagnostic, ...] = ()

    def published(self, pages: Iterable[str]) -> list[str]:
        """``pages`` but those not published, in their order."""
        return [page for page in pages if page not in self.unpublished]


def is_toc(page: str) -> bool:
    """Whether a page is a DocFX table of contents (``TOC.md``, ``toc.md``)."""
    return posixpath.basename(page).lower() == "toc.md"


def takes(mappings: Iterable[ContentMapping], root: str, page: str) -> bool:
    """Whether ``build.content`` (``mappings``) takes the page at the source-relative ``page``
    of the source folder ``root`` (absolute POSIX)."""
    where = posixpath.join(root, page)
    for mapping in mappings:
        if not where.startswith(mapping.base.rstrip("/") + "/"):
            continue  # DocFX lists the files below ``src`` only
        relative = where[len(mapping.base.rstrip("/")) + 1:]
        if any(glob_matches(p, relative) for p in mapping.files) and \
                not any(glob_matches(p, relative) for p in mapping.exclude):
            return True
    return False


def unpublished_pages(pages: Iterable[str], rules: Mapping[str, tuple[ContentMapping, ...] | None],
                      root: str) -> frozenset[str]:
    """The pages of ``pages`` that are no published page, given the docfx.json of each folder
    that has one (``rules``: source-relative folder, "" for the root -> its content mappings,
    None when it says nothing about pages) in the source folder ``root``."""
    found = set()
    for page in pages:
        folder = _nearest(page, rules)
        if folder is None:
            continue
        mappings = rules[folder]
        if mappings is not None and (is_toc(page) or not takes(mappings, root, page)):
            found.add(page)
    return frozenset(found)


def _nearest(page: str, folders: Mapping[str, object]) -> str | None:
    """The nearest folder of ``folders`` at or above the page's ("" is the source folder)."""
    folder = posixpath.dirname(page)
    while True:
        if folder in folders:
            return folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def ancestors(pages: Iterable[str]) -> list[str]:
    """Every folder at or above a page's, sorted ("" for the source folder)."""
    found = {""}
    for page in pages:
        folder = posixpath.dirname(page)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return sorted(found)


def read_publication(source: Path, pages: Iterable[str], display: Callable[[Path], str]) -> Publication:
    """The publication of ``pages`` (source-relative) by the docfx.json files of their folders
    and the folders above them within ``source``; each that cannot be read is one located
    error, and publishes every page below it. ``display`` names a file in diagnostics."""
    pages = list(pages)
    root = os.path.abspath(source).replace(os.sep, "/")
    rules: dict[str, tuple[ContentMapping, ...] | None] = {}
    diagnostics: list[Diagnostic] = []
    for folder in ancestors(pages):
        path = source / folder / DOCFX_JSON if folder else source / DOCFX_JSON
        shown = display(path)
        try:
            data = read_optional(path, shown, "file")
            if data is None:
                continue
            rules[folder] = parse_docfx(data, posixpath.join(root, folder) if folder else root, shown)
        except PipelineError as exc:
            diagnostics.append(exc.diagnostic)
            rules[folder] = None
    return Publication(unpublished_pages(pages, rules, root), tuple(diagnostics))


# --- docfx.json (pure) ----------------------------------------------------------------------


def parse_docfx(data: bytes, folder: str, display: str) -> tuple[ContentMapping, ...] | None:
    """A docfx.json's ``build.content`` as mappings relative to ``folder`` (absolute POSIX: the
    docfx.json's own), None when it has none; a located ``source.docfx`` error for a file that
    is not JSON or not of DocFX's shape. Read as DocFX's JSON reader reads it: a UTF-8 BOM,
    ``//`` and ``/* */`` comments and trailing commas are allowed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(display, *byte_position(data, exc.start), f"docfx.json is not valid UTF-8; {_CONSEQUENCE}",
                    CODE) from None
    try:
        config = json.loads(_strict_json(text))
    except json.JSONDecodeError as exc:
        raise error(display, exc.lineno, exc.colno, f"docfx.json is not valid JSON: {exc.msg}; {_CONSEQUENCE}",
                    CODE) from None
    if not isinstance(config, dict):
        raise error(display, 1, 1, f"docfx.json is not a JSON object; {_CONSEQUENCE}", CODE)
    build = config.get("build")
    if build is None:
        return None
    if not isinstance(build, dict):
        raise _shape_error(text, display, "build", "'build' is not an object")
    content = build.get("content")
    if content is None:
        return None
    items = content if isinstance(content, list) else [content]
    return tuple(_mapping(item, folder, text, display) for item in items)


def _mapping(item: object, folder: str, text: str, display: str) -> ContentMapping:
    if isinstance(item, str):
        return ContentMapping(folder, (item,))
    if not isinstance(item, dict):
        raise _shape_error(text, display, "content", "an item of 'build.content' is neither a pattern nor a mapping")
    src = item.get("src", item.get("cwd"))
    if src is not None and not isinstance(src, str):
        raise _shape_error(text, display, "src" if "src" in item else "cwd", "'src' is not a folder name")
    base = posixpath.normpath(posixpath.join(folder, src.replace("\\", "/"))) if src else folder
    return ContentMapping(base, _patterns(item, "files", text, display), _patterns(item, "exclude", text, display))


def _patterns(item: dict, key: str, text: str, display: str) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    patterns = [value] if isinstance(value, str) else value
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise _shape_error(text, display, key, f"'{key}' is neither a pattern nor a list of patterns")
    for pattern in patterns:
        try:
            compile_glob(pattern)  # compiled once here, for every page after
        except GlobError as exc:
            raise _shape_error(text, display, key, f"{key} pattern '{pattern}': {exc}") from None
    return tuple(patterns)


def _shape_error(text: str, display: str, key: str, what: str) -> PipelineError:
    """A located error at the first ``"key":`` of the file (at its start when none)."""
    found = re.search(rf'"{re.escape(key)}"\s*:', text)
    line, column = (1, 1) if found is None else (text.count("\n", 0, found.start()) + 1,
                                                 found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1)
    return error(display, line, column, f"docfx.json: {what}; {_CONSEQUENCE}", CODE)


def _strict_json(text: str) -> str:
    """``text`` with its comments and trailing commas blanked out (each character a space, line
    breaks kept), so that Python's strict reader reads it and its errors keep their places."""
    out = list(text)
    index, in_string = 0, False
    last_comma = -1  # a comma outside strings not yet followed by anything but blanks
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string, last_comma = True, -1
        elif text.startswith(("//", "/*"), index):
            to_line_end = text[index + 1] == "/"
            end = text.find("\n" if to_line_end else "*/", index + 2)
            end = len(text) if end < 0 else end if to_line_end else end + 2
            for blank in range(index, end):
                if out[blank] not in "\r\n":
                    out[blank] = " "
            index = end
            continue
        elif char == ",":
            last_comma = index
        elif char in "]}":
            if last_comma >= 0:
                out[last_comma] = " "
            last_comma = -1
        elif not char.isspace():
            last_comma = -1
        index += 1
    return "".join(out)
