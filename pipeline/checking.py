"""``pipeline check``: links and translation QA over the sources and every built locale.

In: ``Settings`` and the parsed command line. Out: a report on stdout (``--format text``,
``json``, ``github`` or ``junit``; ``--output FILE`` writes it to a file instead), a summary
line on stderr, and the exit status: 0 nothing fails, 1 findings fail, 2 a usage or
configuration error (a bad ``--site-map``, an unreadable baseline or redirection file).

What is checked
    * The source pages: every link and ``#fragment`` (``pipeline.links``), through the site
      map (``--site-map PREFIX=FOLDER``, repeatable, else ``[tool.pipeline.site_map]``) and
      the redirects (the ``redirects`` setting, else the source folder's
      ``.openpublishing.redirection.json``).
    * Each target locale's catalogs: ``review.review_translations(in_build=False)``; errors
      fail, warnings fail only with ``--strict`` (as do all other warnings).
    * Every locale's built outputs as they are in ``out/`` (never rebuilt here): the
      front-matter format and portable Markdown as Markdown trees, HTML parsed with lxml
      (``pipeline.htmllinks``). Images and other files resolve against the source tree (the
      build mirrors its layout and does not copy them). A page a locale lacks is seen in the
      source locale's tree, where the build points the links to a page it left out under
      ``--min-coverage`` (``fallback_files``). A locale with no output at all is an
      error [check.not-built]; a missing page output is a warning. A problem of a built page
      is traced back (``pipeline.provenance``): one that the source already has is not
      repeated; one a translation caused is reported at the PO entry (file and line) with
      the source line and the built positions; a translated heading that breaks a source
      fragment is reported at that heading's PO entry.

Modules
    This one holds ``run_check`` and the run (``_Run``): the source pages checked, each page's
    facts in a locale, the findings put together. Three mixins of ``_Run`` do the rest:
    ``checkreview`` (the catalogs' review, stored reviews reused), ``checkoutputs`` (a
    locale's built outputs) and ``checklocales`` (a locale's result stored and reused, the
    worker processes). Beside them: ``checkoptions`` (the options and usage errors),
    ``checkstore`` (what is stored and read back), ``outputtree`` (an output tree's pages read
    once), ``provenance`` (where a built page's problem comes from), ``treecheck`` (one tree's
    links), ``reports`` (the formats).

Known findings
    ``--baseline FILE`` (default: the ``baseline`` setting) lists findings recorded by
    ``--update-baseline``; they print as ``note: ... (known error)`` and do not fail. Keys are
    path, code, target and occurrence, not line numbers (``pipeline.reports``).

Speed
    What each source page links to and defines is cached by content hash in ``out/.cache/links.json``
    (``pipeline.linkcache``; ``--no-cache`` skips it), so an unchanged page is not parsed again.
    Results are stored there too, each with the digests of every input it read, and reused
    while those are unchanged: a source page's findings, a PO file's review, a built page's
    findings with their attribution (``checkoutputs``), and a whole locale's
    (``checklocales``). A missed input would hide a finding, so a test replays edits of every
    kind and compares each such check with ``--no-cache``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from .checklocales import LocaleResults
from .checkmoves import encode_moves
from .checkoptions import (CheckOptions, UsageError, check_options, read_baseline, read_inventory, url_key,
                           usage_error)
from .checkoutputs import OutputCheck
from .checkreview import CatalogReview
from .checkstore import decode_hit, encode_hit
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .files import (Unlisted, is_page, list_files, nothing_at, read_bytes, read_optional, write_error,
                    write_through)
from .linkcache import ScanCache, digest_text, load_scan_cache
from .links import Anchors, LinkResult, build_site, resolve_link
from .linkscan import PageScan, scan_digests, scan_places, scan_text, visible_digest
from .model import Diagnostic, Location
from .outputtree import memo_scanner
from .project import missing_locales_warnings, unlisted_errors, unusable_name_errors
from .published import read_publication
from .reports import (Finding, annotation_prefix, apply_baseline, format_baseline, format_report, once_each,
                      sort_key, stale_baseline_line, summary_line)
from .runrecord import content_of, read_content
from .treecheck import Hit, check_tree

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse

    from .cache import UnitRecord
    from .provenance import Attribution, PageFacts

DEFAULT_BASELINE = "check-baseline.json"


def run_check(settings: Settings, args: argparse.Namespace,
              record: Callable[[str, str, int, dict | None], None] | None = None,
              contents: dict[str, str | None] | None = None) -> int:
    """Run the checks, print the report, return the exit status (0 clean, 1 findings, 2 usage).

    ``record(report, summary, status, replay)`` is called with what a finished run printed (not
    for ``--update-baseline`` or a usage error), so that ``pipeline.checkcommand`` can replay
    it. ``contents``: content digests of files by path, already made (``runrecord.tree_state``).
    ``replay`` is None unless the report depends on the source pages only through their link
    scans (no outputs, no catalogs: see ``_Run.scan_only``); it then holds those scans'
    digests and the findings with their places (``_Run.replay_data``)."""
    try:
        options = check_options(settings, args)
        if args.update_baseline and (options.pages is not None or args.locale):
            given = "FILE" if options.pages is not None else "--locale"
            raise usage_error("<command line>", f"--update-baseline records the whole site; give no {given}",
                              "config.update-baseline")
        known = read_baseline(options.baseline, settings) if options.baseline and not args.no_baseline and not \
            args.update_baseline else set()
        inventory = read_inventory(args.inventory) if args.inventory else None
    except UsageError as exc:
        print(exc.diagnostic.format(), file=sys.stderr)
        return 2
    if options.pages is not None and not options.pages:
        print("pipeline check: no source page or PO file among the given files", file=sys.stderr)
        return 0
    cache = load_scan_cache(None if args.no_cache else settings.out / ".cache" / "links.json")
    run = _Run(settings, options, cache, getattr(args, "jobs", 0), contents)
    findings, checked = run.collect(outputs=not args.no_outputs, reuse=not args.verbose and inventory is None)
    if inventory is not None:
        findings += unknown_external(run.source_results, inventory, run.display, settings.source, run.selected)
    findings = apply_baseline(once_each(findings), known)
    if args.verbose:
        for line in _verbose_lines(run.source_results):
            print(line, file=sys.stderr)
    # before the cache is saved: the scans it reads (of pages with findings) are kept for the next run
    replay = run.replay_data(findings, checked, args, known, inventory is None) if record is not None and \
        run.scan_only(outputs=not args.no_outputs) else None
    try:
        cache.save()
    except OSError:
        pass  # a read-only out/ only costs speed
    if args.update_baseline:
        target = options.baseline or settings.root / DEFAULT_BASELINE
        try:
            write_through(target, format_baseline(findings))
        except OSError as exc:  # as for the report (-o), below
            print(write_error(settings.display(target), exc).diagnostic.format(), file=sys.stderr)
            return 2
        print(f"pipeline check: wrote {settings.display(target)} ({len(findings)} findings)", file=sys.stderr)
        return 0
    report = format_report(args.format, findings, checked, args.strict, report_prefix(settings))
    if args.output:
        try:
            write_through(Path(args.output), report)
        except OSError as exc:  # named as given, not as the temporary file the write failed on
            print(write_error(args.output, exc).diagnostic.format(), file=sys.stderr)
            return 2
    else:
        sys.stdout.write(report)
    summary = summary_line(findings, len(checked), args.strict)
    if known and options.pages is None and not args.locale:
        summary += stale_baseline_line(known, findings, None if not args.no_outputs else settings.display(settings.out))
    print(summary, file=sys.stderr)
    status = 1 if any(f.fails(args.strict) for f in findings) else 0
    if record is not None:
        record(report, summary, status, replay)
    return status


# --- options ---------------------------------------------------------------------------------


def _read(path: Path) -> str | None:
    data = read_bytes(path)  # None for a file that cannot be read, a named pipe among them
    return None if data is None else data.decode("utf-8", errors="replace")


def _scan_html(text: str) -> PageScan:
    from .htmllinks import scan_html  # lxml: only when there are HTML outputs

    return scan_html(text)


class _Run(CatalogReview, OutputCheck, LocaleResults):
    """One check: the site, the documents and catalogs as they are needed, the findings.
    The catalogs' review (``checkreview``), the built outputs' checks (``checkoutputs``) and
    each locale's stored or computed result (``checklocales``) are its mixins: all the state
    they share is set here, so that one object is what a forked worker inherits."""

    def __init__(self, settings: Settings, options: CheckOptions, cache: ScanCache, jobs: int = 0,
                 contents: dict[str, str | None] | None = None) -> None:
        self.settings = settings
        self._contents = {} if contents is None else contents  # path -> content digest, each file hashed once
        self.jobs = jobs  # worker processes for the locales (0: all cores)
        self.options = options
        self.cache = cache
        self.markdown = cache.scanner("md", scan_text)
        # built pages' scans are kept for this run only: their results are stored instead
        # (``_check_built_pages``), and 5,000 stored scans would cost every run 0.25 s of JSON
        self.built_markdown = memo_scanner(scan_text)
        self.built_html = memo_scanner(_scan_html)
        self.findings: list[Finding] = []
        self.checked: list[str] = []
        self.source_results: list[LinkResult] = []
        unusable: list[str] = []
        unlisted: list[Unlisted] = []  # a source folder that could not be listed is an error, not an empty folder
        self.source_files = list_files(settings.source, settings.inside_source, unusable, unlisted)
        self.findings += [Finding(d, d.location.path) for d in (*unusable_name_errors(settings, unusable),
                                                                 *unlisted_errors(settings, settings.source, unlisted),
                                                                 *missing_locales_warnings(settings))]
        self.source_pages = [f for f in self.source_files if is_page(f)]  # those the build builds
        # those it builds no HTML of (include fragments, TOCs): files to a link, as the build links them
        publication = read_publication(settings.source, self.source_pages, settings.display)
        self.findings += [Finding(d, d.location.path) for d in publication.diagnostics]
        self.unpublished = publication.unpublished
        self.assets = [f for f in self.source_files if not is_page(f) or f in self.unpublished]
        self.site = build_site(self.source_files, options.site_map, options.redirects, self.unpublished)
        self._source_scans: dict[str, PageScan | None] = {}
        self._texts: dict[str, str] = {}  # source pages read before they were scanned
        self._digests: dict[str, str] = {}  # the source pages' content digests (``check_sources``)
        self._shown: dict[str, str] = {}  # the source pages as reports name them (``check_sources``)
        # page -> digests: its text, its scan, its scan unplaced, its ids and includes (``linkscan.visible_digest``)
        self.scan_digests: dict[str, tuple[str, str, str, str]] = {}
        self._documents: dict[str, object] = {}
        self._document_errors: dict[str, Finding] = {}  # page -> why it could not be parsed
        self._documents_used: set[str] = set()  # pages parsed (or found broken) for the locale in hand
        self._foreign_reads: set[str] = set()  # built pages of other locales read for the locale in hand (below out/)
        self._withheld_asked = False  # whether the locale in hand asked ``withheld`` (its result reads the caches)
        self._reviews_reported: set[tuple[str, str]] = set()  # (locale, page) whose PO review is in the findings
        self._source_deps: dict[str, frozenset[str]] = {}  # source page -> pages its own findings depend on
        self._facts_inputs: dict[tuple[str, str], dict[str, str | None]] = {}  # what each PageFacts was made from
        self._deps: dict[str, str | None] | None = None  # the inputs noted for the built page in hand
        self._config_key: tuple[str, str] | None = None
        self._read_ids: dict[tuple[str, tuple], str] = {}  # (locale, read) -> its id (``_keep_reads``)
        self._html_files: list[str] | None = None
        self._inputs: dict[tuple[str, bool, str], str] = {}  # ``_locale_inputs``
        self._review_key: tuple[str, str, str] | None = None  # the settings, glossary and code parts
        self._known_reviews: dict[tuple[str, str], tuple | None] = {}  # ``_known_review``'s, per (locale, page)
        self._catalog_errors: dict[tuple[str, str], Diagnostic | None] = {}  # ``catalog_error``'s, per (locale, page)
        self._catalog_errors_reported: set[tuple[str, str]] = set()  # (locale, page) whose error is in the findings
        self._reuse = True  # stored results may be used (not with --verbose or an inventory)
        self._facts: dict[tuple[str, str], PageFacts | None] = {}
        self._source_hits: dict[str, tuple[Hit, ...]] = {}
        self._glossary: frozenset[str] | None = None
        self._folders: dict[Path, str] = {}
        self._source_folders: dict[str, str] = {}  # ``_shown_source``'s, by a source folder's relative path
        self._withheld: dict[str, frozenset[str]] | None = None  # ``withheld``
        self._build_records: list[str] = []  # the build caches ``withheld`` read
        self._build_units: dict[str, UnitRecord] | None = None  # their units (``built_units``)
        self._site_map = tuple(options.site_map.items())  # as attribution looks it up, per finding
        self._merged: dict[tuple[Location, str, str, int, str], tuple[Attribution, str, str, str, list[str]]] = {}
        self.source_anchors = Anchors(self.site, self.source_scan)

    def selected(self, page: str, locale: str = "*") -> bool:
        if self.options.pages is None:
            return True
        if page not in self.options.pages:
            return False
        names = self.options.locales_of_page.get(page, frozenset())
        return "*" in names or locale == "*" or locale in names

    def display(self, path: Path) -> str:
        """``settings.display`` memoized per folder (it is called for every checked file)."""
        folder = self._shown_folder(path.parent)
        return path.name if folder == "." else f"{folder}/{path.name}"

    def _shown_folder(self, folder: Path) -> str:
        shown = self._folders.get(folder)
        if shown is None:
            shown = self._folders[folder] = self.settings.display(folder)
        return shown

    # -- sources

    def _shown_source(self, page: str) -> str:
        """``display(settings.source / page)`` for a listed page (a normal relative POSIX path),
        without making a ``Path`` of each page."""
        folder, _, name = page.rpartition("/")
        shown = self._source_folders.get(folder)
        if shown is None:
            where = self.settings.source / folder if folder else self.settings.source
            shown = self._source_folders[folder] = self._shown_folder(where)
        return name if shown == "." else f"{shown}/{name}"

    def source_scan(self, page: str) -> PageScan | None:
        if page not in self._source_scans:
            text = self._texts.pop(page) if page in self._texts else _read(self.settings.source / page)
            self._source_scans[page] = None if text is None else self.markdown(text, self._digests.get(page))
        return self._source_scans[page]

    def check_sources(self) -> None:
        """Check every source page; a page whose cached result still holds is not checked again
        (not when ``collect`` was told not to reuse results: ``--verbose`` lists every link)."""
        shown = self._shown = {page: self._shown_source(page) for page in self.source_pages}
        digests = self._digests = {}
        base = str(self.settings.source)
        read = getattr(self._contents, "read", {})  # the pages the fingerprint read (``runrecord.Contents``)
        for page in self.source_pages:  # content digests: the run's fingerprint made most of them
            path = os.path.join(base, page)  # str(source / page): a listed page's path is a normal one
            data = read.pop(path, None)
            if data is None and path not in self._contents:  # not fingerprinted (--no-cache, --verbose)
                data = read_content(path, self._contents)
            if data is not None:  # read once: its digest and its scan are of the same bytes
                self._texts[page] = data.decode("utf-8", errors="replace")
            if self._contents[path] is not None:
                digests[page] = self._contents[path]
        site_key = digest_text(json.dumps([self.source_files, sorted(self.options.site_map.items()),
                                           sorted(self.options.redirects.items()), sorted(self.unpublished)]))
        kept: dict[str, list[Hit]] = {}
        for page in self.source_pages if self._reuse else ():
            stored = self.cache.result("source:" + page)
            try:
                if (stored and stored["site"] == site_key and stored["text"] == digests.get(page)
                        and all(self.source_digest(q) == d for q, d in stored["deps"].items())):
                    kept[page] = [decode_hit(page, shown[page], h) for h in stored["hits"]]
                    self._source_deps[page] = frozenset(stored["deps"])
                    self.cache.keep_result("source:" + page, stored)
                    found = (stored["text"], stored.get("scan"), stored.get("unplaced"), stored.get("visible"))
                    if all(isinstance(digest, str) for digest in found):
                        self.scan_digests[page] = found
            except (KeyError, TypeError, ValueError):
                continue
        todo = [page for page in self.source_pages if page not in kept]
        depends: dict[str, set[str]] = {}
        hits, results = check_tree(todo, self.site, self.source_scan, shown.__getitem__,
                                   anchors=self.source_anchors, depends=depends, includes=True)
        self.source_results = results
        fresh: dict[str, list[Hit]] = {page: [] for page in todo}
        for hit in hits:
            fresh[hit.page].append(hit)
        for page, page_hits in fresh.items():
            if page in depends:
                self._source_deps[page] = frozenset(depends[page])
            if page in depends and page in digests:
                scan = self._source_scans[page]
                scanned = self.scan_digests[page] = (digests[page], *scan_digests(scan), visible_digest(scan))
                self.cache.keep_result("source:" + page, {
                    "site": site_key, "text": digests[page], "scan": scanned[1], "unplaced": scanned[2],
                    "visible": scanned[3],
                    "deps": {q: self.source_digest(q) for q in sorted(depends[page])},
                    "hits": [encode_hit(h) for h in page_hits]})
        by_page = {**kept, **fresh}
        for page in self.source_pages:
            for hit in by_page.get(page, ()):
                self._source_hits.setdefault(hit.page, ())
                self._source_hits[hit.page] += (hit,)
                if self.selected(hit.page):
                    self.findings.append(Finding(hit.diagnostic, shown[page], hit.link.target if hit.link else ""))
        self.checked += [shown[p] for p in self.source_pages if self.selected(p)]

    def document(self, page: str):
        from .project import load_source  # markdown-it: only for outputs and catalogs

        if page not in self._documents:
            try:
                self._documents[page] = load_source(self.settings, page)
            except PipelineError as exc:
                self._documents[page] = None
                if self.selected(page):
                    self._document_errors[page] = Finding(exc.diagnostic, exc.diagnostic.location.path)
        self._documents_used.add(page)
        return self._documents[page]

    # -- a source page in a locale, and what it was made from

    def facts(self, locale: str, page: str) -> PageFacts | None:
        """The page in ``locale``: source document and scan, the translations the build uses."""
        key = (locale, page)
        if key not in self._facts:
            self._facts[key] = self._make_facts(locale, page)
        self._documents_used.add(page)  # parsed (``_make_facts``): for each built page that asks, once or again
        if self._deps is not None:
            self._note(self._facts_inputs[key])
        return self._facts[key]

    def _note(self, inputs: dict[str, str | None]) -> None:
        """Note ``inputs`` for the built page in hand (``self._deps``), and, for each source
        page among them that is new to it, what resolving its links (for its findings, anchors
        or includes) reads of the source file list (``self.site.reads.collect`` is set then).
        Resolutions are memoized: this costs a lookup a link."""
        new = [key[4:] for key in inputs if key.startswith("src:") and key not in self._deps]
        self._deps.update(inputs)
        for page in new:
            scan = self.source_scan(page) if page in self.site.files else None
            for link in scan.links if scan is not None else ():
                resolve_link(page, link.target, self.site)

    def _make_facts(self, locale: str, page: str) -> PageFacts | None:
        inputs = self._facts_inputs[(locale, page)] = self._source_inputs(self._source_deps.get(page, ()), page)
        if locale in self.catalog_locales():
            from .project import po_path

            po = str(po_path(self.settings, locale, page))
            inputs["po:" + po] = self._file_digest(po)
        document = self.document(page)
        scan = self.source_scan(page)
        facts = None
        if document is not None and scan is not None:
            shown = self.display(self.settings.source / page)
            hits = self._source_hits.get(page, ())
            from .provenance import PageFacts  # outputs and catalogs only

            facts = PageFacts(document, shown, scan, hits, includes=self._included(page))
            if locale in PSEUDO_LOCALES:
                from .pagebuild import pseudo_translations

                facts = replace(facts, translations=pseudo_translations(document, locale))
            elif locale != self.settings.source_locale:
                facts = self._reviewed(locale, page, facts)
            inputs.update(self._source_inputs(self._include_paths(page)))
        return facts

    def _source_inputs(self, pages, *more: str) -> dict[str, str | None]:
        return {"src:" + page: self.source_digest(page) for page in (*pages, *more)}

    def source_digest(self, path: str) -> str | None:
        """The content digest of the source file at ``path``: a page's from ``check_sources``,
        any other file's (a file of any name may be pasted: ``[!INCLUDE]`` has no extension
        rule) read once a run. Only pages' counted before, so a result that used the ids of a
        pasted ``note.inc`` held after the file changed."""
        if path in self._digests:
            return self._digests[path]
        return content_of(os.path.join(str(self.settings.source), path), self._contents)

    def _include_paths(self, page: str) -> tuple[str, ...]:
        """The files the build pastes into ``page``, at every depth (``links.Anchors.walk``)."""
        return self.source_anchors.walk(page).pages[1:]

    def _file_digest(self, path: str) -> str | None:
        """A file's content digest, once a run (``runrecord.content_of``); None when nothing is
        there. A file that is there but cannot be read (a dangling link, no permission) has
        none either, so it gets why instead: a result stored while a PO file was not there (no
        findings) was replayed once it was a dangling link."""
        found = content_of(path, self._contents)
        if found is None and not nothing_at(path):
            try:
                read_optional(Path(path), path, "file")
            except PipelineError as exc:
                return "unreadable: " + exc.diagnostic.message
        return found

    def _included(self, page: str) -> tuple[tuple[str, PageScan], ...]:
        """The display path and scan of each file the build pastes into ``page``."""
        found = []
        for path in self._include_paths(page):
            included = self.source_scan(path)
            if included is not None:
                found.append((self.display(self.settings.source / path), included))
        return tuple(found)

    def catalog_locales(self) -> tuple[str, ...]:
        """The locales whose PO files are checked: the target locales but pseudo-locales."""
        return tuple(locale for locale in self.settings.target_locales
                     if locale not in PSEUDO_LOCALES and locale != self.settings.source_locale)

    def built_units(self) -> dict[str, UnitRecord]:
        """The units of the last build's caches (``cache.build_records``), read once a run."""
        if self._build_units is None:
            from .cache import build_records, merged_units

            records = build_records(self.settings.out / ".cache")
            self._build_records = [str(path) for path in records]
            self._build_units = merged_units(records)
        return self._build_units

    def scan_only(self, outputs: bool) -> bool:
        """Whether this run's findings depend on the source pages' texts only through their
        link scans: no built outputs checked, no catalogs (a project with target locales
        parses each page for its messages), every page scanned or its result reused."""
        return (not outputs and not self.catalog_locales()
                and set(self.scan_digests) == set(self.source_pages))

    def replay_data(self, findings: list[Finding], checked: list[str], args: argparse.Namespace,
                    baseline: set[str] = frozenset(), whole: bool = False) -> dict:
        """For a run that is ``scan_only``: ``pages``, each source page's digests (its text,
        its scan, its scan without places, its ids and includes), ``moves``, the findings with
        the places they are at (``checkmoves.encode_moves``; None if one is not at a source
        page), and, for a run of every page that reports on all of them (``whole``: no
        inventory either), what else ``checkrelink`` needs to make its report again after
        pages' links changed (``checkrelink.site_data``; else None). ``baseline``: its keys."""
        page_of = {shown: page for page, shown in self._shown.items()}

        def places(page: str) -> list[tuple[int, int]] | None:
            scan = self.source_scan(page)
            return None if scan is None else scan_places(scan)

        moves = encode_moves(findings, checked, args.format, args.strict, page_of, places,
                             report_prefix(self.settings))
        relink = None
        if moves is not None and whole and self.options.pages is None:
            from .checkrelink import site_data

            stale = (None if not args.no_outputs else self.settings.display(self.settings.out)) \
                if baseline and not args.locale else False  # as ``run_check`` makes the summary
            relink = site_data(self.source_files, self.options.site_map, self.options.redirects,
                               sorted(self.unpublished), self._shown, sorted(baseline), len(checked), stale)
        return {"pages": self.scan_digests, "moves": moves, "relink": relink}

    def collect(self, outputs: bool = True, reuse: bool = True) -> tuple[list[Finding], list[str]]:
        """Every finding, sorted, and the files checked: the sources, then each locale's
        catalogs, then each locale's built pages."""
        self._reuse = reuse
        self.check_sources()
        base = self.locale_base(outputs) if reuse else None
        findings = list(self.findings)
        catalogs_checked: list[str] = []
        outputs_checked: list[str] = []
        locales = [locale for locale in self.settings.all_locales if locale in self.catalog_locales() or outputs]
        results = {locale: self.stored_locale(locale, outputs, base) for locale in locales}
        results.update(self.compute_locales([l for l in locales if results[l] is None], outputs, base))
        for locale in locales:
            found, catalogs, built = results[locale]
            findings += found
            catalogs_checked += catalogs
            outputs_checked += built
        findings += [self._document_errors[page] for page in sorted(self._document_errors)]
        findings.sort(key=sort_key)
        return findings, list(dict.fromkeys(self.checked + catalogs_checked + outputs_checked))


