"""The catalog review of ``pipeline check``: each target locale's PO files reviewed, or their
stored review reused.

In: the run (``checking._Run``, of which ``CatalogReview`` is a mixin: the settings, the
source pages and their content digests, the cache) and a locale, or a source page's
``PageFacts`` in a locale. Out: each review's findings and the PO files checked, added to the
run's ``findings`` and ``checked`` once per page and locale; the page's facts with the
translations the build would use; each review stored in the check's cache
(``po:<locale>/<page>``) under the digest of its inputs (``review.review_key``).

A review made from the same inputs is not made again: the check's own stored one, else the
one the last build made (``cache.UnitRecord.review``), whose errors lose the build's note on
what it set aside. ``--verbose`` reviews from scratch.
"""

from __future__ import annotations

from dataclasses import replace

from .checkstore import decode_findings, encode_findings
from .errors import PipelineError
from .linkcache import code_key
from .model import Diagnostic, Location
from .reports import Finding

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .provenance import PageFacts


class CatalogReview:
    """The review of the catalogs, a mixin of ``checking._Run``. Of the run it uses
    ``settings``, ``cache``, ``source_pages``, ``findings``, ``checked``, ``_digests``,
    ``_shown``, ``_reuse`` and ``display``, ``selected``, ``facts``, ``catalog_locales``,
    ``built_units``, ``_file_digest``, ``_glossary_digest``; its own state there is
    ``_reviews_reported``, ``_known_reviews``, ``_review_key``, ``_glossary``,
    ``_catalog_errors`` and ``_catalog_errors_reported`` (set in ``_Run.__init__``)."""

    def check_catalogs(self, locale: str) -> None:
        """Each page's PO file of ``locale``: its review is reused while the PO file, the
        page, the glossary and the settings are the same (the built pages may still need the
        page's translations, and parse it then, without reporting it twice)."""
        if locale in self.catalog_locales():
            for page in self.source_pages:
                if self.selected(page, locale) and not self._stored_review(locale, page):
                    self.facts(locale, page)

    def catalog_error(self, locale: str, page: str) -> Diagnostic | None:
        """The located error that keeps the page's PO file in ``locale`` from being read (a
        ``po.*`` syntax error, ``io.read``, bytes not in its charset): the build fails the page
        there for it, and for it the pages that include the page (``units.Workshop``). None
        when the file reads, or is not there. Known from its review, else read here."""
        key = (locale, page)
        if key not in self._catalog_errors:
            from .project import load_catalog

            try:
                load_catalog(self.settings, locale, page)
                self._catalog_errors[key] = None
            except PipelineError as exc:
                self._catalog_errors[key] = exc.diagnostic
        return self._catalog_errors[key]

    def report_catalog_error(self, locale: str, page: str) -> None:
        """Report ``catalog_error`` (there is one) once in ``locale``'s findings: the review
        of the page's PO file reported it already, unless the page is not among those checked
        (``check FILE``) while a page they name includes it."""
        if (locale, page) not in self._catalog_errors_reported:
            from .project import po_path

            self._catalog_errors_reported.add((locale, page))
            self.findings.append(Finding(self.catalog_error(locale, page),
                                         self.display(po_path(self.settings, locale, page))))

    def _note_catalog(self, locale: str, page: str, found: list[Finding], read: bool, reported: bool) -> None:
        """Note whether the page's PO file could be ``read`` (its review's findings ``found``
        are then its error) and whether that was ``reported``: ``catalog_error`` asks."""
        error = None if read or not found else found[0].diagnostic
        self._catalog_errors[(locale, page)] = error
        if error is not None and reported:
            self._catalog_errors_reported.add((locale, page))

    def glossary(self) -> frozenset[str]:
        if self._glossary is None:
            from .project import load_glossary_file

            self._glossary = load_glossary_file(self.settings)
        return self._glossary

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
        self._note_catalog(locale, page, found, po is not None, report)
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
        self._note_catalog(locale, page, found, checked is not None, True)  # "checked": None when it could not be read
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


def _stored_review_of(stored: dict | None, inputs: str) -> tuple[list[Finding], str | None, dict] | None:
    """A stored review's findings, the catalog it names as checked and itself, if it was made
    from ``inputs`` (``CatalogReview._review_inputs``)."""
    try:
        if stored is not None and stored["inputs"] == inputs:
            checked = stored["checked"]
            return decode_findings(stored["findings"]), None if checked is None else str(checked), stored
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return None
