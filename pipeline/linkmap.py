"""How a page's links are written in its outputs (pure).

In: a link's URL as the source writes it and a ``LinkContext``: the linking page's
source-relative path, the site map (URL prefix -> source folder), the source's pages and
its ``.md`` files that are no pages, and the pages not published in the page's locale.
Out: the URL as the built output writes it (``map_url``, ``html_href``, ``asset_href``,
``fallback_url``; ``fallback_links`` for a whole Markdown text), or the source page a link
names (``linked_page``). Relative ``.md`` and extension-less page links get ``.html`` in
HTML, matched to a page without regard to letter case; ``~/`` and site-root links become
relative paths; links to pages left out of a locale lead to the source locale's page.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from .project import has_page, page_stem
from .sanitize import url_scheme
from .urls import split_url


@dataclass(frozen=True)
class LinkContext:
    """What link mapping needs to know: the page (source-relative), the site map, the pages
    (the published ones: ``published``); the source's ``.md`` files that are no published
    pages (no page, ``files.is_page``, or a page not published, such as an include fragment):
    a link to one of those names a file, which keeps its target (the build copies it next to
    the page), where a link to a page gets ``.html``; and the
    pages not published in the page's locale (``withheld``, under --min-coverage), whose
    links lead to their page in ``source_locale`` instead (``fallback_url``)."""

    page_path: str = ""
    site_map: tuple[tuple[str, str], ...] = ()
    pages: frozenset[str] = frozenset()
    non_page_md: frozenset[str] = frozenset()
    withheld: frozenset[str] = frozenset()
    source_locale: str = ""


def _posix(path: str) -> str:
    """A link's path with ``/`` for Windows separators (DocFX accepts them; markdown-it has
    percent-encoded them already)."""
    return _SEPARATOR.sub("/", path)


_SEPARATOR = re.compile(r"\\|%5[Cc]")


def linked_page(url: str, context: LinkContext) -> str | None:
    """The source page (as ``context.pages`` spells it) that a link of ``context.page_path``
    names, as the build resolves page links (``map_url``), letter case ignored: a relative
    link to ``x.md``, ``x`` or ``folder/`` (its ``index.md``), or only as a published URL
    (``_page_by_url``), a ``~/`` link, a site-root link under the site map. None for anything
    else: an external URL, a fragment, a file (a ``.md`` file that is no page too, named
    exactly: ``context.non_page_md``), a page that does not exist."""
    stripped = url.strip()
    if not stripped or stripped.startswith(("#", "//")) or url_scheme(stripped):
        return None
    path = unquote(_posix(split_url(stripped)[0]))
    if path.startswith("~/"):
        target = posixpath.normpath(path[2:])
        return None if _names_non_page_md(target, context.non_page_md) == "exact" else _page_at(target, context.pages)
    if path.startswith("/"):
        mapped = _unmap_prefix(path, context.site_map)
        if mapped is None or _names_non_page_md(mapped, context.non_page_md) == "exact":
            return None
        return _page_at(mapped, context.pages)
    if not path:
        return None
    page_dir = posixpath.dirname(context.page_path)
    if _names_non_page_md(posixpath.normpath(posixpath.join(page_dir, path)), context.non_page_md) == "exact":
        return None  # the file 'NOTES.MD', no page, though a page 'notes.md' is there (``_page_in_its_case``)
    if path.endswith("/"):
        stem = page_stem(page_dir, path + "index")
    elif PurePosixPath(path).suffix.lower() in ("", ".md"):
        stem = page_stem(page_dir, path)
    else:
        return None  # a file, or a built page named as such (``x.html``)
    found = f"{stem}.md" if f"{stem}.md" in context.pages else _pages_by_stem(context.pages).get(stem.casefold())
    return found if found is not None else _page_by_url(path, page_dir, context)


def _page_by_url(path: str, page_dir: str, context: LinkContext) -> str | None:
    """The page a relative link names only as a published URL: joined with the URL of the
    page's folder through the site map, and mapped back (``../deploy-use/x`` from
    ``GetStarted/``, whose folder is ``DeployUse``: ``pipeline check``'s ``link.url-only``)."""
    best: tuple[int, str] | None = None
    for prefix, folder in context.site_map:
        folder = folder.strip("/")
        if page_dir == folder or page_dir.startswith(folder + "/") or not folder:
            if best is None or len(folder) > best[0]:
                rest = page_dir[len(folder):].strip("/")
                best = (len(folder), prefix.rstrip("/") + ("/" + rest if rest else ""))
    if best is None or not best[1].startswith("/"):
        return None
    mapped = _unmap_prefix(posixpath.normpath(posixpath.join(best[1], path)), context.site_map)
    return None if mapped is None else _page_at(mapped, context.pages)


