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
    ``checkoptions`` (the options and usage errors), ``checkstore`` (what is stored and read
    back), ``outputtree`` (an output tree's pages read once), ``provenance`` (where a built
    page's problem comes from), ``treecheck`` (one tree's links), ``reports`` (the formats).

Known findings
    ``--baseline FILE`` (default: the ``baseline`` setting) lists findings recorded by
    ``--update-baseline``; they print as ``note: ... (known error)`` and do not fail. Keys are
    path, code, target and occurrence, not line numbers (``pipeline.reports``).

Speed
    What each source page links to and defines is cached by content hash in ``out/.cache/links.json``
    (``pipeline.linkcache``; ``--no-cache`` skips it), so an unchanged page is not parsed again.
    Results are stored there too, each with the digests of every input it read, and reused
    while those are unchanged: a source page's findings, a PO file's review, a built page's
    findings with their attribution (``_check_built_pages``), and a whole locale's
    (``check_locale``). A missed input would hide a finding, so a test replays edits of every
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

from .checkmoves import encode_moves
from .checkoptions import (CheckOptions, UsageError, check_options, read_baseline, read_inventory, url_key,
                           usage_error)
from .checkstore import (Direct, Merged, decode_findings, decode_hit, decode_report, encode_findings, encode_hit,
                         encode_report)
from .config import PSEUDO_LOCALES, Settings
from .errors import PipelineError
from .files import is_page, list_files, read_bytes, write_atomic, write_error
from .cache import UnitRecord, build_records, merged_units, withheld_pages
from .linkcache import ScanCache, code_key, digest_text, load_scan_cache
from .links import Anchors, LinkResult, PageAnchors, build_site, encode_read, has_file, reads_hold, resolve_link
from .linkscan import PageScan, scan_digests, scan_places, scan_text
from .model import Diagnostic, Location
from .outputtree import OutputTree, memo_scanner
from .project import unusable_name_errors
from .provenance import BUILT, Attribution, PageFacts, attribute
from .reports import (Finding, annotation_prefix, apply_baseline, format_baseline, format_report, sort_key,
                      stale_baseline_line, summary_line)
from .runrecord import content_of, fingerprint, read_content
from .treecheck import Hit, check_tree

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse

NOT_BUILT = "check.not-built"
OUTPUT_FORMATS = ("frontmatter", "markdown", "html")
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
    findings = apply_baseline(findings, known)
    if args.verbose:
        for line in _verbose_lines(run.source_results):
            print(line, file=sys.stderr)
    # before the cache is saved: the scans it reads (of pages with findings) are kept for the next run
    replay = run.replay_data(findings, checked, args) if record is not None and run.scan_only(
        outputs=not args.no_outputs) else None
    try:
        cache.save()
    except OSError:
        pass  # a read-only out/ only costs speed
    if args.update_baseline:
        target = options.baseline or settings.root / DEFAULT_BASELINE
        write_atomic(target, format_baseline(findings))
        print(f"pipeline check: wrote {settings.display(target)} ({len(findings)} findings)", file=sys.stderr)
        return 0
    report = format_report(args.format, findings, checked, args.strict, report_prefix(settings))
    if args.output:
        try:
            write_atomic(Path(args.output), report)
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


