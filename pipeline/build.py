"""``pipeline build``: every page in every locale, incremental, parallel and shardable.

In: ``Settings`` and ``BuildOptions``. Out: an ``Outcome`` and the files under ``out/``.

- A unit of work is one page in one locale. Its fingerprint hashes everything its output
  depends on: the page and the pages it includes, their PO files for that locale, the
  templates (project and packaged), the settings, the glossary and our version. A unit whose
  fingerprint is in the cache and whose outputs exist is not rebuilt; nothing is parsed.
- Pages are built in worker processes (``-j N``; default: all cores). Each page is parsed
  once and built for every locale that needs it; output is byte-identical whatever N.
- ``--shard K/N`` builds the pages whose path hashes to K (CRC-32 mod N), so CI matrix jobs
  split a site and their ``out/`` trees merge without conflict (each shard keeps its own
  cache file).
- A broken page, catalog or template is reported and skipped; the others are still built.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2

from . import catalog, render, site
from .cache import BuildCache, UnitRecord, code_digest, digest, file_digest, load_cache, tree_digest
from .config import PSEUDO_LOCALES, Settings, babel_locale
from .files import inside, list_pages, write_atomic
from .model import Diagnostic, Document, Location, PipelineError
from .pagebuild import output_paths, pseudo_translations, render_outputs
from .project import Outcome, load_catalog, load_source, po_path
from .qa import load_glossary
from .review import review_translations

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    jobs: int = 0  # 0: all cores
    shard: tuple[int, int] = (1, 1)  # K/N, 1-based
    min_coverage: float = 0.0


@dataclass
class PageResult:
    """What a worker returns for one page: per-locale records, files written, diagnostics."""

    page: str
    records: dict[str, UnitRecord] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def in_shard(page: str, shard: tuple[int, int]) -> bool:
    k, n = shard
    return n <= 1 or zlib.crc32(page.encode("utf-8")) % n == k - 1


def _base_fingerprint(settings: Settings, options: BuildOptions) -> str:
    return digest(
        repr(settings), repr(options.min_coverage), tree_digest(settings.templates), code_digest(),
        file_digest(settings.glossary) if settings.glossary else "-",
    )


def _unit_fingerprint(settings: Settings, base: str, locale: str, pages: tuple[str, ...]) -> str:
    """The page (first) and its includes: their source bytes and this locale's PO bytes."""
    parts = [base, locale]
    for page in pages:
        parts.append(file_digest(settings.source / page))
        if locale != settings.source_locale and locale not in PSEUDO_LOCALES:
            parts.append(file_digest(po_path(settings, locale, page)))
    return digest(*parts)


def run_build(settings: Settings, options: BuildOptions = BuildOptions(), progress: Progress | None = None) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    pages = [p for p in list_pages(settings.source) if in_shard(p, options.shard)]
    k, n = options.shard
    cache_dir = settings.out / ".cache"
    cache = load_cache(cache_dir / (f"build-{k}-of-{n}.json" if n > 1 else "build.json"))
    merged_shards = sorted(cache_dir.glob("build-*-of-*.json")) if n == 1 else []
    for shard_cache in merged_shards:  # out/ trees of CI shard jobs, merged: their work counts
        for key, record in load_cache(shard_cache).units.items():
            cache.units.setdefault(key, record)
    base = _base_fingerprint(settings, options)
    stale: dict[str, list[str]] = {}
    fresh: dict[str, UnitRecord] = {}
    for page in pages:
        for locale in settings.all_locales:
            key = BuildCache.key(locale, page)
            record = cache.units.get(key)
            if record is not None and record.fingerprint == _unit_fingerprint(
                settings, base, locale, (page, *record.includes)
            ) and all((settings.out / o).is_file() for o in record.outputs):
                fresh[key] = record
            else:
                stale.setdefault(page, []).append(locale)
    results = _run_pages(settings, base, options, stale, progress)
    units = dict(fresh)
    for result in results:
        outcome.diagnostics += result.diagnostics
        outcome.written += result.written
        outcome.lines += result.notes
        for locale, record in result.records.items():
            units[BuildCache.key(locale, result.page)] = record
    for page, locales in stale.items():  # a failed unit keeps its previous output, rebuilt next time
        for locale in locales:
            key = BuildCache.key(locale, page)
            if key not in units and key in cache.units:
                old = cache.units[key]
                units[key] = UnitRecord("", old.outputs, old.includes, old.stats)
    _remove_stale_outputs(settings, cache, units, pages, outcome)
    cache.units = units
    cache.save()
    for shard_cache in merged_shards:
        shard_cache.unlink(missing_ok=True)
    index = settings.out / "html" / settings.source_locale / site.index_file(pages)
    if options.shard == (1, 1) and (stale or not index.is_file()):
        _write_site(settings, units, pages, outcome)  # indexes, error catalogs, stylesheets, images
    for locale in settings.all_locales:
        total = catalog.Stats()
        for page in pages:
            record = units.get(BuildCache.key(locale, page))
            if record is not None and record.stats:
                total = total + catalog.Stats(*record.stats)
        outcome.lines.append(
            f"build: {locale}: {total.coverage:.1f}% translated "
            f"({total.translated}/{total.total} messages, {total.fuzzy} fuzzy)"
        )
    built = sum(len(v) for v in stale.values())
    outcome.lines.append(
        f"build: {len(pages)} page(s) x {len(settings.all_locales)} locale(s): {built} built, "
        f"{len(fresh)} up to date, {len(outcome.written)} file(s) written in {time.perf_counter() - started:.2f}s"
    )
    return outcome


