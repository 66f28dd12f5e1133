"""The checks of one locale's built outputs, as they are in ``out/`` (never rebuilt here).

In: the run (``checking._Run``, of which ``OutputCheck`` is a mixin: the settings, the source
site and pages, the cache) and a locale. Out: the findings of the locale's built pages, added
to the run's ``findings``, but those a translation caused: each is kept once per PO entry with
the positions of every format that shows it, and handed out by ``merged_findings``; the pages
checked, added to the run's ``checked``; each built page's reports stored in the check's cache
(``out:<locale>:<format>:<page>``) with every input it read, and reused while those are
unchanged (``_check_built_pages``).

Each format is checked as a tree: the front-matter format and portable Markdown as Markdown
trees, HTML parsed with lxml (``pipeline.htmllinks``) and presented as ``.md`` pages. A locale
with no output at all is an error [check.not-built]; a page it lacks is a warning, unless the
last build left it out under ``--min-coverage`` (``withheld``): links to it then lead to the
source locale's page (``fallback_files``). Nor is a page reported missing that a build would
fail again: its source cannot be parsed, or its PO file in the locale (or that of a page it
includes) cannot be read (``_blocking_catalogs``); that error, reported once, says why, where
"run 'pipeline build'" sent the user to the build that had just failed. A built page's problem
is traced back to the source or to a PO entry (``pipeline.provenance``, ``_attribution``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .checkstore import Direct, Merged, decode_broken, decode_report, encode_broken, encode_report
from .files import list_files
from .linkcache import digest_text
from .links import Anchors, PageAnchors, build_site, encode_read, has_file, reads_hold, resolve_link
from .diagnostics import Diagnostic, Location
from .outputtree import OutputTree
from .reports import Finding
from .treecheck import Hit, check_tree
from .urls import split_url

NOT_BUILT = "check.not-built"
OUTPUT_FORMATS = ("frontmatter", "markdown", "html")


class OutputCheck:
    """The checks of the built outputs, a mixin of ``checking._Run``. Of the run it uses
    ``settings``, ``options``, ``cache``, ``site``, ``source_files``, ``source_pages``, ``unpublished``,
    ``assets``, ``source_anchors``, ``findings``, ``checked``, ``_contents``, ``_digests``, ``source_digest``,
    ``_reuse``, ``_document_errors``, ``_documents_used``, ``_site_map`` and ``display``, ``selected``,
    ``document``, ``facts``, ``built_units``, ``config_key``, ``_note``, ``_source_inputs``,
    ``_file_digest``, ``source_scan``, ``_include_paths``, ``catalog_locales``,
    ``catalog_error``, ``report_catalog_error``; it opens ``_deps`` for the built page in
    hand (``facts`` and ``_note`` fill it). Its own state there is ``built_markdown``,
    ``built_html``, ``_merged``, ``_read_ids``, ``_html_files``, ``_withheld``,
    ``_foreign_reads`` and ``_withheld_asked`` (the last two per locale: ``checklocales``
    stores them with its result)."""

    def withheld(self, locale: str) -> frozenset[str]:
        """The pages the last build left out of ``locale`` under ``--min-coverage`` (its
        caches say so, ``cache.withheld_pages``): their outputs are missing by choice. The
        caches count as read by the locale in hand (``compute_locale`` stores their digests)."""
        if self._withheld is None:  # once a run (per worker process: it is asked there)
            from .cache import withheld_pages

            self._withheld = withheld_pages(self.built_units())
        self._withheld_asked = True
        return self._withheld.get(locale, frozenset())

    def check_outputs(self, locale: str) -> None:
        out = self.settings.out
        missing = [fmt for fmt in OUTPUT_FORMATS if not (out / fmt / locale).is_dir()]
        if missing and self.withheld(locale):
            missing = []  # built, with pages left out: a folder no page was written to is not made
        if missing and self._none_buildable(locale):
            missing = []  # each page's error says why no page was written there (``_missing_outputs``)
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
        the error that says why (broken front matter, bytes not UTF-8, a PO file that cannot
        be read) is reported once, not once more per locale and format; nor the HTML of a page
        not published (``published``), which the build does not write."""
        for page in self.source_pages:
            if fmt == "html" and page in self.unpublished:
                continue
            if self.selected(page, locale) and name(page) not in present and page not in self.withheld(locale) \
                    and self.document(page) is not None:
                blocking = self._blocking_catalogs(locale, page)
                if blocking:  # a build would fail it again: the catalog's error is the finding
                    for catalog_page in blocking:
                        self.report_catalog_error(locale, catalog_page)
                    continue
                where = self.display(self.settings.source / page)
                built = self.display(self.settings.out / fmt / locale / name(page))
                self.findings.append(Finding(Diagnostic(
                    Location(where, 1, 1), "warning",
                    f"not built for {locale} ({built} is missing: below --min-coverage, or run 'pipeline build')",
                    NOT_BUILT), built))

    def _blocking_catalogs(self, locale: str, page: str) -> list[str]:
        """The pages whose PO file in ``locale`` cannot be read (``catalog_error``), of the
        page and the pages it includes: the build reads each (``units.Workshop``) and fails
        the page's unit there for any of them, as a build run again would."""
        if locale not in self.catalog_locales():
            return []
        scan = self.source_scan(page)
        pages = dict.fromkeys([page, *(self._include_paths(page) if scan is not None else ())])
        return [each for each in pages if self.catalog_error(locale, each) is not None]

    def _none_buildable(self, locale: str) -> bool:
        """Whether no page could be built in ``locale`` (there are pages): each one's source
        cannot be parsed or ``_blocking_catalogs`` holds it back, so no output folder of the
        locale is made but its HTML index's."""
        return bool(self.source_pages) and all(
            self.document(page) is None or self._blocking_catalogs(locale, page) for page in self.source_pages)

    def fallback_files(self, locale: str, fmt: str, present: set[str]) -> set[str]:
        """The source locale's pages that ``locale``'s pages in Markdown format ``fmt`` may
        link to instead of pages ``locale`` lacks (left out under --min-coverage: the build
        points their links there, ``linkmap.fallback_url``), as the locale's tree sees them
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
        site = build_site(present | fallbacks | set(self.assets), self.options.site_map, self.options.redirects,
                          self.unpublished)
        pages = [f for f in files if f.lower().endswith(".md") and f not in fallbacks and self.selected(f, locale)]
        tree = OutputTree(root, lambda page: page, self.built_markdown, self._contents, self.settings.source)

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
        site = build_site(site_files, site_map, redirects, {f"{locale}/{page}" for page in self.unpublished})
        pages = [f[:-5] + ".md" for f in mine if f.lower().endswith(".html")
                 and self.selected(f[len(locale) + 1:-5] + ".md", locale)]

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
        settings) and reused while they are unchanged; with it, the errors of the source pages
        its attribution parsed that cannot be parsed (``_document_errors``), which a reuse
        reports again (it parses nothing)."""
        anchors = Anchors(site, tree.scan)
        names = [digest_text("\n".join(files)), digest_text("\n".join(self.source_files))]
        for page in pages:
            key = f"out:{name}:{page}"
            stored = self.cache.result(key) if self._reuse else None
            reports = self._stored_reports(stored, names, site, tree, locale) if stored is not None else None
            if reports is not None:
                self.cache.keep_result(key, stored)
            else:
                self._deps, used, self._documents_used = {}, self._documents_used, set()
                reads: tuple[list, list] = ([], []) if site is not self.site else ((same := []), same)
                site.reads.collect, self.site.reads.collect = reads
                try:
                    depends: dict[str, set[str]] = {}
                    hits, _ = check_tree([page], site, tree.scan, display, rewrite, anchors=anchors, depends=depends)
                    reports = [r for r in (self._attribution(hit, locale, source_page(hit.page), display(hit.page),
                                                             html=rewrite is not None) for hit in hits) if r is not None]
                finally:
                    site.reads.collect = self.site.reads.collect = None
                    # the pages its attribution parsed: those that cannot be parsed are stored with their errors
                    parsed, self._documents_used = self._documents_used, used | self._documents_used
                deps, self._deps = self._deps, None
                deps.update({"out:" + path: tree.digest(path) for path in sorted(depends.get(page, {page}))})
                if self._reuse:
                    self.cache.keep_result(key, {"config": self.config_key(files=False), "names": names, "deps": deps,
                                                 "reads": [self._keep_reads(r, locale) for r in reads],
                                                 "reports": [encode_report(r) for r in reports],
                                                 **encode_broken(self._document_errors, parsed)})
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
                now = (self.source_digest(path) if kind == "src" else self._file_digest(path) if kind == "po"
                       else tree.digest(path) if kind == "out" else "?")
                if now != digest:
                    return None
            reports = [decode_report(r) for r in stored["reports"]]
            broken = decode_broken(stored)
            for read_id, read in zip((i for ids in stored["reads"] for i in ids), reads_named):
                self.cache.keep_result(f"read:{locale}:{read_id}", read)
            self._document_errors.update(broken)  # as parsing those pages again would find them
            self._documents_used.update(broken)
            return reports
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

    def _attribution(self, hit: Hit, locale: str, page: str, shown: str, *, html: bool) -> Direct | Merged | None:
        """What a built page's finding reports (None: it is reported on the source already)."""
        from .provenance import BUILT, Attribution, attribute  # only a built page's finding needs it

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

    def html_files(self) -> list[str]:
        """Every file below ``out/html`` (all locales'), listed once a run."""
        if self._html_files is None:
            self._html_files = list_files(self.settings.out / "html")
        return self._html_files


def _html_as_page(target: str) -> str:
    """``x.html#a`` -> ``x.md#a``: built HTML pages as the ``.md`` pages of the HTML site."""
    path, rest = split_url(target)
    if path.lower().endswith(".html"):
        return path[:-5] + ".md" + rest
    return target