def fallback_url(url: str, context: LinkContext, fmt: str) -> str | None:
    """Where a link to a page not published in the page's locale leads in output format
    ``fmt``: that page in the source locale's output of the same format (relative, from the
    page's output folder, ``out/<fmt>/<locale>/<folder>/``, to ``out/<fmt>/<source>/``), its
    query and fragment kept (the source page has the source's anchors). Docs platforms show
    the source-language page where a translation is missing; linking there, rather than to a
    page that is not built, keeps every link of the locale alive. None: not such a link."""
    if not context.withheld:
        return None
    page = linked_page(url, context)
    if page is None or page not in context.withheld:
        return None
    built = quote_path(page[:-3] + ".html" if fmt == "html" else page)
    return "../" * (context.page_path.count("/") + 1) + f"{context.source_locale}/{built}" + split_url(url.strip())[1]


# What a page's name may hold that a link destination cannot carry as it is: a space or a
# parenthesis ends or breaks a Markdown destination, '#', '?' and '%' would be read as URL syntax
_URL_UNSAFE = re.compile(r"[\x00-\x20()<>#?%\\\x7f]")


def fallback_links(markdown: str, context: LinkContext) -> str:
    """``markdown`` with each link to a page not published in its locale pointed at the
    source locale's Markdown page (``fallback_url``); every other character as it was. The
    links are those ``pipeline check`` reads (``linkscan``); includes and images are kept."""
    if not context.withheld:
        return markdown
    from .linkscan import link_destinations  # only for a locale with pages left out

    parts: list[str] = []
    cursor = 0
    for start, end, link in sorted(link_destinations(markdown), key=lambda place: place[0]):
        if link.kind == "include" or link.is_image or start < cursor or markdown[start:end] != link.target:
            continue
        target = fallback_url(link.target, context, "markdown")
        if target is not None:
            parts += [markdown[cursor:start], target]
            cursor = end
    return "".join(parts) + markdown[cursor:] if parts else markdown


def html_href(href: str, page_path: str = "", site_map: tuple[tuple[str, str], ...] = (),
              pages: Collection[str] = (), non_page_md: Collection[str] = ()) -> str:
    """Where a link of the page at ``page_path`` points in the built HTML of the same locale.

    Relative ``.md`` and extension-less page links get ``.html``; ``..\\x.md`` and ``~/x.md``
    (the source root) are made relative POSIX paths; a site-root link (``/intune/x``) under
    a ``site_map`` URL prefix becomes the relative path of the built page in that folder
    (matched without regard to letter case against ``pages`` when given). External URLs,
    fragments, other site-root links and links to non-page files are kept: images, and the
    ``.md`` files of ``non_page_md`` (``.github/x.md``, ``X.MD``: no page, never built).
    """
    context = LinkContext(page_path, tuple(site_map), frozenset(pages), frozenset(non_page_md))
    return map_url(href, context, page=True)


def asset_href(src: str, page_path: str = "", site_map: tuple[tuple[str, str], ...] = ()) -> str:
    """Where an image or other file a page links to sits next to the built page.

    Same mapping as ``html_href`` without the ``.html`` suffix: the build copies each
    referenced source file to the same relative place under ``out/html/<locale>/``.
    """
    return map_url(src, LinkContext(page_path, tuple(site_map)), page=False)


def map_url(url: str, context: LinkContext, page: bool) -> str:
    if page and context.withheld:
        fallback = fallback_url(url, context, "html")
        if fallback is not None:
            return fallback
    stripped = url.strip()
    if not stripped or stripped.startswith(("#", "//")) or url_scheme(stripped):
        return url
    path, rest = split_url(stripped)
    path = _posix(path)
    page_dir = posixpath.dirname(context.page_path)
    if path.startswith("~/"):
        target = _site_path(posixpath.normpath(path[2:]), context, page)
    elif path.startswith("/"):
        mapped = _unmap_prefix(path, context.site_map)
        if mapped is None:
            return url
        target = _site_path(mapped, context, page)
    else:
        mapped = _with_suffix(path, page)
        if page and (context.pages or context.non_page_md) and mapped != path and not path.endswith("/"):
            mapped = _page_in_its_case(path, mapped, page_dir, context)
        return mapped + rest
    return relative_url(posixpath.relpath(target, page_dir or ".")) + rest