class _Run:
    """One check: the site, the documents and catalogs as they are needed, the findings."""

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
        self.source_files = list_files(settings.source, settings.inside_source, unusable)
        self.findings += [Finding(d, d.location.path) for d in unusable_name_errors(settings, unusable)]
        self.source_pages = [f for f in self.source_files if is_page(f)]  # those the build builds
        self.assets = [f for f in self.source_files if not is_page(f)]
        self.site = build_site(self.source_files, options.site_map, options.redirects)
        self._source_scans: dict[str, PageScan | None] = {}
        self._texts: dict[str, str] = {}  # source pages read before they were scanned
        self._digests: dict[str, str] = {}  # the source pages' content digests (``check_sources``)
        self._shown: dict[str, str] = {}  # the source pages as reports name them (``check_sources``)
        self.scan_digests: dict[str, tuple[str, str, str]] = {}  # page -> digests: its text, its scan, unplaced
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
        self._reuse = True  # stored results may be used (not with --verbose or an inventory)
        self._facts: dict[tuple[str, str], PageFacts | None] = {}
        self._source_hits: dict[str, tuple[Hit, ...]] = {}
        self._glossary: frozenset[str] | None = None
        self._folders: dict[Path, str] = {}
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
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = self.settings.display(path.parent)
        return path.name if folder == "." else f"{folder}/{path.name}"

    # -- sources

    def source_scan(self, page: str) -> PageScan | None:
        if page not in self._source_scans:
            text = self._texts.pop(page) if page in self._texts else _read(self.settings.source / page)
            self._source_scans[page] = None if text is None else self.markdown(text, self._digests.get(page))
        return self._source_scans[page]

    def check_sources(self) -> None:
        """Check every source page; a page whose cached result still holds is not checked again
        (not when ``collect`` was told not to reuse results: ``--verbose`` lists every link)."""
        shown = self._shown = {page: self.display(self.settings.source / page) for page in self.source_pages}
        digests = self._digests = {}
        for page in self.source_pages:  # content digests: the run's fingerprint made most of them
            path = str(self.settings.source / page)
            if path not in self._contents:  # not fingerprinted (--no-cache, --verbose): read once here
                data = read_content(path, self._contents)
                if data is not None:
                    self._texts[page] = data.decode("utf-8", errors="replace")
            if self._contents[path] is not None:
                digests[page] = self._contents[path]
        site_key = digest_text(json.dumps([self.source_files, sorted(self.options.site_map.items()),
                                           sorted(self.options.redirects.items())]))
        kept: dict[str, list[Hit]] = {}
        for page in self.source_pages if self._reuse else ():
            stored = self.cache.result("source:" + page)
            try:
                if (stored and stored["site"] == site_key and stored["text"] == digests.get(page)
                        and all(digests.get(q) == d for q, d in stored["deps"].items())):
                    kept[page] = [decode_hit(page, shown[page], h) for h in stored["hits"]]
                    self._source_deps[page] = frozenset(stored["deps"])
                    self.cache.keep_result("source:" + page, stored)
                    if isinstance(stored.get("scan"), str) and isinstance(stored.get("unplaced"), str):
                        self.scan_digests[page] = (stored["text"], stored["scan"], stored["unplaced"])
            except (KeyError, TypeError, ValueError):
                continue
        todo = [page for page in self.source_pages if page not in kept]
        depends: dict[str, set[str]] = {}
        hits, results = check_tree(todo, self.site, self.source_scan, shown.__getitem__,
                                   anchors=self.source_anchors, depends=depends)
        self.source_results = results
        fresh: dict[str, list[Hit]] = {page: [] for page in todo}
        for hit in hits:
            fresh[hit.page].append(hit)
        for page, page_hits in fresh.items():
            if page in depends:
                self._source_deps[page] = frozenset(depends[page])
            if page in depends and page in digests:
                scan = self._source_scans[page]
                scanned = self.scan_digests[page] = (digests[page], *scan_digests(scan))
                self.cache.keep_result("source:" + page, {
                    "site": site_key, "text": digests[page], "scan": scanned[1], "unplaced": scanned[2],
                    "deps": {q: digests.get(q) for q in sorted(depends[page])},
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

    # -- catalogs

    def glossary(self) -> frozenset[str]:
        if self._glossary is None:
            from .project import load_glossary_file

            self._glossary = load_glossary_file(self.settings)
        return self._glossary

    def facts(self, locale: str, page: str) -> PageFacts | None:
        """The page in ``locale``: source document and scan, the translations the build uses."""
        key = (locale, page)
        if key not in self._facts:
            self._facts[key] = self._make_facts(locale, page)
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
            facts = PageFacts(document, shown, scan, hits, includes=self._included(page, scan))
            if locale in PSEUDO_LOCALES:
                from .pagebuild import pseudo_translations

                facts = replace(facts, translations=pseudo_translations(document, locale))
            elif locale != self.settings.source_locale:
                facts = self._reviewed(locale, page, facts)
            inputs.update(self._source_inputs(self._include_paths(page, scan)))
        return facts

    def _source_inputs(self, pages, *more: str) -> dict[str, str | None]:
        return {"src:" + page: self._digests.get(page) for page in (*pages, *more)}

    def _include_paths(self, page: str, scan: PageScan) -> list[str]:
        found = []
        for link in scan.links:
            if link.kind == "include":
                target = resolve_link(page, link.target, self.site)
                if target.status == "ok":
                    found.append(target.path)
        return found

    def _file_digest(self, path: str) -> str | None:
        """A file's content digest, once a run (``runrecord.content_of``)."""
        return content_of(path, self._contents)

    def _included(self, page: str, scan: PageScan) -> tuple[tuple[str, PageScan], ...]:
        found = []
        for link in scan.links:
            if link.kind == "include":
                target = resolve_link(page, link.target, self.site)
                included = self.source_scan(target.path) if target.status == "ok" else None
                if included is not None:
                    found.append((self.display(self.settings.source / target.path), included))
        return tuple(found)

    def _reviewed(self, locale: str, page: str, facts: PageFacts) -> PageFacts:
        from . import catalog
        from .project import load_catalog, po_path
        from .review import review_translations, usable_after

        po_shown = self.display(po_path(self.settings, locale, page))
        facts = replace(facts, po_display=po_shown)
        report = self.selected(page, locale) and (locale, page) not in self._reviews_reported
        self._reviews_reported.add((locale, page))
        found: list[Finding] = []
        try:
            po = load_catalog(self.settings, locale, page)
        except PipelineError as exc:
            po, found = None, [Finding(exc.diagnostic, po_shown)]
        if po is not None:
            entries = catalog.usable_entries(po)
            known = self._known_review(locale, page)
            if known is not None:  # the translations it set aside are those with an error
                found = known[0]
                usable = usable_after(facts.document, entries, (f.diagnostic for f in found))
            else:
                review = review_translations(facts.document, entries, po_shown, facts.source_display, self.glossary(),
                                             in_build=False)
                found, usable = [Finding(d, po_shown) for d in review.diagnostics], review.usable
            facts = replace(facts, translations=usable, entries=entries)
        if report:
            self.findings += found
            if po is not None:
                self.checked.append(po_shown)
            self.cache.keep_result(f"po:{locale}/{page}", {
                "inputs": self._review_inputs(locale, page), "findings": encode_findings(found),
                "checked": po_shown if po is not None else None})
        return facts

    def _review_inputs(self, locale: str, page: str) -> str:
        """What the review of a page's PO file reads: the PO file, the page, the glossary,
        the settings and our code, and the paths its findings name (``review.review_key``)."""
        from .project import po_path
        from .review import review_key

        if self._review_key is None:
            self._review_key = (repr(self.settings), self._glossary_digest(), code_key())
        po = po_path(self.settings, locale, page)
        return review_key(self._file_digest(str(po)), self._digests.get(page), self.display(po),
                          self._shown.get(page) or self.display(self.settings.source / page), *self._review_key)

    def _stored_review(self, locale: str, page: str) -> bool:
        """Report the stored review of the page's PO file, if its inputs did not change."""
        known = self._known_review(locale, page)
        if known is None:
            return False
        found, checked, stored = known
        self.findings += found
        if checked is not None:
            self.checked.append(checked)
        self._reviews_reported.add((locale, page))
        self.cache.keep_result(f"po:{locale}/{page}", stored)
        return True

    def _known_review(self, locale: str, page: str) -> tuple[list[Finding], str | None, dict] | None:
        """The findings of a review of the page's PO file made from the same inputs, the
        catalog it names as checked and the stored result, if there is one: the check's own
        (``_reviewed`` stores them), else the one the last build made (``_built_review``).
        Not with ``--verbose`` (``_reuse``), which reports from scratch."""
        if not self._reuse or page not in self._digests:
            return None
        key = (locale, page)
        if key not in self._known_reviews:  # asked again for the built pages' attribution
            inputs = self._review_inputs(locale, page)
            found = _stored_review_of(self.cache.result(f"po:{locale}/{page}"), inputs)
            if found is None:  # the build's records are read only when the check has none
                found = _stored_review_of(self._built_review(locale, page), inputs)
            self._known_reviews[key] = found
        return self._known_reviews[key]

    def _built_review(self, locale: str, page: str) -> dict | None:
        """The review the last build made of the page's PO file, as ``_reviewed`` stores one
        (``cache.UnitRecord.review``: the key it was made under; "" for none), with the
        build's note on what it set aside taken off its errors. ``make check`` builds first:
        its check then reviews no catalog the build reviewed, a CI job's included."""
        from .project import po_path
        from .review import BUILD_NOTE

        if self.cache.path is None:  # --no-cache: nothing of out/.cache is read
            return None
        record = self.built_units().get(f"{locale}\t{page}")
        if record is None or not record.review:
            return None
        po_shown = self.display(po_path(self.settings, locale, page))
        findings = [Finding(Diagnostic(Location(path, line, column), severity,
                                       message.removesuffix(BUILD_NOTE) if severity == "error" else message, code),
                            po_shown)
                    for path, line, column, severity, message, code in record.findings]
        return {"inputs": record.review, "findings": encode_findings(findings), "checked": po_shown}

    def catalog_locales(self) -> tuple[str, ...]:
        """The locales whose PO files are checked: the target locales but pseudo-locales."""
        return tuple(locale for locale in self.settings.target_locales
                     if locale not in PSEUDO_LOCALES and locale != self.settings.source_locale)

    def check_catalogs(self, locale: str) -> None:
        """Each page's PO file of ``locale``: its review is reused while the PO file, the
        page, the glossary and the settings are the same (the built pages may still need the
        page's translations, and parse it then, without reporting it twice)."""
        if locale in self.catalog_locales():
            for page in self.source_pages:
                if self.selected(page, locale) and not self._stored_review(locale, page):
                    self.facts(locale, page)

    # -- outputs

    def withheld(self, locale: str) -> frozenset[str]:
        """The pages the last build left out of ``locale`` under ``--min-coverage`` (its
        caches say so, ``cache.withheld_pages``): their outputs are missing by choice. The
        caches count as read by the locale in hand (``compute_locale`` stores their digests)."""
        if self._withheld is None:  # once a run (per worker process: it is asked there)
            self._withheld = withheld_pages(self.built_units())
        self._withheld_asked = True
        return self._withheld.get(locale, frozenset())

    def built_units(self) -> dict[str, UnitRecord]:
        """The units of the last build's caches (``cache.build_records``), read once a run."""
        if self._build_units is None:
            records = build_records(self.settings.out / ".cache")
            self._build_records = [str(path) for path in records]
            self._build_units = merged_units(records)
        return self._build_units

    def check_outputs(self, locale: str) -> None:
        out = self.settings.out
        missing = [fmt for fmt in OUTPUT_FORMATS if not (out / fmt / locale).is_dir()]
        if missing and self.withheld(locale):
            missing = []  # built, with pages left out: a folder no page was written to is not made
        if len(missing) == len(OUTPUT_FORMATS):
            where = self.display(out / missing[0] / locale)
            self.findings.append(Finding(Diagnostic(
                Location(where, 1, 1), "error",
                f"{locale} is not built (no {', '.join(self.display(out / f / locale) for f in missing)}); "
                "run 'pipeline build' first", NOT_BUILT), where))
            return
        for fmt in OUTPUT_FORMATS:
            if fmt in missing:
                where = self.display(out / fmt / locale)
                self.findings.append(Finding(Diagnostic(
                    Location(where, 1, 1), "error", f"{locale} has no {fmt} output; run 'pipeline build'",
                    NOT_BUILT), where))
            elif fmt == "html":
                self._check_html(locale)
            else:
                self._check_markdown(locale, fmt)

    def _missing_outputs(self, locale: str, fmt: str, present: set[str], name: Callable[[str], str]) -> None:
        """A warning for each page not built in ``locale``, but a page that cannot be built:
        the error that says why (broken front matter, bytes not UTF-8) is reported once, not
        once more per locale and format."""
        for page in self.source_pages:
            if self.selected(page, locale) and name(page) not in present and page not in self.withheld(locale) \
                    and self.document(page) is not None:
                where = self.display(self.settings.source / page)
                built = self.display(self.settings.out / fmt / locale / name(page))
                self.findings.append(Finding(Diagnostic(
                    Location(where, 1, 1), "warning",
                    f"not built for {locale} ({built} is missing: below --min-coverage, or run 'pipeline build')",
                    NOT_BUILT), built))

    def fallback_files(self, locale: str, fmt: str, present: set[str]) -> set[str]:
        """The source locale's pages that ``locale``'s pages in Markdown format ``fmt`` may
        link to instead of pages ``locale`` lacks (left out under --min-coverage: the build
        points their links there, ``render.fallback_url``), as the locale's tree sees them
        (``../<source>/<page>``), those whose file is there. By the pages missing from the
        tree (``present``), not by the build's records: no link but such a fallback names
        those files, and a check then reads no record. Each counts as read by the locale in
        hand, there or not (``compute_locale`` stores their digests)."""
        source = self.settings.source_locale
        if locale == source:
            return set()
        found = set()
        for page in self.source_pages:
            if page not in present:
                self._foreign_reads.add(f"{fmt}/{source}/{page}")
                if (self.settings.out / fmt / source / page).is_file():
                    found.add(f"../{source}/{page}")
        return found

    def _check_markdown(self, locale: str, fmt: str) -> None:
        root = self.settings.out / fmt / locale
        present = set(list_files(root))
        self._missing_outputs(locale, fmt, present, lambda page: page)
        # the pages left out of the locale are linked to in the source locale's tree
        fallbacks = self.fallback_files(locale, fmt, present)
        files = sorted(present | fallbacks)
        site = build_site(present | fallbacks | set(self.assets), self.options.site_map, self.options.redirects)
        pages = [f for f in files if f.lower().endswith(".md") and f not in fallbacks and self._output_selected(f, locale)]
        tree = OutputTree(root, lambda page: page, self.built_markdown, self._contents)

        def display(page: str) -> str:
            return self.display(root / page)

        self._check_built_pages(f"{locale}:{fmt}", files, pages, site, tree, display, None, locale, lambda p: p)
        self.checked += [display(p) for p in pages]

    def _check_html(self, locale: str) -> None:
        root = self.settings.out / "html"
        files = self.html_files()
        mine = [f for f in files if f.startswith(locale + "/")]
        present = {f[len(locale) + 1:] for f in mine}
        self._missing_outputs(locale, "html", present, lambda page: page[:-3] + ".html")
        as_pages = {f[:-5] + ".md" if f.lower().endswith(".html") else f for f in files}
        site_files = as_pages | {f"{locale}/{asset}" for asset in self.assets}
        site_map = {prefix: f"{locale}/{folder}".rstrip("/") for prefix, folder in self.options.site_map.items()}
        redirects = {f"{locale}/{src.lstrip('/')}": url for src, url in self.options.redirects.items()}
        site = build_site(site_files, site_map, redirects)
        pages = [f[:-5] + ".md" for f in mine if f.lower().endswith(".html")
                 and self._output_selected(f[len(locale) + 1:-5] + ".md", locale)]

        def html_file(page: str) -> str | None:
            if not page.lower().endswith(".md"):
                return None
            if not page.startswith(locale + "/"):  # another locale's page: an input of this locale's result
                self._foreign_reads.add("html/" + page[:-3] + ".html")
            return page[:-3] + ".html"

        tree = OutputTree(root, html_file, self.built_html, self._contents)

        def display(page: str) -> str:
            return self.display(root / (page[:-3] + ".html"))

        self._check_built_pages(f"{locale}:html", files, pages, site, tree, display, _html_as_page, locale,
                                lambda p: p[len(locale) + 1:])
        self.checked += [display(p) for p in pages]

    def _check_built_pages(self, name: str, files: list[str], pages: list[str], site, tree: OutputTree,
                           display: Callable[[str], str], rewrite: Callable[[str], str] | None, locale: str,
                           source_page: Callable[[str], str]) -> None:
        """Check and attribute each built page of one output tree. A page's result is stored
        with every input it read (its text and the texts of the pages whose anchors it used,
        the tree's file names, the source pages and PO files behind its attribution, the
        settings) and reused while they are unchanged."""
        anchors = Anchors(site, tree.scan)
        names = [digest_text("\n".join(files)), digest_text("\n".join(self.source_files))]
        for page in pages:
            key = f"out:{name}:{page}"
            stored = self.cache.result(key) if self._reuse else None
            reports = self._stored_reports(stored, names, site, tree, locale) if stored is not None else None
            if reports is not None:
                self.cache.keep_result(key, stored)
            else:
                self._deps = {}
                reads: tuple[list, list] = ([], []) if site is not self.site else ((same := []), same)
                site.reads.collect, self.site.reads.collect = reads
                try:
                    depends: dict[str, set[str]] = {}
                    hits, _ = check_tree([page], site, tree.scan, display, rewrite, anchors=anchors, depends=depends)
                    reports = [r for r in (self._attribution(hit, locale, source_page(hit.page), display(hit.page),
                                                             html=rewrite is not None) for hit in hits) if r is not None]
                finally:
                    site.reads.collect = self.site.reads.collect = None
                deps, self._deps = self._deps, None
                deps.update({"out:" + used: tree.digest(used) for used in sorted(depends.get(page, {page}))})
                if self._reuse:
                    self.cache.keep_result(key, {"config": self.config_key(files=False), "names": names, "deps": deps,
                                                 "reads": [self._keep_reads(r, locale) for r in reads],
                                                 "reports": [encode_report(r) for r in reports]})
            for report in reports:
                self._apply(report, locale)

    def _stored_reports(self, stored: dict, names: list[str], site, tree: OutputTree,
                        locale: str) -> list[Direct | Merged] | None:
        """A built page's stored reports, if what they were made from is unchanged. The file
        lists (of the output tree, of the sources) count only through what resolving the
        links read of them (``links.SiteReads``): a page added or removed elsewhere leaves
        them standing."""
        try:
            if stored["config"] != self.config_key(files=False):
                return None
            reads_named = []
            for (was, now, ids, on) in zip(stored["names"], names, stored["reads"], (site, self.site), strict=True):
                reads = [self.cache.result(f"read:{locale}:{read_id}") for read_id in ids]
                if None in reads or was != now and not reads_hold(reads, on):
                    return None
                reads_named += reads
            for key, digest in stored["deps"].items():
                kind, _, path = key.partition(":")
                now = (self._digests.get(path) if kind == "src" else self._file_digest(path) if kind == "po"
                       else tree.digest(path) if kind == "out" else "?")
                if now != digest:
                    return None
            for read_id, read in zip((i for ids in stored["reads"] for i in ids), reads_named):
                self.cache.keep_result(f"read:{locale}:{read_id}", read)
            return [decode_report(r) for r in stored["reports"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def _keep_reads(self, reads: list, locale: str) -> list[str]:
        """Store each read (``links.Read``) once in the locale's cache, under a digest of it,
        and give those digests: many built pages ask the same questions (every format)."""
        ids = []
        for read in dict.fromkeys(reads):  # reads made this run: tuples all through
            read_id = self._read_ids.get((locale, read))
            if read_id is None:  # first asked in this run (in this locale)
                data = encode_read(read)
                read_id = self._read_ids[(locale, read)] = digest_text(json.dumps(data, ensure_ascii=False))[:12]
                self.cache.keep_result(f"read:{locale}:{read_id}", data)
            ids.append(read_id)
        return ids

    def _output_selected(self, page: str, locale: str) -> bool:
        if self.options.pages is None:
            return True
        return self.selected(page, locale)

    def _attribution(self, hit: Hit, locale: str, page: str, shown: str, *, html: bool) -> Direct | Merged | None:
        """What a built page's finding reports (None: it is reported on the source already)."""
        output = Location(shown, hit.diagnostic.location.line, hit.diagnostic.location.column)
        facts = self.facts(locale, page) if has_file(page, self.site) else None
        target = hit.link.target if hit.link else ""
        if facts is None and page in self._document_errors:
            return None  # the page cannot be parsed (its error is reported): its outputs are its last build's
        if facts is None:
            result: Attribution | None = Attribution(output, hit.diagnostic.message, "output")
        else:
            result = attribute(hit, facts, locale, output, html=html,
                               site_map=self._site_map,
                               resolve_source=lambda p, t: resolve_link(p, t, self.site),
                               source_anchors=self._noted_anchors,
                               facts_of=lambda q: self.facts(locale, q),
                               source_locale=self.settings.source_locale)
        if result is None:
            return None
        if BUILT not in result.message:
            diagnostic = Diagnostic(result.location, hit.diagnostic.severity, result.message, hit.diagnostic.code)
            return Direct(Finding(diagnostic, shown, target))
        position = f"{output.path}:{output.line}:{output.column}"
        return Merged(hit.diagnostic.code, result, hit.diagnostic.severity, shown, target, position)

    def _noted_anchors(self, page: str) -> PageAnchors | None:
        found = self.source_anchors(page)
        if self._deps is not None:
            self._note(self._source_inputs(self.source_anchors.sources.get(page, (page,))))
        return found

    def _apply(self, report: Direct | Merged, locale: str) -> None:
        if isinstance(report, Direct):
            self.findings.append(report.finding)
            return
        # one finding per PO entry and problem, however many formats show it
        key = (report.result.location, report.code, report.result.cause, report.result.source_line, locale)
        if key not in self._merged:
            self._merged[key] = (report.result, report.severity, report.shown, report.target, [])
        self._merged[key][4].append(report.position)

    def merged_findings(self, locale: str) -> list[Finding]:
        found = []
        for (location, code, *_rest, of), (result, severity, shown, target, positions) in self._merged.items():
            if of == locale:
                found.append(Finding(Diagnostic(location, severity, result.with_outputs(positions), code), shown, target))
        return found

    def scan_only(self, outputs: bool) -> bool:
        """Whether this run's findings depend on the source pages' texts only through their
        link scans: no built outputs checked, no catalogs (a project with target locales
        parses each page for its messages), every page scanned or its result reused."""
        return (not outputs and not self.catalog_locales()
                and set(self.scan_digests) == set(self.source_pages))

    def replay_data(self, findings: list[Finding], checked: list[str], args: argparse.Namespace) -> dict:
        """For a run that is ``scan_only``: ``pages``, each source page's digests (its text,
        its scan, its scan without places), and ``moves``, the findings with the places they
        are at (``checkmoves.encode_moves``; None if one is not at a source page)."""
        page_of = {shown: page for page, shown in self._shown.items()}

        def places(page: str) -> list[tuple[int, int]] | None:
            scan = self.source_scan(page)
            return None if scan is None else scan_places(scan)

        return {"pages": self.scan_digests,
                "moves": encode_moves(findings, checked, args.format, args.strict, page_of, places,
                                      report_prefix(self.settings))}

    # -- one locale's catalogs and outputs, reused while its inputs did not change

    def stored_locale(self, locale: str, outputs: bool, base: str | None) -> _LocaleResult | None:
        """``locale``'s stored result (see ``compute_locale``), if its inputs are the same.
        ``base`` is the digest of what every locale reads (``locale_base``; None: no reuse)."""
        key = _locale_key(locale, outputs)
        stored = self.cache.result(key) if base is not None else None
        if stored is None:
            return None
        try:
            if stored["inputs"] == self._locale_inputs(locale, outputs, base) and all(
                    self._file_digest(path) == digest for path, digest in stored["reads"].items()):
                found = decode_findings(stored["findings"])
                self._document_errors.update(zip(stored["broken"], decode_findings(stored["broken_findings"])))
                self.cache.keep_result(key, stored)
                self.cache.keep_shard(locale)  # its PO files' and built pages' results, for when it is checked again
                return found, list(stored["catalogs"]), list(stored["outputs"])
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        return None

    def compute_locale(self, locale: str, outputs: bool, base: str | None) -> _LocaleResult:
        """The findings of ``locale``'s catalogs and (``outputs``) built pages, and the files
        checked in each of the two; stored with its inputs (unless ``base`` is None)."""
        mark, checked_mark = len(self.findings), len(self.checked)
        self._documents_used, self._foreign_reads, self._withheld_asked = set(), set(), False
        self.check_catalogs(locale)
        catalogs_checked = self.checked[checked_mark:]
        if outputs:
            self.check_outputs(locale)
        outputs_checked = self.checked[checked_mark + len(catalogs_checked):]
        found = self.findings[mark:] + self.merged_findings(locale)
        del self.findings[mark:], self.checked[checked_mark:]
        if base is not None:
            broken = sorted(page for page in self._documents_used if page in self._document_errors)
            root = self.settings.out
            self.cache.keep_result(_locale_key(locale, outputs), {
                "inputs": self._locale_inputs(locale, outputs, base), "findings": encode_findings(found),
                "reads": {path: self._file_digest(path) for path in
                          [str(root / page) for page in sorted(self._foreign_reads)]
                          + (self._build_records if self._withheld_asked else [])},
                "broken": broken, "broken_findings": encode_findings([self._document_errors[p] for p in broken]),
                "catalogs": catalogs_checked, "outputs": outputs_checked})
        return found, catalogs_checked, outputs_checked

    def compute_locales(self, locales: list[str], outputs: bool, base: str | None) -> dict[str, _LocaleResult]:
        """``compute_locale`` of each, in worker processes when there are two or more (the
        workers inherit this run's state by fork and hand back what they found and stored)."""
        jobs = min(self.jobs or os.cpu_count() or 1, len(locales))
        if jobs >= 2:
            import multiprocessing  # 7 ms of imports: only when there is parallel work

            jobs = jobs if multiprocessing.get_start_method() == "fork" else 1
        if jobs < 2:
            return {locale: self.compute_locale(locale, outputs, base) for locale in locales}
        from .workers import worker_pool

        global _WORKER_RUN
        _WORKER_RUN = self
        # the longest first (a locale with PO files costs two to three times one without:
        # the source and pseudo-locales), so that the last task to start is a short one
        catalogs = set(self.catalog_locales())
        order = sorted(locales, key=lambda locale: locale not in catalogs)
        try:
            with worker_pool(jobs) as pool:
                done = list(pool.map(_locale_in_worker, order, [outputs] * len(order), [base] * len(order)))
        finally:
            _WORKER_RUN = None
        results = {}
        for locale, (result, document_errors, made) in zip(order, done):
            results[locale] = result
            self._document_errors.update(document_errors)
            self.cache.add_made(made)
            self.cache.saved_elsewhere(locale)
        return results

    def config_key(self, files: bool = True) -> str:
        """Our settings and options, the glossary and (``files``) the source file list: what
        every stored result depends on beside the files it names. A built page's result
        depends on the file list only through what resolving links read of it (``files=False``:
        ``_stored_reports``)."""
        if self._config_key is None:
            options = self.options
            config = digest_text(json.dumps([
                repr(self.settings), sorted(options.site_map.items()), sorted(options.redirects.items()),
                sorted(options.pages) if options.pages is not None else None,
                sorted((page, sorted(names)) for page, names in options.locales_of_page.items()),
                self._glossary_digest()], ensure_ascii=False))
            self._config_key = (digest_text(config + "\0" + "\n".join(self.source_files)), config)
        return self._config_key[0 if files else 1]

    def _glossary_digest(self) -> str:
        glossary = self.settings.glossary
        return (self._file_digest(str(glossary)) or "") if glossary else ""

    def locale_base(self, outputs: bool) -> str:
        """What every locale's result depends on beside its own files: ``config_key``, the
        text of every source page (hence the source pages' own findings) and (``outputs``)
        the names of all built HTML pages (a page may link to another locale's)."""
        return digest_text(json.dumps([self.config_key(), outputs, sorted(self._digests.items()),
                                       self.html_files() if outputs else None]))

    def html_files(self) -> list[str]:
        """Every file below ``out/html`` (all locales'), listed once a run."""
        if self._html_files is None:
            self._html_files = list_files(self.settings.out / "html")
        return self._html_files

    def _locale_inputs(self, locale: str, outputs: bool, base: str) -> str:
        """``base`` and the files of ``locale``: its PO files and its built pages (once a run:
        ``stored_locale`` asks, then ``compute_locale`` stores it)."""
        key = (locale, outputs, base)
        if key not in self._inputs:
            folders = [self.settings.locales / locale] if locale in self.catalog_locales() else []
            if outputs:
                folders += [self.settings.out / fmt / locale for fmt in OUTPUT_FORMATS]
            self._inputs[key] = fingerprint([base, locale], [(str(folder), frozenset()) for folder in folders], [],
                                            self._contents)
        return self._inputs[key]

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


_LocaleResult = tuple[list[Finding], list[str], list[str]]  # findings, catalogs checked, built pages checked
_WORKER_RUN: _Run | None = None  # the run whose locales a forked worker checks (set just before the fork)


def report_prefix(settings: Settings) -> str:
    """``reports.annotation_prefix`` of this run: the project folder from the checkout's root
    (``$GITHUB_WORKSPACE``) or from the working folder. Part of a stored run's key
    (``checkcommand.run_inputs``: the working folder and that variable)."""
    return annotation_prefix(str(settings.root), os.getcwd(), os.environ.get("GITHUB_WORKSPACE"))


def _stored_review_of(stored: dict | None, inputs: str) -> tuple[list[Finding], str | None, dict] | None:
    """A stored review's findings, the catalog it names as checked and itself, if it was made
    from ``inputs`` (``_Run._review_inputs``)."""
    try:
        if stored is not None and stored["inputs"] == inputs:
            checked = stored["checked"]
            return decode_findings(stored["findings"]), None if checked is None else str(checked), stored
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return None


def _locale_key(locale: str, outputs: bool) -> str:
    return f"locale:{locale}:{'outputs' if outputs else 'catalogs'}"  # make check and pre-commit side by side


def _locale_in_worker(locale: str, outputs: bool, base: str | None) -> tuple[_LocaleResult, dict, dict]:
    """Worker: one locale of the run it inherited; what it found, the pages it found broken
    and what it added to the cache."""
    run = _WORKER_RUN
    before = run.cache.made()
    result = run.compute_locale(locale, outputs, base)
    run.cache.save_shard(locale)  # written here, not sent back
    return result, dict(run._document_errors), run.cache.made_since(before)


def _scan_html(text: str) -> PageScan:
    from .htmllinks import scan_html  # lxml: only when there are HTML outputs

    return scan_html(text)


def _html_as_page(target: str) -> str:
    """``x.html#a`` -> ``x.md#a``: built HTML pages as the ``.md`` pages of the HTML site."""
    cut = min((i for i in (target.find("#"), target.find("?")) if i != -1), default=len(target))
    path = target[:cut]
    if path.lower().endswith(".html"):
        return path[:-5] + ".md" + target[cut:]
    return target


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