def _remove_stale_outputs(settings: Settings, cache: BuildCache, units: dict[str, UnitRecord],
                          pages: list[str], outcome: Outcome) -> None:
    """Outputs of pages that left the source (or fell under --min-coverage) are removed."""
    keep = {o for r in units.values() for o in r.outputs}
    for key, record in cache.units.items():
        for output in record.outputs:
            if output not in keep:
                (settings.out / output).unlink(missing_ok=True)


def _run_pages(settings: Settings, base: str, options: BuildOptions, stale: dict[str, list[str]],
               progress: Progress | None) -> list[PageResult]:
    work = sorted(stale.items())
    if not work:
        return []
    jobs = options.jobs or os.cpu_count() or 1
    jobs = min(jobs, len(work))
    chunks = [work[i::jobs * 4] for i in range(min(len(work), jobs * 4))]
    results: list[PageResult] = []
    done = 0
    if jobs == 1:
        mapped = (_build_chunk(settings, base, options, chunk) for chunk in chunks)
        for chunk_results in mapped:
            results += chunk_results
            done += len(chunk_results)
            if progress:
                progress(done, len(work))
        return sorted(results, key=lambda r: r.page)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_build_chunk, settings, base, options, chunk) for chunk in chunks]
        for future in futures:
            chunk_results = future.result()
            results += chunk_results
            done += len(chunk_results)
            if progress:
                progress(done, len(work))
    return sorted(results, key=lambda r: r.page)


def _build_chunk(settings: Settings, base: str, options: BuildOptions,
                 chunk: list[tuple[str, list[str]]]) -> list[PageResult]:
    """Worker entry point: a Jinja environment and a document cache per chunk."""
    all_pages = frozenset(list_pages(settings.source))
    env = render.make_environment(settings.templates)
    env.globals["index_file"] = site.index_file(all_pages)
    glossary = load_glossary(settings.glossary.read_text(encoding="utf-8")) if settings.glossary and settings.glossary.is_file() else frozenset()
    documents: dict[str, Document | None] = {}

    def document_of(page: str) -> Document | None:
        if page not in documents:
            try:
                documents[page] = load_source(settings, page) if (settings.source / page).is_file() else None
            except PipelineError:
                documents[page] = None
        return documents[page]

    results = []
    for page, locales in chunk:
        result = PageResult(page)
        try:
            document = load_source(settings, page)
        except PipelineError as exc:
            result.diagnostics.append(exc.diagnostic)
            results.append(result)
            continue
        documents[page] = document
        for locale in locales:
            try:
                _build_locale(settings, env, base, options, glossary, locale, document, document_of, result, all_pages)
            except PipelineError as exc:
                result.diagnostics.append(exc.diagnostic)
        results.append(result)
    return results


def _translations(settings: Settings, glossary: frozenset[str], locale: str, document: Document,
                  diagnostics: list[Diagnostic] | None) -> tuple[dict[str, str], catalog.Stats]:
    """Vetted translations of a page for a locale and its coverage."""
    msgids = [s.text for s in document.segments]
    if locale == settings.source_locale:
        return {}, catalog.Stats(translated=len(set(msgids)), translated_words=sum(len(m.split()) for m in set(msgids)))
    if locale in PSEUDO_LOCALES:
        return pseudo_translations(document, locale), catalog.Stats(translated=len(set(msgids)))
    po = load_catalog(settings, locale, document.path)
    stats = catalog.catalog_stats(po, msgids)
    if po is None:
        return {}, stats
    review = review_translations(
        document, catalog.usable_entries(po), settings.display(po_path(settings, locale, document.path)),
        settings.display(settings.source / document.path), glossary,
    )
    if diagnostics is not None:
        diagnostics += review.diagnostics
    return review.usable, stats


def _build_locale(settings: Settings, env: jinja2.Environment, base: str, options: BuildOptions,
                  glossary: frozenset[str], locale: str, document: Document,
                  document_of: Callable[[str], Document | None], result: PageResult,
                  all_pages: frozenset[str]) -> None:
    translations, stats = _translations(settings, glossary, locale, document, result.diagnostics)
    includes: list[str] = []
    page_dir = PurePosixPath(document.path).parent

    def include(target: str) -> str | None:
        resolved = os.path.normpath((page_dir / target.replace("\\", "/")).as_posix()).replace(os.sep, "/")
        included = document_of(resolved)
        if included is None:
            return None
        includes.append(resolved)
        return render.apply_translations(included, _translations(settings, glossary, locale, included, None)[0])[1]

    if locale != settings.source_locale and stats.coverage < options.min_coverage:
        fingerprint = _unit_fingerprint(settings, base, locale, (document.path,))
        result.records[locale] = UnitRecord(fingerprint, (), (), _stats_tuple(stats), skipped=True)
        result.notes.append(f"build: {locale}: {document.path} not published: {stats.coverage:.1f}% translated, "
                            f"below --min-coverage {options.min_coverage:g}")
        return
    meta = _page_meta(settings, locale, document, translations, stats.coverage, all_pages)
    try:
        rendered = render_outputs(env, meta, document, translations, include)
    except jinja2.TemplateError as exc:
        raise _template_error(settings, exc) from None
    for relative, text in rendered.items():
        target = inside(settings.out, relative)
        if write_atomic(target, text):
            result.written.append(settings.display(target))
    fingerprint = _unit_fingerprint(settings, base, locale, (document.path, *dict.fromkeys(includes)))
    result.records[locale] = UnitRecord(fingerprint, tuple(rendered), tuple(dict.fromkeys(includes)),
                                        _stats_tuple(stats))


def _stats_tuple(stats: catalog.Stats) -> tuple[int, ...]:
    return (stats.translated, stats.fuzzy, stats.untranslated,
            stats.translated_words, stats.fuzzy_words, stats.untranslated_words)


def _page_meta(settings: Settings, locale: str, document: Document, translations: dict[str, str],
               coverage: float, pages: frozenset[str] = frozenset()) -> render.Page:
    if locale in PSEUDO_LOCALES:
        lang, direction = locale, "rtl" if locale == "qps-plocm" else "ltr"
    else:
        babel = babel_locale(locale)
        lang = str(babel).replace("_", "-")
        direction = "rtl" if babel.character_order == "right-to-left" else "ltr"
    depth = document.path.count("/")
    html_name = document.path[:-3] + ".html"
    up = "../" * (depth + 1)
    # every real locale's version, this one included (as search engines expect); not the pseudo-locales
    alternates = tuple((other, f"{up}{other}/{html_name}") for other in settings.all_locales
                       if other not in PSEUDO_LOCALES)
    alternates += (("x-default", f"{up}{settings.source_locale}/{html_name}"),)
    return render.Page(
        path=document.path,
        locale=locale,
        source_locale=settings.source_locale,
        lang=lang,
        dir=direction,
        title=render.front_matter_value(document, translations, "title"),
        description=render.front_matter_value(document, translations, "description"),
        coverage=coverage,
        alternates=alternates,
        site_map=settings.site_map,
        pages=pages,
    )


def _template_error(settings: Settings, exc: jinja2.TemplateError) -> PipelineError:
    """A located error for a broken template: the template file and line when known."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:  # runtime errors: the innermost template frame of the traceback
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    shown = settings.display(Path(name)) if name else "<template>"
    message = getattr(exc, "message", None) or str(exc)
    return PipelineError(Diagnostic(Location(shown, line or 1, 1), "error", f"template error: {message}", "build.template"))


def _write_site(settings: Settings, units: dict[str, UnitRecord], pages: list[str], outcome: Outcome) -> None:
    """Per locale: index page, errors.json and .mo; once: the stylesheets; the files the pages show."""
    env = render.make_environment(settings.templates)
    env.globals["index_file"] = site.index_file(pages)
    glossary = (load_glossary(settings.glossary.read_text(encoding="utf-8"))
                if settings.glossary and settings.glossary.is_file() else frozenset())
    documents = []
    for page in pages:
        try:
            documents.append(load_source(settings, page))
        except PipelineError:
            pass  # already reported by the page build
    outputs: dict[str, str | bytes] = dict(site.site_outputs(env))
    for locale in settings.all_locales:
        translations: dict[str, dict[str, str]] = {}
        metas: list[render.Page] = []
        built: dict[str, str] = {}
        total = catalog.Stats()
        for document in documents:
            usable, stats = _translations(settings, glossary, locale, document, None)
            translations[document.path] = usable
            record = units.get(BuildCache.key(locale, document.path))
            if record is None or not record.outputs:
                continue  # not published: failed, or under --min-coverage
            total = total + stats
            metas.append(_page_meta(settings, locale, document, usable, stats.coverage, frozenset(pages)))
            html_file = settings.out / output_paths(locale, document.path)["html"]
            if html_file.is_file():
                built[document.path] = html_file.read_text(encoding="utf-8")
        outputs.update(site.locale_outputs(
            env, locale, settings.source_locale, settings.all_locales, documents, translations, metas,
            settings.project, coverage=total.coverage, site_map=settings.site_map))
        for destination, source_file in site.local_file_copies(locale, built).items():
            if (settings.source / source_file).is_file():
                outputs[destination] = (settings.source / source_file).read_bytes()
    for relative, content in outputs.items():
        target = inside(settings.out, relative)
        if write_atomic(target, content):
            outcome.written.append(settings.display(target))


__all__ = ["BuildOptions", "output_paths", "run_build"]