def _page_in_its_case(path: str, mapped: str, page_dir: str, context: LinkContext) -> str:
    """A relative page link (``path``, built as ``mapped``) to a page that exists only in other
    letter case, written in the page's case (``other.md`` -> ``Other.html``): the docs
    platform ignores case, a static server on Linux does not. A link to a ``.md`` file that
    is no page (``LinkContext.non_page_md``) as ``path``: nothing builds it, the build copies
    it under that name. A name of both in some letter case is what it is in the link's case,
    else the page's (``links`` resolves so). Any other link as ``mapped``."""
    file_named = ""
    if context.non_page_md:  # most sites have none: no path worked out for them
        file_named = _names_non_page_md(posixpath.normpath(posixpath.join(page_dir, path)), context.non_page_md)
    if file_named == "exact":  # before the pages: 'X.MD' names that file, not the page 'X.md'
        return path
    stem = page_stem(page_dir, path)
    if has_page(stem, context.pages):
        return mapped
    found = _pages_by_stem(context.pages).get(stem.casefold())
    if found is None:
        return path if file_named else mapped
    built = posixpath.relpath(found[:-3] + ".html", page_dir or ".")
    return "./" + built if mapped.startswith("./") and not built.startswith(".") else built


def _names_non_page_md(target: str, non_page_md: frozenset[str]) -> str:
    """Whether the source-relative ``target`` is one of ``non_page_md`` (the ``.md`` files that
    are no pages): "exact", "case" (only when letter case is ignored), or ""."""
    if not non_page_md or not target.lower().endswith(".md"):
        return ""
    if target in non_page_md:
        return "exact"
    return "case" if target.casefold() in _casefolded(non_page_md) else ""


@functools.lru_cache(maxsize=4)
def _casefolded(names: frozenset[str]) -> frozenset[str]:
    """``names`` case-folded, once per run's set (as ``_pages_by_stem``)."""
    return frozenset(name.casefold() for name in names)


@functools.lru_cache(maxsize=4)
def _pages_by_stem(pages: frozenset[str]) -> dict[str, str]:
    """Pages by their path without ``.md``, case-folded (the first in sorted order wins)."""
    found: dict[str, str] = {}
    for page in sorted(pages):
        if page.lower().endswith(".md"):
            found.setdefault(page[:-3].casefold(), page)
    return found


def relative_url(path: str) -> str:
    """A relative path as a URL a browser reads as one: ``ab:c.html`` (a page named
    ``ab:c.md``) would be the scheme ``ab:``, so it becomes ``./ab:c.html``."""
    return "./" + path if ":" in path.split("/", 1)[0] else path


def quote_path(path: str) -> str:
    """A file path (``my page.html``, ``100%.html``) as a URL path that names it: what a URL
    cannot carry as it is (``_URL_UNSAFE``) percent-encoded, as ``fallback_url`` does."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0)), path)


def path_url(path: str) -> str:
    """``quote_path`` as a relative URL (``relative_url``)."""
    return relative_url(quote_path(path))


def _unmap_prefix(path: str, site_map: tuple[tuple[str, str], ...]) -> str | None:
    lowered = path.lower()
    for prefix, folder in sorted(site_map, key=lambda kv: -len(kv[0].rstrip("/"))):
        key = prefix.lower().rstrip("/")
        if lowered == key or lowered.startswith(key + "/") or not key:
            rest = path[len(key):].strip("/")
            return posixpath.normpath(posixpath.join(folder.strip("/") or ".", rest or "index"))
    return None


def _site_path(target: str, context: LinkContext, page: bool) -> str:
    """A source-relative target, matched case-insensitively to a known page, as built; a
    ``.md`` file that is no page (``LinkContext.non_page_md``) as it is."""
    named = _names_non_page_md(target, context.non_page_md) if page else ""
    if named == "exact":
        return target
    if page and context.pages:
        found = _page_at(target, context.pages)
        if found:
            return found[:-3] + ".html"
    if named:
        return target
    return _with_suffix(target, page)


def _page_at(target: str, pages: frozenset[str]) -> str | None:
    """The page a source-relative site target names, its letter case ignored (``x``,
    ``x.md``, or a folder's ``index.md``), as ``pages`` spells it; None when there is none."""
    stem = target[:-3] if target.lower().endswith(".md") else target
    by_stem = _pages_by_stem(pages)
    return by_stem.get(stem.casefold()) or by_stem.get(f"{stem}/index".casefold())


def _with_suffix(path: str, page: bool) -> str:
    if not page or not path:
        return path
    if path.endswith("/"):
        return path + "index.html"
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".md":
        return path[:-3] + ".html"
    if suffix and suffix != ".html" and re.fullmatch(r"\.[a-z][a-z0-9]{0,4}", suffix):
        return path  # a file: image, archive, script sample
    return path if suffix == ".html" else path + ".html"