def report_prefix(settings: Settings) -> str:
    """``reports.annotation_prefix`` of this run: the project folder from the checkout's root
    (``$GITHUB_WORKSPACE``) or from the working folder. Part of a stored run's key
    (``checkcommand.run_inputs``: the working folder and that variable)."""
    return annotation_prefix(str(settings.root), os.getcwd(), os.environ.get("GITHUB_WORKSPACE"))


def unknown_external(results: list[LinkResult], inventory: frozenset[str], display: Callable[[Path], str],
                     source: Path, selected: Callable[[str], bool]) -> list[Finding]:
    """A warning for each http(s) link of the source pages whose URL the inventory lacks."""
    findings = []
    for result in results:
        target = result.link.target.strip()
        if result.resolution.status != "external" or not target.lower().startswith(("http://", "https://")):
            continue
        if url_key(target) in inventory or not selected(result.page):
            continue
        shown = display(source / result.page)
        where = Location(shown, result.link.line, result.link.column)
        findings.append(Finding(Diagnostic(where, "warning", f"external link '{target}' is not in the inventory",
                                           "link.external-unknown"), shown, target))
    return findings


def _verbose_lines(results: list[LinkResult]) -> list[str]:
    hosts: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    for result in results:
        status = result.resolution.status
        if status == "external":
            parts = urlsplit(result.link.target.strip())
            hosts[(parts.scheme + "://" if parts.scheme else "//") + parts.netloc if parts.netloc else parts.scheme + ":"] += 1
        elif status == "external-site":
            segments = [s for s in result.resolution.path.split("/") if s][:1]
            sites["/" + "/".join(segments)] += 1
    lines = [f"external links (not fetched): {sum(hosts.values())} to {len(hosts)} hosts"]
    lines += [f"  {count:5d}  {host}" for host, count in sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines.append(f"site-root links outside the site map (other sites): {sum(sites.values())}")
    lines += [f"  {count:5d}  {prefix}" for prefix, count in sorted(sites.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines
