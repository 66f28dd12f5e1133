"""Building units of work: one page in one locale, inside a worker process.

In: ``Settings``, the base fingerprint, ``BuildOptions`` and a chunk of (page, locales).
Out: ``PageResult`` records (cache records, files written, diagnostics, notes) and the
page files under ``out/``. A ``Workshop`` holds what a chunk reuses: parsed pages, vetted
translations per (locale, page) and rendered HTML bodies (a page whose Markdown is the
same in several locales, e.g. untranslated, is rendered once). What every chunk of a run
reuses, the ``Tools`` (the page list and the Jinja environment with its compiled
templates), is made once per process and run. The same workers first compute the pages'
coverages that ``build.decide_withheld`` lacks records for (``coverage_chunk``).
"""

from __future__ import annotations

import itertools
import os
import posixpath
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import catalog, render, site
from .build import (BuildOptions, LinkNames, PageResult, PageWork, coverage_base, coverage_key, page_coverages,
                    page_formats, page_list_digest, page_locales, unit_fingerprint)
from .cache import UnitRecord
from .config import PSEUDO_LOCALES, Settings, babel_locale
from .errors import PipelineError, error
from .filedigests import FileDigests
from .files import inside, read_bytes, write_atomic, write_error
from .linkcache import code_key
from .linkmap import path_url
from .includes import (LIMIT, LOOP, IncludeWalk, include_destination, include_links, include_position, include_target, refusal,
                       refusal_message, walk_includes)
from .model import Diagnostic, Document, Location, Segment
from .pagebuild import page_renderers, pseudo_translations
from .project import index_file, load_catalog_file, load_glossary_file, load_source, po_path, source_pages
from .published import read_publication
from .review import review_catalog, review_key
from .runrecord import content_digest
from .titles import page_title


@dataclass(frozen=True)
class Tools:
    """What the chunks of one run share in a process: the published pages (those links and
    the index name as pages: ``published``), the list of the ``.md`` files that are no
    published page (no page at all, or a page not published), the Jinja environment (each
    template compiled once) and the glossary. Nothing here depends on a page's content, so it
    stays valid for the whole run."""

    all_pages: frozenset[str]  # the published pages
    env: jinja2.Environment
    glossary: frozenset[str]
    page_list: str  # build.page_list_digest(all_pages, non_page_md)
    review_parts: tuple[str, str, str]  # the settings, glossary and code parts of ``review.review_key``
    non_page_md: frozenset[str] = frozenset()  # links name them as files (``linkmap.LinkContext``)
    unpublished: frozenset[str] = frozenset()  # the pages not published: built without HTML


def make_tools(settings: Settings, glossary: frozenset[str] | None = None) -> Tools:
    """The run's tools; ``glossary``: the glossary already read (by the process that starts
    the workers: an error reading it is then reported once, not lost in a worker's start)."""
    non_page_md: list[str] = []
    pages = source_pages(settings, non_page_md=non_page_md)
    unpublished = read_publication(settings.source, pages, settings.display).unpublished  # errors: the build's
    all_pages = frozenset(pages) - unpublished
    env = render.make_environment(settings.templates)
    env.globals["index_file"] = index_file(all_pages)
    if glossary is None:
        glossary = load_glossary_file(settings)
    glossary_bytes = read_bytes(settings.glossary) if settings.glossary else None
    glossary_digest = "" if glossary_bytes is None else content_digest(glossary_bytes)
    files = frozenset(non_page_md) | unpublished
    return Tools(all_pages, env, glossary, page_list_digest(all_pages, files),
                 (repr(settings), glossary_digest, code_key()), files, unpublished)


_worker_tools: Tools | None = None  # a worker process's, for the run whose pool started it


def start_worker(settings: Settings, glossary: frozenset[str]) -> None:
    """Pool initializer: the worker makes its ``Tools`` once, not once per chunk."""
    global _worker_tools
    _worker_tools = make_tools(settings, glossary)


