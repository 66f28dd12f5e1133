"""``pipeline build``: every page in every locale, incremental, parallel and shardable.

In: ``Settings`` and ``BuildOptions``. Out: an ``Outcome`` and the files under ``out/``.

- A unit of work is one page in one locale. Its fingerprint hashes everything its output
  depends on: the page and the pages it includes (at every depth), their PO files for that
  locale, the templates (project and packaged), the settings, the glossary and our version (not the
  formats asked for: a record lists its outputs per format, ``UnitRecord.behind``). A unit whose
  fingerprint is in the cache and whose outputs in the formats asked for exist is not
  rebuilt; nothing is parsed.
- A page that is not published (``published``: an include fragment, a TOC, a file its
  docfx.json leaves out) is built in the Markdown formats only; its fingerprint says so, and
  the list of pages the links depend on tells published pages from the others, so a
  docfx.json edit rebuilds the pages it moves and the pages that link to them.
- Pages are built in worker processes (``-j N``; default: all cores). Each page is parsed
  once and built for every locale that needs it; output is byte-identical whatever N.
- ``--shard K/N`` builds the pages whose path hashes to K (CRC-32 mod N), so CI matrix jobs
  split a site and their ``out/`` trees merge without conflict (each shard keeps its own
  cache file).
- A broken page, catalog or template is reported and skipped; the others are still built (a
  broken template fails only the outputs that use it: ``units._render``).
- ``--min-coverage``: a page translated below it in a locale is not published there
  (withheld). The other pages of that locale link to it all the same, so their links to it
  lead to its page in the source locale instead, as docs platforms show the source page
  where a translation is missing (``linkmap.fallback_url``). So the withheld pages are decided
  in the main process before any unit is checked or rendered (``decide_withheld``), from
  each page's coverage in each locale, which counts only the translations QA lets through
  (those readers see: ``review.review_catalog``), its own and those of the files it pastes,
  once per paste (``units.Workshop.page_stats``): a record made from the same bytes of the page,
  the files it pastes and their catalogs, and glossary gives it (``UnitRecord.coverage_key``),
  else they are read and reviewed
  (a cold gated build parses each page and reviews each catalog once more, in the workers
  that then build the pages; a build without the gate does none of this). Every page counts, not only a
  shard's: shard jobs decide the same withheld pages. A unit's fingerprint names the
  withheld pages its page and includes may link to (``linked_withheld``: by file name, a
  superset), so a page crossing the threshold rebuilds the pages that link to it, and a PO
  change that crosses no threshold rebuilds its unit only. The workers gate on the same set.
- A page's copies in the other locales must not name a locale it is withheld from
  (``hreflang`` alternates, language switcher). Those published locales are decided per page
  in the worker that has the page (``units.build_chunk``), before any of its units renders:
  for each unit it builds, by the withheld set; for the others, from their cache records.
  Each record keeps the locales its page named (``UnitRecord.alternates``); an up-to-date
  unit of a page now published in other locales is built again by the same worker
  (``PageWork.alternates``, ``PageResult.extra``). A page with no stale unit goes to a worker
  only when the cache already shows such a unit (``_plan``: a ``--locale`` run moved a locale
  across the threshold and left the other locales' pages as they were). They are not in the
  fingerprints, which would make every copy of a page depend on its coverage everywhere.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from .cache import (BuildCache, UnitRecord, build_records, code_digest, digest, file_digest, load_cache,
                    merged_units, tree_digest, withheld_pages)
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .filedigests import FileDigests, marks_key
from .files import case_variant, inside, read_bytes, remove_file, under
from .model import Diagnostic, Document, Stats
from .pagelistlinks import catalog_translations, has_site_root_link
from .project import (Outcome, index_file, load_glossary_file, missing_locales_warnings, output_paths, po_path,
                      source_pages)
from .published import read_publication
from .workers import LazyPool

TYPE_CHECKING = False
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from .units import Tools, Workshop

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    jobs: int = 0  # 0: all cores
    shard: tuple[int, int] = (1, 1)  # K/N, 1-based
    min_coverage: float = 0.0
    formats: tuple[str, ...] = ("frontmatter", "markdown", "html")
    some_locales: bool = False  # --locale: the other configured locales' outputs stay as they are


@dataclass
class PageResult:
    """What a worker returns for one page: per-locale records, files written, diagnostics."""

    page: str
    records: dict[str, UnitRecord] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # up-to-date units built again: their page's locales changed
    failed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # locale -> outputs a broken template failed
    marks: dict[str, bool] = field(default_factory=dict)  # the files' marks its units made (``FileDigests.marks``)


@dataclass(frozen=True)
class PageWork:
    """One page for a worker: the locales to build (stale units), and what the cache says of
    the page's other units, for the worker to decide the page's published locales first."""

    page: str
    locales: tuple[str, ...]
    published: dict[str, bool]  # locale -> whether its last unit was published (from the cache)
    alternates: dict[str, tuple[str, ...]]  # up-to-date published units of the run -> the locales they name
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stale locale -> its formats, when not all


def page_locales(settings: Settings, published: Mapping[str, bool]) -> tuple[str, ...]:
    """The locales a page is published in, which its alternates and language switcher name:
    the source locale always, a locale of the site unless ``published`` says it is not (its
    unit fell under --min-coverage), a pseudo-locale never (it is for testing, not for readers)."""
    return tuple(locale for locale in settings.published_locales if locale not in PSEUDO_LOCALES
                 and (locale == settings.source_locale or published.get(locale, True)))


def page_formats(formats: tuple[str, ...], unpublished: bool) -> tuple[str, ...]:
    """The formats of ``formats`` a page is built in: no HTML for a page that is not published
    (``published``: an include fragment, a TOC, a file its docfx.json leaves out), whose
    Markdown outputs DocFX builds the translated site from."""
    return tuple(fmt for fmt in formats if fmt != "html") if unpublished else formats


def below_coverage(settings: Settings, options: BuildOptions, locale: str, coverage: float) -> bool:
    """Whether a page of ``coverage`` percent is left out of ``locale`` (never the source locale)."""
    return locale != settings.source_locale and coverage < options.min_coverage


def unit_fingerprint(settings: Settings, base: str, locale: str, pages: tuple[str, ...], digests: FileDigests,
                     page_list: str = "", withheld: frozenset[str] = frozenset(), names: LinkNames | None = None,
                     unpublished: frozenset[str] = frozenset()) -> str:
    """The page (first) and its includes: their source bytes and this locale's PO bytes; and
    ``page_list`` (``page_list_digest`` of ``digests.all_pages``, the published pages, and of
    the ``.md`` files that are no published pages) when one of those files has a site-root or
    ``~/`` link, or a relative page link to no page of ``digests.all_pages`` in that letter
    case (a PO file: in its translations, which may add such a link, an accepted
    ``qa.link-*``): the links whose built form depends on which pages exist (their letter
    case), and on which ``.md`` files that are no published pages do (such a link keeps its
    ``.md``: ``linkmap.LinkContext``); and the pages of ``withheld`` (not published in
    ``locale``: ``decide_withheld``) they may link to, whose links lead to the source locale's
    page (``linkmap.fallback_url``): a page moving across --min-coverage rebuilds the pages
    that link to it; and whether the page is one of ``unpublished`` (``published``: built
    without HTML). ``digests`` and ``names`` memoize file digests and page names across calls
    (a page is in every locale's units)."""
    parts = [base, locale]
    for page in pages:
        parts.append(digests.file(settings.source / page, page, False))
        if locale != settings.source_locale and locale not in PSEUDO_LOCALES:
            parts.append(digests.file(po_path(settings, locale, page), page, True))
    if any(part.endswith("/") for part in parts[2:]):
        parts.append(page_list)
    linked = linked_withheld(settings, pages, withheld, names if names is not None else LinkNames(), locale)
    if linked:  # none for most units: their fingerprints are what they were without the gate
        parts.append("withheld:" + "\n".join(linked))
    if any(page in unpublished for page in pages):  # built without HTML; an include left as a link names it so
        parts.append("unpublished:" + "\n".join(page for page in pages if page in unpublished))
    return digest(*parts)


@dataclass(frozen=True)
class PageNames:
    """What a source page's text may name a page by, for ``linked_withheld``: its text
    (case-folded, percent-decoded) and the words of that text split where a link's path
    segment ends (``/``, ``#``, ``)``, quotes, blanks...)."""

    text: str
    words: frozenset[str]


# Where a path segment of a link ends, and ``=`` and ``:`` (``href=x.md``, ``[r]:x.md``);
# a page whose name holds one of these is looked for in the whole text instead.
_NAME_BREAK = re.compile(r"""[\s()<>\[\]{}"'`/\\#?|=:]+""")


def page_names(data: bytes | None) -> PageNames | None:
    """The names in a page's bytes (None: the page has a site-root or ``~/`` link, which may
    name any page, a folder's ``index.md`` by a site-map prefix that is not its folder's name)."""
    if data is None:
        return PageNames("", frozenset())
    if has_site_root_link(data):
        return None
    text = data.decode("utf-8", "replace")
    text = (unquote(text) if "%" in text else text).casefold()
    return PageNames(text, frozenset(_NAME_BREAK.split(text)))


@dataclass(frozen=True)
class WithheldNames:
    """The pages of one withheld set by what a link names them by: a link names a page by
    its file name, with ``.md`` or without (``by_word``); a folder's ``index.md`` maybe by
    the folder alone (``../``), so any text may link to it (``always``); a name holding a
    ``_NAME_BREAK`` character is looked for in the whole text (``odd``). A superset of the
    links (``linkmap.linked_page`` finds them): a word that is no link costs a rebuild, a
    link missed would cost a stale page."""

    by_word: Mapping[str, tuple[str, ...]]
    always: tuple[str, ...]
    odd: tuple[tuple[str, str], ...]  # (name, page)


def withheld_names(withheld: frozenset[str]) -> WithheldNames:
    by_word: dict[str, list[str]] = {}
    always, odd = [], []
    for page in sorted(withheld):
        stem = posixpath.basename(page[:-3]).casefold()
        if stem == "index":
            always.append(page)
        elif _NAME_BREAK.search(stem):
            odd.append((stem, page))
        else:
            for word in (stem, f"{stem}.md"):
                by_word.setdefault(word, []).append(page)
    return WithheldNames({w: tuple(p) for w, p in by_word.items()}, tuple(always), tuple(odd))


def names_linked(names: PageNames, table: WithheldNames) -> set[str]:
    """The pages of ``table`` a text with ``names`` may link to."""
    linked = set(table.always)
    for word in table.by_word.keys() & names.words:
        linked.update(table.by_word[word])
    linked.update(page for name, page in table.odd if name in names.text)
    return linked


@dataclass
class LinkNames:
    """``linked_withheld``'s memo for a run: each file's ``page_names`` (a page's, a PO
    file's translations': by path), each withheld set's ``withheld_names`` (a page is in
    every locale's units)."""

    pages: dict[str, PageNames | None] = field(default_factory=dict)
    sets: dict[frozenset[str], WithheldNames] = field(default_factory=dict)


def linked_withheld(settings: Settings, pages: tuple[str, ...], withheld: frozenset[str],
                    memo: LinkNames, locale: str = "") -> tuple[str, ...]:
    """The pages of ``withheld`` that ``pages`` (a page and its includes) may link to in
    ``locale`` (``names_linked`` of their source text and of the translations of their PO
    files there, ``pagelistlinks.catalog_translations``: a translation whose ``qa.link-*``
    is accepted links where it says, and GNU's wrapping cuts a name over two lines of the
    file; all of them when one of those has a site-root link), sorted."""
    if not withheld:
        return ()
    if withheld not in memo.sets:
        memo.sets[withheld] = withheld_names(withheld)
    table = memo.sets[withheld]
    translated = locale and locale != settings.source_locale and locale not in PSEUDO_LOCALES
    files = [(settings.source / page, False) for page in pages]
    files += [(po_path(settings, locale, page), True) for page in pages] if translated else []
    linked: set[str] = set()
    for path, catalog in files:
        key = str(path)
        if key not in memo.pages:
            data = read_bytes(path)
            memo.pages[key] = page_names(catalog_translations(data) if catalog and data is not None else data)
        found = memo.pages[key]
        if found is None:
            return tuple(sorted(withheld))
        linked |= names_linked(found, table)
    return tuple(sorted(linked))


def coverage_base(settings: Settings) -> str:
    """What every page's coverage depends on beside its bytes (``coverage_key``): the
    settings (the keys translated), the glossary's bytes (the terms QA wants kept: a
    translation QA rejects is not counted) and our code (QA's checks too); made once a run."""
    return digest(settings.relocatable_key(), file_digest(settings.glossary) if settings.glossary else "-",
                  code_digest())


def coverage_key(settings: Settings, base: str, locale: str, page: str, digests: FileDigests,
                 includes: Sequence[str] = ()) -> str:
    """What a page's coverage in ``locale`` is computed from (``UnitRecord.coverage_key``):
    ``base`` (``coverage_base``), its source bytes and its PO file's and those of the files
    its build pastes (``includes``: the unit's record's, at every depth, a missing one too),
    which is all its review and the files it pastes depend on (``review.review_catalog``,
    ``includes.walk_includes``), not their marks (links count no messages). ``digests``:
    ``unit_fingerprint``'s memo: each file read once a run."""
    return digest(base, *(part for path in (page, *includes)
                          for part in (digests.file(settings.source / path, path, False).rstrip("/"),
                                       digests.file(po_path(settings, locale, path), path, True).rstrip("/"))))


def page_coverages(settings: Settings, work: Mapping[str, Sequence[str]],
                   glossary: frozenset[str], tools: Tools | None = None) -> dict[tuple[str, str], float | None]:
    """The coverage of each page of ``work`` in each of its locales as its unit is gated with
    (``units.Workshop.page_stats``: the files it pastes counted, its catalogs reviewed with
    the same ``glossary``, a translation QA rejects not counted), by (locale, page); None
    when its page or a catalog it needs cannot be read (its unit fails and says why). Each
    page parsed once; ``tools``: the process's ``units.Tools``, if made."""
    from .units import Workshop, make_tools

    shop = Workshop(settings, tools or make_tools(settings, glossary))
    return {(locale, page): shop.page_coverage(locale, page) for page, locales in work.items() for locale in locales}


# (work: page -> locales) -> (locale, page) -> coverage: ``page_coverages``, maybe in workers
Coverages = Callable[[Mapping[str, Sequence[str]]], dict[tuple[str, str], float | None]]


def decide_withheld(settings: Settings, options: BuildOptions, all_pages: frozenset[str],
                    records: Mapping[str, UnitRecord], digests: FileDigests,
                    coverages: Coverages | None = None) -> dict[str, frozenset[str]]:
    """Per locale, the pages of ``all_pages`` (the published pages: one that is not, an
    include fragment or a TOC, is pasted into pages or is DocFX's navigation in every locale)
    not published there under --min-coverage, decided before any unit renders: every unit
    needs them, for its links to them lead to the source locale's
    page (``linkmap.fallback_url``), and its fingerprint names those it may link to. A
    page's coverage (``units.Workshop.page_stats``: the files it pastes counted) is taken from
    a record made from the same inputs (``coverage_key``: the page, the files it pasted and
    their catalogs, whatever else changed), else computed (``coverages``: by
    default ``page_coverages`` in this process; a cold build reviews every catalog for it,
    which ``_worker_coverages`` spreads over the workers). All pages, not only a
    shard's: each shard job decides the same, from the pages and catalogs alone. A page
    whose page or catalog cannot be read stays as the last build left it, withheld or not
    (its unit fails, says why and keeps its outputs; links to it keep working)."""
    if options.min_coverage <= 0:
        return {}
    base = coverage_base(settings)
    gated = [locale for locale in settings.all_locales
             if locale != settings.source_locale and locale not in PSEUDO_LOCALES]  # the others: always published
    found: dict[tuple[str, str], float | None] = {}
    work: dict[str, list[str]] = {}  # page -> the locales its coverage is computed in
    for locale in gated:
        for page in sorted(all_pages):
            record = records.get(BuildCache.key(locale, page))
            key = coverage_key(settings, base, locale, page, digests, record.includes if record is not None else ())
            if record is not None and record.coverage_key == key and record.stats:
                found[(locale, page)] = record.page_stats().coverage
            else:
                work.setdefault(page, []).append(locale)
    if work:
        found.update(coverages(work) if coverages is not None
                     else page_coverages(settings, work, load_glossary_file(settings)))
    withheld: dict[str, frozenset[str]] = {}
    for locale in gated:
        left_out = set()
        for page in sorted(all_pages):
            coverage = found[(locale, page)]
            if coverage is None:  # the page or its catalog cannot be read: its unit fails and keeps
                record = records.get(BuildCache.key(locale, page))  # its outputs, so its state is the last build's
                if record is not None and record.skipped:
                    left_out.add(page)
            elif below_coverage(settings, options, locale, coverage):
                left_out.add(page)
        withheld[locale] = frozenset(left_out)
    return withheld


def page_list_digest(pages: Iterable[str], non_page_md: Iterable[str] = ()) -> str:
    """What the built links of a page with site-root links depend on: the pages that exist,
    and the ``.md`` files that are no pages (after an empty part: no page is named "")."""
    return digest(*sorted(pages), "", *sorted(non_page_md))


def in_shard(page: str, shard: tuple[int, int]) -> bool:
    k, n = shard
    return n <= 1 or zlib.crc32(page.encode("utf-8")) % n == k - 1


def _base_fingerprint(settings: Settings, options: BuildOptions, all_pages: list[str]) -> str:
    """What every unit depends on; of the list of published pages (``all_pages``), whether
    there is a root ``index.md`` (every page's link to the page list is then
    ``contents.html``; see ``unit_fingerprint`` for the pages whose links depend on the whole
    list)."""
    return digest(
        settings.relocatable_key(), repr(options.min_coverage), tree_digest(settings.templates), code_digest(),
        file_digest(settings.glossary) if settings.glossary else "-", index_file(all_pages),
    )


def run_build(settings: Settings, options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    non_page_md: list[str] = []
    unreadable: list[str] = []  # source folders that could not be listed: their pages are unknown, not gone
    all_pages = source_pages(settings, outcome.diagnostics, non_page_md, unreadable)
    outcome.diagnostics += missing_locales_warnings(settings)
    publication = read_publication(settings.source, all_pages, settings.display)
    outcome.diagnostics += publication.diagnostics
    unpublished = publication.unpublished  # built without HTML; links name them as files
    published = publication.published(all_pages)
    pages = [p for p in all_pages if in_shard(p, options.shard)]
    k, n = options.shard
    cache_dir = settings.out / ".cache"
    cache = load_cache(cache_dir / (f"build-{k}-of-{n}.json" if n > 1 else "build.json"))
    merged_shards = build_records(cache_dir)[1:] if n == 1 else []
    # out/ trees of CI shard jobs, merged: their work counts, and is newer than this cache's
    # (a whole build removes the shards' records it merged), as when a shard ran over a whole build
    cache.units.update(merged_units(merged_shards))
    base = _base_fingerprint(settings, options, published)
    page_list = page_list_digest(published, [*non_page_md, *unpublished])
    known_pages = frozenset(published)
    # the files' marks the last build made under this page list and code: a file not changed
    # since is not scanned again (``FileDigests``)
    marked_under = marks_key(page_list, code_digest())
    digests = FileDigests(known_pages, cache.marks if cache.marks_key == marked_under else {},
                          frozenset(all_pages) | frozenset(non_page_md))
    # a shard's cache holds its own pages' records; the coverage of the others may be in the
    # other caches of this out/ (records are content-addressed there: ``coverage_key``)
    known = cache.units if n == 1 else {**merged_units(build_records(cache_dir)), **cache.units}
    pool = LazyPool(functools.partial(_start_pool, settings))  # started by the first stage with parallel work
    try:
        withheld = decide_withheld(settings, options, known_pages, known, digests, _worker_coverages(settings, options, pool))
        stale, fresh, some_formats = _sort_units(settings, options, cache.units, pages, base, page_list, unpublished,
                                                 withheld, digests)
        results = _run_pages(settings, base, options, _plan(settings, cache.units, fresh, stale, pages, some_formats),
                             withheld, progress, pool)
    finally:
        pool.close()
    rebuilt = {BuildCache.key(locale, result.page) for result in results for locale in result.extra}
    attempted = rebuilt | {BuildCache.key(locale, page) for page, locales in stale.items() for locale in locales}
    units = {key: record for key, record in fresh.items() if key not in rebuilt}
    for record in units.values():  # up to date, and still as broken as when it was built
        outcome.diagnostics += record.reported()
    if options.some_locales:
        # a run restricted with --locale leaves the other locales' pages as they are (their
        # records are carried over, so their outputs are not taken for stale ones); without
        # it, a locale no longer configured is stale and its outputs go
        shown = set(pages)
        units.update((key, record) for key, record in cache.units.items()
                     if key.partition("\t")[0] not in settings.all_locales and key.partition("\t")[2] in shown)
    if unreadable:  # their units stay as they were: outputs kept, not taken for a removed page's
        units.update((key, record) for key, record in cache.units.items()
                     if key not in units and under(key.partition("\t")[2], unreadable))
    for result in results:
        outcome.diagnostics += result.diagnostics
        outcome.written += result.written
        digests.marks.update(result.marks)  # a cold build's too: the next build scans none of those files
        for locale, record in result.records.items():
            key = BuildCache.key(locale, result.page)
            gone = (output_paths(locale, result.page)["html"],) if result.page in unpublished else ()
            units[key] = with_other_outputs(record, cache.units.get(key), result.failed.get(locale, ()), gone)
    for key in sorted(attempted - units.keys()):  # a failed unit keeps its previous output, rebuilt next time
        if key in cache.units:
            units[key] = replace(cache.units[key], fingerprint="", findings=(), review="",  # its title and images still listed
                                 include_findings=())
    _remove_stale_outputs(settings, cache, units)
    cache.units = units
    cache.marks, cache.marks_key = digests.marks, marked_under
    # shards write pages only; the site files come after the merge. Nor are they written when
    # a source folder could not be listed: without its pages, the indexes and error catalogs
    # would lose them (and a later run, its units up to date, would not write them again)
    if options.shard == (1, 1) and not unreadable:
        _update_site(settings, options, base, cache, pages, bool(stale), outcome)
    try:
        cache.save()
    except OSError:
        pass  # an unwritable out/ is reported by the outputs; a lost cache only costs speed
    for shard_cache in merged_shards:
        shard_cache.unlink(missing_ok=True)
    for page in pages:  # up to date or built now: the same lines as a clean build
        for locale in settings.all_locales:
            record = units.get(BuildCache.key(locale, page))
            if record is not None and record.skipped:
                outcome.lines.append(_withheld_line(locale, page, record.page_stats(), options.min_coverage))
    for locale in settings.all_locales:
        outcome.lines.append(_coverage_line(locale, [units.get(BuildCache.key(locale, page)) for page in pages]))
    built = sum(1 for result in results for locale, record in result.records.items()
                if not record.skipped and locale not in result.failed)
    failed = len(attempted) - sum(len(result.records) - len(result.failed) for result in results)
    outcome.lines.append(
        f"build: {len(pages)} page(s) x {len(settings.all_locales)} locale(s): {built} built, "
        + (f"{failed} failed, " if failed else "")
        + f"{len(fresh) - len(rebuilt)} up to date, {len(outcome.written)} file(s) written in {time.perf_counter() - started:.2f}s"
    )
    # in file and line order: the same lines whatever was up to date, rebuilt or built by which worker
    outcome.diagnostics.sort(key=lambda d: (d.location.path, d.location.line, d.location.column, d.code, d.message))
    return outcome


def _withheld_line(locale: str, page: str, stats: Stats, min_coverage: float) -> str:
    """What the build says of a page it left out of ``locale``; a translation QA rejects is
    not counted (readers would see the source text), and the line says how many there are: the
    translator's tool counts them translated."""
    rejected = f" ({stats.rejected} translation(s) rejected by QA)" if stats.rejected else ""
    return (f"build: {locale}: {page} not published: {stats.coverage:.1f}% translated, "
            f"below --min-coverage {min_coverage:g}{rejected}")


def _sort_units(settings: Settings, options: BuildOptions, records: Mapping[str, UnitRecord], pages: list[str],
                base: str, page_list: str, unpublished: frozenset[str], withheld: Mapping[str, frozenset[str]],
                digests: FileDigests) -> tuple[dict[str, list[str]], dict[str, UnitRecord],
                                               dict[str, dict[str, tuple[str, ...]]]]:
    """The units of ``pages`` to build (page -> locales), those up to date (by key: their
    records) and, of those to build, the ones that lack some formats only (page -> locale ->
    those formats; an unpublished page is built in fewer: ``page_formats``)."""
    stale: dict[str, list[str]] = {}
    fresh: dict[str, UnitRecord] = {}
    some_formats: dict[str, dict[str, tuple[str, ...]]] = {}
    names = LinkNames()
    for page in pages:
        for locale in settings.all_locales:
            key = BuildCache.key(locale, page)
            record = records.get(key)
            up_to_date = record is not None and record.fingerprint == unit_fingerprint(
                settings, base, locale, (page, *record.includes), digests, page_list, withheld.get(locale, frozenset()),
                names, unpublished)
            formats = page_formats(options.formats, page in unpublished)
            lacking = _lacking_formats(settings, formats, locale, page, record) if up_to_date else formats
            if up_to_date and not lacking:
                fresh[key] = record
            else:
                stale.setdefault(page, []).append(locale)
                if lacking != formats:
                    some_formats.setdefault(page, {})[locale] = lacking
    return stale, fresh, some_formats


def _coverage_line(locale: str, records: list[UnitRecord | None]) -> str:
    """The locale's coverage, counted over its pages that have a record; a page that failed
    with none (a broken catalog, on a first build) is counted apart, never as translated: a
    locale whose every page failed printed "100.0% translated (0/0 messages)". A translation
    QA rejects is not counted either (its page shows the source text); the line says how many."""
    total = sum((Stats(*record.stats) for record in records if record is not None and record.stats), Stats())
    failed = sum(record is None for record in records)
    if failed and not total.total:
        return f"build: {locale}: no page built ({failed} failed)"
    rejected = f", {total.rejected} rejected by QA" if total.rejected else ""
    return (f"build: {locale}: {total.coverage:.1f}% translated ({total.applied}/{total.total} messages, "
            f"{total.fuzzy} fuzzy{rejected})" + (f"; {failed} page(s) failed, not counted" if failed else ""))


def _lacking_formats(settings: Settings, formats: tuple[str, ...], locale: str, page: str,
                     record: UnitRecord) -> tuple[str, ...]:
    """The formats of ``formats`` (those asked for that the page is built in: ``page_formats``)
    that an up-to-date unit has no current output of (never built in them, left behind by a
    ``--format`` build, or deleted); none for a page not published in the locale."""
    if record.skipped:
        return ()
    paths = output_paths(locale, page)
    return tuple(fmt for fmt in formats
                 if paths[fmt] not in record.outputs or not (settings.out / paths[fmt]).is_file())


def with_other_outputs(record: UnitRecord, previous: UnitRecord | None, failed: tuple[str, ...],
                       gone: tuple[str, ...] = ()) -> UnitRecord:
    """A unit's new record, with the outputs of its previous one that this build did not
    write: those of formats not asked for (``--format``) stay current when the unit's inputs
    did not change, and are kept but behind (``UnitRecord.behind``) when they did; those a
    broken template failed keep their previous file, behind too. So nothing is taken for a
    stale output and removed, and the next build asking for a format builds only what lacks.
    A page not published in the locale keeps none; nor are the outputs of ``gone`` kept, the
    formats the page is no longer built in (the HTML of a page no longer published)."""
    if previous is None or record.skipped:
        return record
    current = previous.fingerprint == record.fingerprint != ""
    written = set(record.outputs)
    outputs = record.outputs + tuple(o for o in previous.outputs if current and o not in written and o not in failed
                                     and o not in gone)
    behind = tuple(o for o in previous.outputs + previous.behind if o not in written and o not in outputs
                   and o not in gone)
    html = any(o.startswith("html/") for o in written)
    return replace(record, outputs=outputs, behind=behind, assets=record.assets if html else previous.assets)


def _plan(settings: Settings, records: Mapping[str, UnitRecord], fresh: Mapping[str, UnitRecord],
          stale: Mapping[str, list[str]], pages: list[str],
          some_formats: Mapping[str, dict[str, tuple[str, ...]]]) -> list[PageWork]:
    """The pages for the workers: those with stale units, and those whose up-to-date units
    name other locales than the cache says the page is published in (a ``--locale`` run moved
    one across --min-coverage and left the other locales' pages as they were)."""
    work = []
    for page in pages:
        published = {locale: not record.skipped for locale in settings.published_locales
                     if (record := records.get(BuildCache.key(locale, page))) is not None}
        alternates = {locale: record.alternates for locale in settings.all_locales
                      if (record := fresh.get(BuildCache.key(locale, page))) is not None and not record.skipped}
        locales = tuple(stale.get(page, ()))
        if locales or set(alternates.values()) - {page_locales(settings, published)}:
            work.append(PageWork(page, locales, published, alternates, some_formats.get(page, {})))
    return work


def _update_site(settings: Settings, options: BuildOptions, base: str, cache: BuildCache, pages: list[str],
                 stale: bool, outcome: Outcome) -> None:
    """Write the site files when what they are made from changed (the units, the images and
    files the pages show) or one of them is gone; remove those a clean build would not write."""
    units = cache.units
    old = set(cache.site_outputs)
    if "html" in options.formats:
        assets = sorted({a for record in units.values() for a in record.assets})
        listings: dict[str, dict[str, list[str]]] = {}
        fingerprint = digest(base, *(f"{key}={record.fingerprint}" for key, record in sorted(units.items())),
                             *(f"{a}={_asset_digest(settings, a, listings)}" for a in assets))
        if not stale and fingerprint == cache.site_fingerprint and all((settings.out / o).is_file() for o in old):
            return
        new, kept = _write_site(settings, units, pages, outcome)  # indexes, error catalogs, stylesheets, images
        if kept:  # a broken index template or PO file: its error is reported again next time, the old file stays
            fingerprint, new = "", new | kept
    else:  # --format without html: the site files are not asked for either, and stay as they are
        return
    if options.some_locales:  # --locale: the other locales' site files stay as they are
        new |= {o for o in old if o.split("/")[1] not in settings.all_locales}
    pages_written = {o for record in units.values() for o in record.outputs}  # index.md's index.html
    for output in sorted(old - new - pages_written):
        _remove_output(settings, output)
    cache.site_outputs, cache.site_fingerprint = tuple(sorted(new)), fingerprint


def _remove_stale_outputs(settings: Settings, cache: BuildCache, units: dict[str, UnitRecord]) -> None:
    """Outputs of pages that left the source (or fell under --min-coverage) are removed."""
    keep = {o for r in units.values() for o in (*r.outputs, *r.behind)}
    for record in cache.units.values():
        for output in record.outputs:
            if output not in keep:
                _remove_output(settings, output)


def _remove_output(settings: Settings, output: str) -> None:
    """Remove an output file, and the folders its removal leaves empty (a page of ``EULA/``
    left out of de-DE takes ``html/de-DE/EULA/`` with it, a locale gone its tree)."""
    remove_file(settings.out / output, settings.out)


# Chunks per worker process: small chunks keep every worker busy to the end (a worker
# that finishes first idles for about half a chunk), and a chunk costs little to start.
CHUNKS_PER_WORKER = 16


def _run_pages(settings: Settings, base: str, options: BuildOptions, work: list[PageWork],
               withheld: Mapping[str, frozenset[str]], progress: Progress | None, pool: LazyPool) -> list[PageResult]:
    if not work:
        return []
    from .units import build_chunk, make_tools  # rendering code loads only when there is work
    jobs = min(_jobs(options), len(work))
    count = min(len(work), jobs * (CHUNKS_PER_WORKER if jobs > 1 else 4))
    chunks = [work[i::count] for i in range(count)]
    results: list[PageResult] = []
    done = 0
    if jobs == 1:
        tools = make_tools(settings)
        mapped = (build_chunk(settings, base, options, chunk, withheld, tools) for chunk in chunks)
        for chunk_results in mapped:
            results += chunk_results
            done += len(chunk_results)
            if progress:
                progress(done, len(work))
        return sorted(results, key=lambda r: r.page)
    futures = [pool.get(jobs).submit(build_chunk, settings, base, options, chunk, withheld) for chunk in chunks]
    for future in futures:
        chunk_results = future.result()
        results += chunk_results
        done += len(chunk_results)
        if progress:
            progress(done, len(work))
    return sorted(results, key=lambda r: r.page)


def _jobs(options: BuildOptions) -> int:
    return options.jobs or os.cpu_count() or 1


def _start_pool(settings: Settings, jobs: int) -> ProcessPoolExecutor:
    """The build's worker processes (``LazyPool``), each with the run's ``units.Tools``."""
    from .units import start_worker
    from .workers import worker_pool

    glossary = load_glossary_file(settings)  # here: a broken glossary is one located error, not a broken pool
    return worker_pool(jobs, start_worker, (settings, glossary))


def _worker_coverages(settings: Settings, options: BuildOptions, pool: LazyPool) -> Coverages:
    """``decide_withheld``'s coverages computed in the build's workers when there are many (a
    cold build reviews every page's catalog in every locale): a page whose coverage is not
    known from a record is built too, so the pool, started with all its workers, serves the
    pages next. A few (a catalog or two changed) are computed in this process, in less time
    than every worker takes to start."""
    def coverages(work: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], float | None]:
        jobs = _jobs(options)
        if len(work) < 2 * jobs or jobs == 1:
            return page_coverages(settings, work, load_glossary_file(settings))
        from .units import coverage_chunk

        items = list(work.items())
        count = min(len(items), jobs * CHUNKS_PER_WORKER)
        futures = [pool.get(jobs).submit(coverage_chunk, settings, items[i::count]) for i in range(count)]
        found: dict[tuple[str, str], float | None] = {}
        for future in futures:
            found.update(future.result())
        return found

    return coverages


def _site_translations(shop: Workshop, locale: str, document: Document) -> dict[str, str] | None:
    """A page's translations for the error catalogs; None when its PO file cannot be read:
    the page's own unit reported why (and kept its outputs), and the locale's error catalog
    is kept as it was too (``_write_site``), where the source text would replace its rows'
    translations (a first build, with none to keep, writes it with the source text). The
    other locales' catalogs, indexes and stylesheets are still written."""
    try:
        return shop.translations(locale, document)[0]
    except PipelineError:
        return None


def _asset_file(settings: Settings, asset: str, listings: dict[str, dict[str, list[str]]]) -> str | None:
    """The source file a page shows as ``asset``: in whatever letter case (the docs platform
    ignores it; it is copied to the name the page uses, so that the link works on a
    case-sensitive server too), not a file of our folders in the source (the checker's view)."""
    real = asset if os.path.isfile(settings.source / asset) else case_variant(settings.source, asset, listings)
    return real if real is not None and not under(real, settings.inside_source) else None


def _asset_digest(settings: Settings, asset: str, listings: dict[str, dict[str, list[str]]]) -> str:
    """What the site files' fingerprint knows of an asset: the digest of the file copied for it
    (``_asset_file``), so that an edit of ``media/Pic.PNG`` shown as ``media/pic.png`` is copied."""
    real = _asset_file(settings, asset, listings)
    return file_digest(settings.source / real) if real is not None else "-"


def _write_site(settings: Settings, units: dict[str, UnitRecord], pages: list[str],
                outcome: Outcome) -> tuple[set[str], set[str]]:
    """Per locale: index page, errors.json and .mo; once: the stylesheets; the files the pages show.
    Returns their paths relative to ``out/``, and the files left as they were: an index a broken
    template failed, a locale's error catalog when the PO file of a page with errors cannot be read.

    Built from the cache records (titles, coverage, assets); only the pages that have an
    error table are parsed again, for the error catalogs. The index and the error catalogs
    name the published pages only (``published``); a locale's coverage counts every page."""
    from . import render, site
    from .units import Workshop, located_template_errors, page_meta

    shop = Workshop(settings)
    listed = [page for page in pages if page not in shop.unpublished]
    error_pages = sorted({page for page in listed for locale in settings.all_locales
                          if (r := units.get(BuildCache.key(locale, page))) is not None and r.has_errors})
    documents = [d for d in (shop.document(page) for page in error_pages) if d is not None]
    outputs: dict[str, str | bytes] = {}
    kept: set[str] = set()
    try:
        with located_template_errors(settings):
            outputs.update(site.site_outputs(shop.env))
    except PipelineError as exc:  # a style.css that is not UTF-8: one located line, the previous one stays
        outcome.diagnostics.append(exc.diagnostic)
        outputs["html/default.css"] = site.packaged_stylesheet(shop.env)
        kept.add(f"html/{site.STYLESHEET}")
    asset_bytes: dict[str, bytes | None] = {}
    listings: dict[str, dict[str, list[str]]] = {}
    left_out = withheld_pages(units)  # per locale, the pages not published there (under --min-coverage)
    for locale in settings.all_locales:
        read = {d.path: _site_translations(shop, locale, d) for d in documents}
        translations = {path: found or {} for path, found in read.items()}
        unreadable = None in read.values()  # the locale's error catalog stays as the last build wrote it
        metas: list[render.Page] = []
        assets: set[str] = set()
        total = Stats()
        for page in pages:
            record = units.get(BuildCache.key(locale, page))
            if record is None or not (record.outputs or record.behind):
                continue  # not published: failed, or under --min-coverage
            total = total + Stats(*record.stats)  # each catalog once: an include fragment is a unit too
            if page in shop.unpublished:
                continue
            if output_paths(locale, page)["html"] in record.outputs + record.behind:  # none: its template failed
                metas.append(page_meta(settings, locale, None, {}, record.page_stats().coverage, path=page,
                                       title=record.title))
                assets.update(record.assets)
        arguments = (shop.env, locale, settings.source_locale, settings.published_locales, documents, translations, metas,
                     settings.project)
        options = dict(coverage=total.coverage, site_map=settings.site_map, all_paths=listed,
                       non_page_md=shop.non_page_md, withheld=left_out.get(locale, frozenset()),
                       site_url=settings.site_url)
        try:
            with located_template_errors(settings):
                made = site.locale_outputs(*arguments, **options)
        except PipelineError as exc:  # index.html.j2 or ui.html.j2: one located line, the rest written
            if exc.diagnostic.code != "build.template":
                raise
            outcome.diagnostics.append(exc.diagnostic)
            made = site.locale_outputs(*arguments, **options, with_index=False)
            kept.add(f"html/{locale}/{index_file(listed)}")
        if unreadable:  # keep what the last build wrote; a first build writes the source text
            for path in [path for path in made if path.startswith(f"catalog/{locale}/")]:
                if (settings.out / path).is_file():
                    del made[path]
                    kept.add(path)
        outputs.update(made)
        for asset in sorted(assets):
            if asset not in asset_bytes:  # read once, copied into every locale
                real = _asset_file(settings, asset, listings)
                asset_bytes[asset] = read_bytes(settings.source / real) if real is not None else None
            if asset_bytes[asset] is not None:
                outputs[f"html/{locale}/{asset}"] = asset_bytes[asset]
    for relative, content in outputs.items():
        outcome.write(settings, inside(settings.out, relative), content, output=True)
    return set(outputs), kept


__all__ = ["BuildOptions", "run_build"]
