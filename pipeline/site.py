"""The site around the HTML pages: index page per locale, stylesheet, files pages link to (pure).

In: the ``render.Page`` records of one locale's built pages (title, coverage, lang, dir),
the Jinja environment, and rendered page HTML. Out: an ``IndexPage`` record and its HTML,
the stylesheet text (the project's ``templates/style.css`` when it has one, else the
packaged one), and the source-relative paths of the local files (images, downloads) a
built page refers to, for the build to copy next to it. Nothing here reads or writes files
except through the Jinja loader.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html
from babel import Locale, UnknownLocaleError
from babel.numbers import format_percent
from jinja2 import Environment, PackageLoader

from . import errorcatalog
from .catalog import plural_forms
from .config import parse_locale, po_language
from .files import name_problem
from .model import Document
from .linkmap import path_url, quote_path
from .project import index_file
from .render import Page, html_file
from .sanitize import url_scheme
from .urls import split_url

STYLESHEET = "style.css"
INDEX_TEMPLATE = "index.html.j2"


@dataclass(frozen=True)
class IndexEntry:
    """One page as the index lists it."""

    path: str  # source-relative ``x/y.md``
    href: str  # relative to the locale folder: ``x/y.html``
    title: str
    coverage: float  # percent of messages shown translated (not those QA rejects)
    coverage_text: str  # ``48 %`` in the locale's number format


@dataclass(frozen=True)
class IndexPage:
    """What ``index.html.j2`` sees: the locale, its pages, the other locales' indexes."""

    locale: str
    source_locale: str
    lang: str
    dir: str
    title: str
    entries: tuple[IndexEntry, ...]
    coverage: float
    coverage_text: str
    alternates: tuple[tuple[str, str], ...] = ()
    head_alternates: tuple[tuple[str, str], ...] = ()  # as ``render.Page``'s, with ``site_url``
    canonical: str = ""


def absolute_links(site_url: str, locale: str, path: str,
                   alternates: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], ...], str]:
    """A built page's hreflang alternates and canonical URL as full URLs under ``site_url``
    (``Settings.site_url``; nothing when it is ""): ``alternates`` are relative to the page
    at ``<locale>/<path>`` of ``out/html/`` (``../fr-FR/x.html``), as the switcher has them."""
    if not site_url:
        return (), ""
    here = posixpath.dirname(f"{locale}/{path}")
    absolute = tuple((hreflang, site_url + posixpath.normpath(posixpath.join(here, href)))
                     for hreflang, href in alternates)
    return absolute, site_url + quote_path(f"{locale}/{path}")


def _babel(locale: str) -> Locale | None:
    try:
        return parse_locale(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def html_lang(locale: str) -> str:
    """The ``lang`` attribute for a locale tag: BCP 47 from Babel. A pseudo-locale name is
    not valid BCP 47 (``ploc`` is no registered script), so ``qps-ploc`` is written with a
    private-use subtag, ``qps-x-ploc``."""
    if locale.startswith("qps-"):
        return "qps-x-" + locale[4:]
    parsed = _babel(locale)
    return str(parsed).replace("_", "-") if parsed else locale


def text_direction(locale: str) -> str:
    """``rtl`` or ``ltr`` from Babel's character order (``qps-plocm`` is the mirrored pseudo-locale)."""
    if locale == "qps-plocm":
        return "rtl"
    parsed = None if locale.startswith("qps") else _babel(locale)
    return "rtl" if parsed is not None and parsed.character_order == "right-to-left" else "ltr"


@functools.lru_cache(maxsize=None)
def language_name(locale: str) -> str:
    """A locale's name in its own language (``Deutsch (Deutschland)``); the tag when unknown.

    Register as a Jinja filter (``env.filters["language_name"] = site.language_name``) and
    the language switcher shows names instead of tags.
    """
    parsed = None if locale.startswith("qps") else _babel(locale)
    name = parsed.get_display_name(parsed) if parsed else None
    return (name[:1].upper() + name[1:]) if name else locale


def percent_text(coverage: float, locale: str) -> str:
    """``48 %`` / ``48%`` as the locale writes a whole percentage."""
    parsed = None if locale.startswith("qps") else _babel(locale)
    return format_percent(int(coverage) / 100, locale=parsed or "en_US")


_SUFFIX = re.compile(r"\s*\|\s*([^|]*?)\s*\Z")


def list_titles(titles: Sequence[str]) -> list[str]:
    """Page titles as a list shows them: the site suffix most of them end with (``Configure
    X | Microsoft Intune``: the front matter's title is the browser's, suffix and all) left
    out, as the docs platform's contents do; a title that would be left empty keeps it."""
    ends = [match.group(1) for title in titles if (match := _SUFFIX.search(title)) and match.group(1)]
    if not ends:
        return list(titles)
    suffix = max(sorted(set(ends)), key=ends.count)
    if ends.count(suffix) * 2 <= len(titles):
        return list(titles)
    shown = []
    for title in titles:
        match = _SUFFIX.search(title)
        cut = title[:match.start()] if match and match.group(1) == suffix else title
        shown.append(cut if cut.strip() else title)
    return shown


def index_page(locale: str, source_locale: str, pages: Sequence[Page], all_locales: Sequence[str],
               title: str = "", coverage: float | None = None, name: str = "index.html",
               site_url: str = "") -> IndexPage:
    """The index of one locale: its pages sorted by path, with translated titles and coverage.

    ``pages`` are the ``render.Page`` records the build made for this locale; the index
    lives at ``html/<locale>/index.html`` and links to the other locales' indexes. ``coverage``:
    the locale's overall coverage (message-weighted, as the build reports it); by default the
    mean of the pages'.
    """
    ordered = sorted(pages, key=lambda p: p.path)
    titles = list_titles([page.title or page.path for page in ordered])
    entries = tuple(
        IndexEntry(
            path=page.path,
            href=path_url(page.path[:-3] + ".html"),
            title=title,
            coverage=page.coverage,
            coverage_text=percent_text(page.coverage, locale),
        )
        for page, title in zip(ordered, titles)
    )
    if coverage is None:
        coverage = sum(e.coverage for e in entries) / len(entries) if entries else 100.0
    # the head names every version, this one included, as a page's does (search engines want
    # the self-reference); the switcher (``alternates``) the others
    listed = tuple((other, path_url(f"../{other}/{name}")) for other in all_locales if not other.startswith("qps-"))
    listed += (("x-default", path_url(f"../{source_locale}/{name}")),)
    alternates = tuple(pair for pair in listed if pair[0] != locale)
    head_alternates, canonical = absolute_links(site_url, locale, name, listed)
    return IndexPage(
        locale=locale,
        source_locale=source_locale,
        lang=html_lang(locale),
        dir=text_direction(locale),
        title=title,
        entries=entries,
        coverage=coverage,
        coverage_text=percent_text(coverage, locale),
        alternates=alternates,
        head_alternates=head_alternates or listed,
        canonical=canonical,
    )


def render_index(env: Environment, index: IndexPage) -> str:
    """The HTML of ``html/<locale>/index.html``."""
    return html_file(env.get_template(INDEX_TEMPLATE).render(index=index))


def stylesheets(env: Environment) -> tuple[tuple[str, str], ...]:
    """(file name, text) of the stylesheets to write to ``out/html/``.

    ``style.css`` (what pages link to) is found through the environment's loader, so a
    project's ``templates/style.css`` replaces the packaged one; ``default.css`` is always
    the packaged stylesheet, so an override can start with ``@import url("default.css");``
    and change only what it needs.
    """
    assert env.loader is not None
    return (("default.css", packaged_stylesheet(env)), (STYLESHEET, env.loader.get_source(env, STYLESHEET)[0]))


def packaged_stylesheet(env: Environment) -> str:
    """``default.css``: the packaged ``style.css``, whatever the project's is."""
    return PackageLoader("pipeline", "templates").get_source(env, STYLESHEET)[0]


def local_files(page_html: str, page_path: str) -> tuple[str, ...]:
    """Source-relative paths of the local non-page files a built page links to or shows.

    In: a built page's HTML and its source-relative path. Out: sorted, unique paths such
    as ``media/x.png``, percent-decoded (``my%20pic.png`` is the file ``my pic.png``), only
    those inside the site: no scheme, no site-root path, no ``..`` above the root. The build copies ``source/<path>`` to ``out/html/<locale>/<path>``
    when that file exists.
    """
    root = lxml.html.document_fromstring(page_html) if page_html.strip() else None
    if root is None:
        return ()
    found: set[str] = set()
    page_dir = posixpath.dirname(page_path)
    for element, attribute in ((e, "src") for e in root.iter("img", "source", "video", "audio")):
        _add_local(found, element.get(attribute), page_dir)
    for element in root.iter("a"):
        href = element.get("href") or ""
        path = split_url(href)[0]
        if path and not path.lower().endswith((".html", "/")) and posixpath.splitext(path)[1]:
            _add_local(found, href, page_dir)
    return tuple(sorted(found))


def _add_local(found: set[str], url: str | None, page_dir: str) -> None:
    if not url or url.startswith(("/", "#", "//")) or url_scheme(url):
        return
    path = unquote(split_url(url)[0])  # the file's name: a browser asks for 'my pic.png'
    resolved = posixpath.normpath(posixpath.join(page_dir, path))
    if resolved and resolved != "." and not resolved.startswith("../") and resolved != ".." \
            and name_problem(resolved) is None:  # '%00' or '%0A' names no file of ours
        found.add(resolved)


def site_outputs(env: Environment) -> dict[str, str]:
    """The files shared by every locale, by path relative to ``out/``: the stylesheets."""
    return {f"html/{name}": text for name, text in stylesheets(env)}


def locale_outputs(env: Environment, locale: str, source_locale: str, all_locales: Sequence[str],
                   documents: Sequence[Document], translations: Mapping[str, Mapping[str, str]],
                   pages: Sequence[Page], domain: str, title: str = "", coverage: float | None = None,
                   site_map: tuple[tuple[str, str], ...] = (), base_url: str = "../../html/{locale}/",
                   all_paths: Collection[str] | None = None, with_index: bool = True,
                   non_page_md: Collection[str] = (), withheld: Collection[str] = (),
                   site_url: str = "") -> dict[str, str | bytes]:
    """One locale's site-level files, by path relative to ``out/``.

    ``html/<locale>/index.html``, ``catalog/<locale>/errors.json`` and
    ``catalog/<locale>/LC_MESSAGES/<domain>.mo``. ``documents``: every source page;
    ``translations``: page path -> the vetted msgid -> msgstr mapping the page was built with
    (empty for the source locale); ``pages``: the ``render.Page`` records of the pages
    published in this locale. ``all_paths``: every source page (default: ``documents``'
    paths), when ``documents`` holds only the pages with an error table; ``non_page_md``: the
    source's ``.md`` files that are no pages, which the error rows' links name as files
    (``linkmap.LinkContext``); ``withheld``: the pages left out of this locale under
    --min-coverage, which the error catalog's URLs and links name in the source locale.
    ``with_index=False``: the error catalogs only (for a broken index template).
    ``site_url``: ``Settings.site_url``, for the index's full hreflang and canonical URLs.
    """
    is_source = locale == source_locale
    paths = list(all_paths) if all_paths is not None else [d.path for d in documents]
    entries = errorcatalog.error_entries(documents, translations, locale, base_url, site_map, paths, is_source,
                                         non_page_md, () if is_source else withheld, source_locale)
    messages = errorcatalog.mo_messages(documents, {} if is_source else translations, entries)
    name = index_file(paths)
    outputs: dict[str, str | bytes] = {}
    if with_index:
        index = index_page(locale, source_locale, pages, all_locales, title, coverage, name, site_url)
        outputs[f"html/{locale}/{name}"] = render_index(env, index)
    outputs[f"catalog/{locale}/errors.json"] = errorcatalog.errors_json(entries, locale, source_locale)
    language = po_language(locale)
    try:
        plurals = plural_forms(language)  # as the locale's PO files say (ja: 1 form, ar: 6)
    except (UnknownLocaleError, ValueError):  # pseudo-locales
        plurals = "nplurals=2; plural=(n != 1);"
    outputs[f"catalog/{locale}/LC_MESSAGES/{domain}.mo"] = errorcatalog.mo_bytes(messages, language, plurals)
    return outputs


def local_file_copies(locale: str, built: Mapping[str, str]) -> dict[str, str]:
    """out-relative destination -> source-relative file, for the files the built pages show.

    ``built``: source page path -> its built HTML in this locale. The build copies
    ``source/<file>`` to ``out/<destination>`` when the source file exists.
    """
    return {f"html/{locale}/{path}": path for page, html in built.items() for path in local_files(html, page)}