def coverage_chunk(settings: Settings, chunk: list[tuple[str, Sequence[str]]]) -> dict[tuple[str, str], float | None]:
    """Worker entry point for ``build.decide_withheld``: the coverage of each page of the
    chunk in each of its locales (``build.page_coverages``), reviewed with the run's glossary."""
    tools = _worker_tools or make_tools(settings)
    return page_coverages(settings, dict(chunk), tools.glossary, tools)


class Workshop:
    """Per-chunk state: built once, reused for every unit of the chunk."""

    def __init__(self, settings: Settings, tools: Tools | None = None) -> None:
        tools = tools or make_tools(settings)
        self.settings = settings
        self.all_pages = tools.all_pages
        self.non_page_md = tools.non_page_md
        self.unpublished = tools.unpublished
        self.page_list = tools.page_list
        self.env = tools.env
        self.glossary = tools.glossary
        self.review_parts = tools.review_parts
        self.documents: dict[str, Document | None] = {}
        # (locale, page) -> usable translations, stats, QA findings and their ``review.review_key``
        self.vetted: dict[tuple[str, str], tuple[dict[str, str], catalog.Stats, list[Diagnostic], str]] = {}
        self.reported: set[tuple[str, str]] = set()  # (locale, page) whose QA findings were handed out
        self.html_bodies: dict[tuple[str, str], str] = {}
        self.metadata: dict[tuple[str, str], dict[str, str]] = {}  # PO headers (localization metadata)
        self.page_digests: dict[str, str] = {}  # the pages' content digests, for ``review.review_key``
        self.assets: dict[str, tuple[str, ...]] = {}
        self.withheld: Mapping[str, frozenset[str]] = {}  # locale -> pages not published there (``build_chunk``)
        self.names = LinkNames()  # ``build.linked_withheld``'s memo
        # file digests and marks for ``build.coverage_key`` and ``build.unit_fingerprint``: each
        # page and catalog read once a chunk, as the main process reads them once a run
        self.digests = FileDigests(tools.all_pages, md_files=tools.all_pages | tools.non_page_md)
        self.coverage_base = coverage_base(settings)
        self.include_links: dict[str, tuple[tuple[str, int, int], ...]] = {}  # ``_include_links``
        self.walks: dict[str, IncludeWalk] = {}  # ``walk``

    def document(self, page: str) -> Document | None:
        """A parsed source page, or None when it is missing or broken (reported elsewhere).
        (Not ``Path.is_file``, which raises PermissionError in a folder that cannot be searched.)"""
        if page not in self.documents:
            try:
                path = self.settings.source / page
                self.documents[page] = load_source(self.settings, page) if os.path.isfile(path) else None
            except PipelineError:
                self.documents[page] = None
        return self.documents[page]

    def translations(self, locale: str, document: Document,
                     diagnostics: list[Diagnostic] | None = None) -> tuple[dict[str, str], catalog.Stats]:
        """Vetted translations of a page for a locale and its coverage. Its QA findings go to
        the first ``diagnostics`` given for it in this chunk: the page's own unit, even when a
        page that includes it was built first (which asks with none)."""
        key = (locale, document.path)
        if key not in self.vetted:
            self.vetted[key] = self._vet(locale, document)
        usable, stats, findings, _ = self.vetted[key]
        if diagnostics is not None and key not in self.reported:
            self.reported.add(key)
            diagnostics += findings
        return usable, stats

    def includes_of(self, path: str) -> tuple[str | None, ...] | None:
        """The files the includes of the page at ``path`` resolve to, as ``include_resolver``
        finds and resolves them (``includes.IncludesOf``); None when it is missing or broken."""
        document = self.document(path)
        if document is None:
            return None
        return tuple(include_target(path, written) for written in render.include_paths(document.text[document.body_start:]))

    def walk(self, document: Document) -> IncludeWalk:
        """What the build of ``document`` pastes (``includes.walk_includes``; the same files
        ``include_resolver`` pastes: its includes are found in the source text, which a
        translation QA lets through does not change)."""
        if document.path not in self.walks:
            self.documents.setdefault(document.path, document)
            self.walks[document.path] = walk_includes(document.path, self.includes_of)
        return self.walks[document.path]

    def page_stats(self, locale: str, document: Document) -> catalog.Stats:
        """The page's stats in ``locale`` as readers see the page: its own messages and those of
        every file its build pastes, once per paste (a file pasted twice shows twice), at every
        depth, each counted by its own catalog reviewed (``translations``). Raises
        ``PipelineError`` when one of those catalogs cannot be read (the unit fails too)."""
        stats = self.translations(locale, document)[1]
        for path in self.walk(document).pasted:
            included = self.document(path)
            if included is not None:
                stats = stats + self.translations(locale, included)[1]
        return stats

    def page_coverage(self, locale: str, page: str) -> float | None:
        """``page_stats``' coverage of the page at ``page``, or None when it or a catalog it
        needs cannot be read (its unit fails and says why): what ``--min-coverage`` gates on."""
        document = self.document(page)
        if document is None:
            return None
        try:
            return self.page_stats(locale, document).coverage
        except PipelineError:
            return None

    def recorded_review(self, locale: str, document: Document) -> dict:
        """The QA findings of a page's translations in a locale (once ``translations`` ran),
        as ``UnitRecord`` keeps them: ``findings`` and the ``review`` key they were made under."""
        _, _, findings, key = self.vetted[(locale, document.path)]
        return {"findings": UnitRecord.keep_findings(findings), "review": key}

    def _vet(self, locale: str, document: Document) -> tuple[dict[str, str], catalog.Stats, list[Diagnostic], str]:
        settings = self.settings
        msgids = document.msgids
        if locale == settings.source_locale:
            return {}, catalog.Stats(translated=len(msgids), translated_words=sum(len(m.split()) for m in msgids)), [], ""
        if locale in PSEUDO_LOCALES:
            return pseudo_translations(document, locale), catalog.Stats(translated=len(msgids)), [], ""
        loaded = load_catalog_file(settings, locale, document.path)
        if loaded is None:
            return {}, catalog.catalog_stats(None, msgids), [], ""
        po = loaded[0]
        self.metadata[(locale, document.path)] = dict(po.metadata)
        po_display = settings.display(po_path(settings, locale, document.path))
        source_display = settings.display(settings.source / document.path)
        # the coverage of the translations the review lets through: what readers see
        review, stats = review_catalog(document, po, po_display, source_display, self.glossary)
        if document.path not in self.page_digests:  # once a page, not once a locale
            # of the text reviewed (the page's text is its bytes, decoded: ``load_source``)
            self.page_digests[document.path] = content_digest(document.text.encode("utf-8"))
        key = review_key(content_digest(loaded[1]), self.page_digests[document.path], po_display, source_display,
                         *self.review_parts)
        return review.usable, stats, list(review.diagnostics), key

    def include_resolver(self, locale: str, document: Document, found: list[str],
                         problems: list[Diagnostic] | None = None,
                         translated: list[str] | None = None,
                         left: list[Segment] | None = None) -> Callable[[str], str | None]:
        """The function ``render.portable_markdown`` calls for ``[!INCLUDE]``: the included
        page's translated body (its catalog in ``locale``), its own includes inlined the same
        way at every depth, each resolved relative to its file and its links rebased to the
        including file's folder, by ``includes``' rule. Every page it resolves is recorded in
        ``found``, a missing or broken one too (the page is built again when it appears or is
        fixed); an include that rule refuses (a loop, past the limits) stays a link, and its
        error goes to ``problems``; a file pasted with some of its text translated, to
        ``translated`` (its page is then not all in the source language); the segments a
        pasted file shows in the source language (``render.left_in_source``), to ``left``
        (its page's HTML marks them so: ``render.fallback_of``)."""
        pasting = _Pasting(document)

        def resolver(holder: Document, chain: tuple[str, ...]) -> Callable[[str], str | None]:
            folder = posixpath.dirname(holder.path)
            occurrences: dict[str, int] = {}

            def include(written: str) -> str | None:
                target = include_destination(written)  # as the check names it (``include_links``)
                occurrence = occurrences[target] = occurrences.get(target, -1) + 1
                if len(chain) == 1:
                    pasting.top = (target, occurrence)
                resolved = include_target(holder.path, target)
                if resolved is None:
                    return None  # outside the source folder
                found.append(resolved)
                included = self.document(resolved)
                if included is None:
                    return None
                reason = refusal(chain, resolved, pasting.count)
                if reason is not None:
                    if problems is not None:
                        problems.extend(self._refused(pasting, reason, holder, target, occurrence, resolved))
                    return None
                pasting.count += 1
                mapping = self.translations(locale, included)[0]
                body = render.apply_translations(included, mapping, included.portable)[1]  # as its tables' GFM form
                if translated is not None and render.some_translated(included, mapping):
                    translated.append(resolved)
                if left is not None:
                    left.extend(render.left_in_source(included, mapping))
                body = render.inline_includes(body, resolver(included, (*chain, resolved)))
                return render.rebase_links(body, posixpath.dirname(resolved), folder)

            return include

        return resolver(document, (document.path,))

    def _refused(self, pasting: _Pasting, reason: str, holder: Document, written: str, occurrence: int,
                 resolved: str) -> list[Diagnostic]:
        """The error of an include not inlined: a loop at the include, a limit at the page's
        include under which it lies (once for that include)."""
        message = refusal_message(reason, written, holder.path, resolved)
        if reason == "loop":
            where, (line, column) = holder.path, include_position(self._include_links(holder), written, occurrence)
        elif pasting.top in pasting.limited:
            return []
        else:
            pasting.limited.add(pasting.top)
            page = pasting.page
            where, (line, column) = page.path, include_position(self._include_links(page), *pasting.top)
        shown = self.settings.display(self.settings.source / where)
        return [Diagnostic(Location(shown, line, column), "error", message, LOOP if reason == "loop" else LIMIT)]


    def _include_links(self, document: Document) -> tuple[tuple[str, int, int], ...]:
        """``includes.include_links`` of a page's source, once a chain (a loop is met by every
        page that pastes it)."""
        if document.path not in self.include_links:
            self.include_links[document.path] = include_links(document.text)
        return self.include_links[document.path]


class _Pasting:
    """One page's includes being inlined (``Workshop.include_resolver``): how many so far, the
    page's own include under which the current one lies (as written, and which occurrence of
    it), and those of them a limit was reported under."""

    def __init__(self, page: Document) -> None:
        self.page = page
        self.count = 0
        self.top: tuple[str, int] = ("", 0)
        self.limited: set[tuple[str, int]] = set()


def build_chunk(settings: Settings, base: str, options: BuildOptions, chunk: list[PageWork],
                withheld: Mapping[str, frozenset[str]], tools: Tools | None = None) -> list[PageResult]:
    """Worker entry point: build each page of the chunk in each of its stale locales, and in
    the locales whose up-to-date copy names other locales than the page is now published in
    (``tools``: the run's, when called in the main process). ``withheld``: per locale, the
    pages not published there (``build.decide_withheld``): a page of them is not built
    there, and links to them lead to the source locale's page."""
    shop = Workshop(settings, tools or _worker_tools)
    shop.withheld = withheld
    results = []
    for work in chunk:
        result = PageResult(work.page)
        try:
            document = load_source(settings, work.page)
        except PipelineError as exc:
            result.diagnostics.append(exc.diagnostic)
            results.append(result)
            continue
        shop.documents[work.page] = document
        published = _published_locales(shop, document, work, result)
        result.extra = [locale for locale, named in work.alternates.items() if named != published]
        marked = len(shop.digests.marks)  # it only grows, in insertion order
        for locale in settings.all_locales:
            if locale not in work.locales and locale not in result.extra:
                continue
            formats = page_formats(work.formats.get(locale, options.formats), work.page in shop.unpublished)
            try:
                _build_unit(shop, base, locale, document, result, published, formats)
            except PipelineError as exc:
                result.diagnostics.append(exc.diagnostic)
        result.marks = dict(itertools.islice(shop.digests.marks.items(), marked, None))
        results.append(result)
    return results


