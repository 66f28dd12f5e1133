"""One locale's check as a whole (its catalogs and built outputs): stored, reused while its
inputs are unchanged, else computed, in worker processes when two or more locales are.

In: the run (``checking._Run``, of which ``LocaleResults`` is a mixin) and the locales to
check. Out: per locale, its findings, the catalogs and the built pages it checked
(``_LocaleResult``); each stored in the check's cache (``locale:<locale>:<kind>``) with the
digest of its inputs (``_locale_inputs``) and of the files outside them it read (other
locales' built pages, the build's records). Also ``config_key``: what every stored result
depends on beside the files it names.

Workers are forked (where processes are not forked, the locales are computed in this one):
each inherits the run through this module's ``_WORKER_RUN``, set just before the pool starts,
hands back its result, the pages it found broken and what it added to the cache, and writes
its locale's cache shard itself.
"""

from __future__ import annotations

import json
import os

from .cache import shard_records_entry
from .checkoutputs import OUTPUT_FORMATS
from .checkstore import decode_broken, decode_findings, encode_broken, encode_findings
from .linkcache import digest_text
from .reports import Finding
from .runrecord import counts_by_bytes, fingerprint

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .checking import _Run  # at run time checking imports this module, not the other way


class LocaleResults:
    """A locale's result, a mixin of ``checking._Run``. Of the run it uses ``settings``,
    ``options``, ``cache``, ``jobs``, ``source_files``, ``findings``, ``checked``,
    ``_contents``, ``_digests``, ``_document_errors``, ``_documents_used``,
    ``_foreign_reads``, ``_withheld_asked``, ``_build_records`` and ``check_catalogs``,
    ``check_outputs``, ``merged_findings``, ``catalog_locales``, ``html_files``,
    ``_file_digest``; its own state there is ``_config_key`` and ``_inputs``."""

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
                self._document_errors.update(decode_broken(stored))
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
            root = self.settings.out
            self.cache.keep_result(_locale_key(locale, outputs), {
                "inputs": self._locale_inputs(locale, outputs, base), "findings": encode_findings(found),
                "reads": {path: self._file_digest(path) for path in
                          [str(root / page) for page in sorted(self._foreign_reads)]
                          + (self._build_records if self._withheld_asked else [])},
                **encode_broken(self._document_errors, self._documents_used),
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
        """Our settings and options, the glossary, the pages not published (``published``: a
        docfx.json edit changes how links to them resolve) and (``files``) the source file list: what
        every stored result depends on beside the files it names. A built page's result
        depends on the file list only through what resolving links read of it (``files=False``:
        ``_stored_reports``)."""
        if self._config_key is None:
            options = self.options
            config = digest_text(json.dumps([
                repr(self.settings), sorted(options.site_map.items()), sorted(options.redirects.items()),
                sorted(options.pages) if options.pages is not None else None,
                sorted((page, sorted(names)) for page, names in options.locales_of_page.items()),
                self._glossary_digest(), sorted(self.unpublished)], ensure_ascii=False))
            self._config_key = (digest_text(config + "\0" + "\n".join(self.source_files)), config)
        return self._config_key[0 if files else 1]

    def _glossary_digest(self) -> str:
        glossary = self.settings.glossary
        return (self._file_digest(str(glossary)) or "") if glossary else ""

    def locale_base(self, outputs: bool) -> str:
        """What every locale's result depends on beside its own files: ``config_key``, the
        text of every source page (hence the source pages' own findings) and (``outputs``)
        the names of all built HTML pages (a page may link to another locale's) and the bytes
        of the source's other files but images and media (a Markdown output's include of a
        ``note.inc`` takes its ids from the source tree: ``outputtree.OutputTree``)."""
        others = [(f, self.source_digest(f)) for f in self.assets if counts_by_bytes(f)] if outputs else None
        return digest_text(json.dumps([self.config_key(), outputs, sorted(self._digests.items()),
                                       self.html_files() if outputs else None, others]))

    def _locale_inputs(self, locale: str, outputs: bool, base: str) -> str:
        """``base`` and the files of ``locale``: its PO files and its built pages (once a run:
        ``stored_locale`` asks, then ``compute_locale`` stores it)."""
        key = (locale, outputs, base)
        if key not in self._inputs:
            folders = [self.settings.locales / locale] if locale in self.catalog_locales() else []
            if outputs:
                folders += [self.settings.out / fmt / locale for fmt in OUTPUT_FORMATS]
            # the shard records' names and bytes too: a record that appears may withhold a page
            # (``withheld``), and a result stored before it named only the records there then
            shards = [shard_records_entry(self.settings.out / ".cache")]
            self._inputs[key] = fingerprint([base, locale], [(str(folder), frozenset()) for folder in folders],
                                            shards if outputs else [], self._contents)
        return self._inputs[key]


_LocaleResult = tuple[list[Finding], list[str], list[str]]  # findings, catalogs checked, built pages checked
_WORKER_RUN: _Run | None = None  # the run whose locales a forked worker checks (set just before the fork)


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