def _published_locales(shop: Workshop, document: Document, work: PageWork,
                       result: PageResult) -> tuple[str, ...]:
    """The page's published locales, decided before any of its units renders, so that every
    copy names the same ones: a locale built here as its unit is gated (``Workshop.withheld``,
    decided by the coverage of the same stats), the others as the cache says. A locale whose
    catalog is broken keeps its previous output, if any (its unit reports the error when it builds)."""
    published = dict(work.published)
    for locale in work.locales:
        if locale in PSEUDO_LOCALES:
            continue  # never an alternate
        try:
            shop.translations(locale, document, result.diagnostics)  # its QA findings go first to its unit
        except PipelineError:
            published.setdefault(locale, False)
            continue
        published[locale] = document.path not in shop.withheld.get(locale, frozenset())
    return page_locales(shop.settings, published)


def _build_unit(shop: Workshop, base: str, locale: str, document: Document,
                result: PageResult, published: tuple[str, ...], formats: tuple[str, ...]) -> None:
    """Build one unit in ``formats`` (those it lacks: ``build.run_build``) and record it."""
    settings = shop.settings
    translations, stats = shop.translations(locale, document, result.diagnostics)
    shown = shop.page_stats(locale, document)
    pasted = shown.as_tuple() if shop.walk(document).pasted else ()
    withheld = shop.withheld.get(locale, frozenset())
    if document.path in withheld:
        walked = shop.walk(document).pages[1:]  # what its coverage depends on, as a built unit's ``includes``
        fingerprint = unit_fingerprint(settings, base, locale, (document.path, *walked), shop.digests,
                                       page_list=shop.page_list, withheld=withheld, names=shop.names,
                                       unpublished=shop.unpublished)
        covered = coverage_key(settings, shop.coverage_base, locale, document.path, shop.digests, walked)
        result.records[locale] = UnitRecord(fingerprint, (), walked, stats.as_tuple(), skipped=True,
                                            **shop.recorded_review(locale, document), coverage_key=covered,
                                            pasted_stats=pasted)
        return
    meta = page_meta(settings, locale, document, translations, shown.coverage, shop.all_pages, published=published,
                     non_page_md=shop.non_page_md)
    includes: list[str] = []
    refused: list[Diagnostic] = []
    pasted_translated: list[str] = []  # filled while the portable Markdown is made, before any format renders
    pasted_left: list[Segment] = []
    renderers = page_renderers(shop.env, meta, document, translations,
                               shop.include_resolver(locale, document, includes, refused, pasted_translated,
                                                     pasted_left),
                               shop.html_bodies, shop.metadata.get((locale, document.path), {}), formats, withheld,
                               pasted_translated, pasted_left)
    rendered, failed = _render(settings, renderers, result.diagnostics)
    refused = list(dict.fromkeys(refused))  # a loop met on several paths is one error
    result.diagnostics += refused
    for relative, text in rendered.items():
        target = inside(settings.out, relative)
        try:
            changed = write_atomic(target, text)
        except OSError as exc:
            raise write_error(settings.display(target), exc) from None
        if changed:
            result.written.append(settings.display(target))
    included = tuple(dict.fromkeys(includes))
    html = next((text for path, text in rendered.items() if path.startswith("html/")), None)
    if document.path not in shop.assets and html is not None:  # QA keeps link targets: same files in every locale
        shop.assets[document.path] = site.local_files(html, document.path)
    if failed:  # those outputs keep their previous text (``build.with_other_outputs``); the unit is built again next time
        result.failed[locale] = failed
    result.records[locale] = UnitRecord(
        "" if failed else unit_fingerprint(settings, base, locale, (document.path, *included), shop.digests,
                                           page_list=shop.page_list, withheld=withheld, names=shop.names,
                                           unpublished=shop.unpublished),
        tuple(rendered), included,
        stats.as_tuple(), title=meta.title, assets=shop.assets.get(document.path, ()),
        has_errors=bool(document.error_codes), **shop.recorded_review(locale, document),
        alternates=published, include_findings=UnitRecord.keep_findings(refused), pasted_stats=pasted,
        coverage_key=coverage_key(settings, shop.coverage_base, locale, document.path, shop.digests, included),
    )


def _render(settings: Settings, renderers: dict[str, Callable[[], str]],
            diagnostics: list[Diagnostic]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each output rendered apart: a broken template (one located error, ``template_error``)
    fails only the outputs that use it, not the unit's other formats. Returns the texts
    rendered and the paths that failed."""
    rendered: dict[str, str] = {}
    failed: list[str] = []
    for relative, render_one in renderers.items():
        try:
            with located_template_errors(settings):
                rendered[relative] = render_one()
        except PipelineError as exc:
            diagnostics.append(exc.diagnostic)
            failed.append(relative)
    return rendered, tuple(failed)


def page_meta(settings: Settings, locale: str, document: Document | None, translations: dict[str, str],
              coverage: float, pages: frozenset[str] = frozenset(), path: str = "", title: str = "",
              published: Sequence[str] | None = None, non_page_md: frozenset[str] = frozenset()) -> render.Page:
    """What templates see of a page; without a document (the index), ``path`` and ``title``.
    Its title is what the site calls it (``titles.page_title``: the front-matter title, else
    its first heading, else its file name). ``published``: the locales the page is published
    in (``build.page_locales``; by default every locale of the site but the pseudo-locales),
    which its alternates name. ``pages`` and ``non_page_md``: the source's published pages
    and the ``.md`` files that are no published page, which its links name
    (``linkmap.LinkContext``)."""
    if locale not in PSEUDO_LOCALES:
        babel_locale(locale)  # an unknown locale is an error here too
    lang, direction = site.html_lang(locale), site.text_direction(locale)
    path = document.path if document is not None else path
    depth = path.count("/")
    html_name = path[:-3] + ".html"
    up = "../" * (depth + 1)
    # every published version, this one included (as search engines expect); not the pseudo-locales
    if published is None:
        published = page_locales(settings, {})
    alternates = tuple((other, path_url(f"{up}{other}/{html_name}")) for other in published)
    alternates += (("x-default", path_url(f"{up}{settings.source_locale}/{html_name}")),)
    head_alternates, canonical = site.absolute_links(settings.site_url, locale, html_name, alternates)
    return render.Page(
        path=path,
        locale=locale,
        source_locale=settings.source_locale,
        lang=lang,
        dir=direction,
        title=page_title(document, translations) if document is not None else title,
        description=render.front_matter_value(document, translations, "description") if document is not None else "",
        coverage=coverage,
        alternates=alternates,
        head_alternates=head_alternates,
        canonical=canonical,
        site_map=settings.site_map,
        pages=pages,
        non_page_md=non_page_md,
        source_lang=site.html_lang(settings.source_locale),
        source_dir=site.text_direction(settings.source_locale),
        in_source_language=(document is not None and locale != settings.source_locale
                            and render.all_in_source(document, translations)),
    )


@contextmanager
def located_template_errors(settings: Settings) -> Iterator[None]:
    """Raise what a template's code raised (a jinja2 error, or any exception an expression
    raised: a TypeError...) as a ``PipelineError`` located in the template
    (``template_error``); anything else goes through as it is, ours."""
    try:
        yield
    except Exception as exc:
        if not raised_by_template(exc):
            raise
        raise template_error(settings, exc) from None


def raised_by_template(exc: Exception) -> bool:
    """Whether ``exc`` is a jinja2 error or was raised while a template's code ran (a frame of
    a ``.j2`` file in its traceback): a bug of the template, reported at its line; anything
    else is ours, and is not disguised as the template's."""
    return isinstance(exc, jinja2.TemplateError) or _template_frame(exc) is not None


def _template_frame(exc: Exception) -> tuple[str, int] | None:
    """The file and line of the innermost template frame of ``exc``'s traceback (jinja2
    compiles a template's code with its file name), or None."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_error(settings: Settings, exc: Exception) -> PipelineError:
    """A located error for a broken template: the template file and line when known."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:  # runtime errors: the innermost template frame of the traceback
        name, line = _template_frame(exc) or (None, line)
    shown = settings.display(Path(name)) if name else "<template>"
    if isinstance(exc, jinja2.TemplateNotFound):  # its message is the bare name
        message = f"no template '{exc.name}' (neither in the project's templates nor among ours)"
    elif isinstance(exc, jinja2.TemplateError):
        message = getattr(exc, "message", None) or str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}"
    return error(shown, line or 1, getattr(exc, "column", 1), f"template error: {message}", "build.template")
