"""Import existing translated pages into a locale's PO files (po4a's gettextize).

In: ``Settings``, a locale and a folder holding that locale's translated pages at the
same relative paths as the source pages. Out: an ``Outcome`` with one line per page
(``import: fr-FR: page.md: 12 aligned, 1 fuzzy, 0 empty, 0 kept``) and a total, and the
locale's PO files under ``locales/<locale>/`` written or merged.

This module is the file edge; the work is pure: ``align.align_documents`` pairs the
segments, ``fill_catalog`` puts the verdicts into a catalog. Rules:

- ``aligned`` fills the message; ``fuzzy`` fills it, flags it ``fuzzy`` and says why in a
  translator comment starting ``import:``; ``empty`` leaves it untranslated (with the
  reason as a comment).
- A translation already in the PO is never replaced unless ``overwrite``, but a fuzzy
  guess of an earlier import (its ``import: fuzzy:`` note); such messages are reported as
  ``kept``. A fuzzy translation of another origin is a translator's draft or ``update``'s
  fuzzy match (with the text it was made for): replacing it would lose it. With ``overwrite``, a message the
  page has no counterpart for keeps what it had.
- Localization metadata (front-matter keys only the translation has, such as
  ``ms.sourcegitcommit``, and its closing ``<!--HONumber=...-->`` comment) goes into the PO
  header (``X-Front-Matter-Extra``, ``X-Body-Trailer``), for the build to put back with
  ``align.localize_output``.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import catalog
from .align import (ALIGNED, EMPTY, EXTRA_HEADER, FUZZY, TRAILER_HEADER, Match, align_documents,
                    choose_translations, encode_extras, encode_trailer)
from .config import Settings, babel_locale, not_source_locale, po_language
from .errors import PipelineError, error
from .extract import extract_messages
from .files import read_text
from .model import Document
from .project import Outcome, load_catalog, load_sources, now_stamp, po_path, template_path
from .source import load_document

if TYPE_CHECKING:  # catalog.py is the only module that uses polib at run time
    import polib

KEPT = "kept"
_TAG = "import: "
_STALE_NOTES = (f"{_TAG}untranslated:", f"{_TAG}fuzzy:")  # of a translation since reviewed
_POT_DATE = re.compile(r'^"POT-Creation-Date: (.*?)\\n"$', re.MULTILINE)


@dataclass(frozen=True)
class PageReport:
    """How one page's segments came out of the import."""

    path: str
    aligned: int = 0
    fuzzy: int = 0
    empty: int = 0
    kept: int = 0

    def line(self, locale: str) -> str:
        return (f"import: {locale}: {self.path}: {self.aligned} aligned, {self.fuzzy} fuzzy, "
                f"{self.empty} empty, {self.kept} kept")


def run_import(settings: Settings, locale: str, from_dir: Path, overwrite: bool = False) -> Outcome:
    """Align every translated page under ``from_dir`` and fill ``locale``'s PO files."""
    return run_imports(settings, ((locale, from_dir),), overwrite)


def run_imports(settings: Settings, imports: Sequence[tuple[str, Path]], overwrite: bool = False) -> Outcome:
    """``run_import`` for several (locale, folder) pairs, reading the source pages once."""
    for locale, from_dir in imports:
        babel_locale(locale, "<command line>")
        not_source_locale(settings, locale)
        if not from_dir.is_dir():
            raise error("<command line>", 1, 1, f"--from {from_dir}: no such folder of translated pages",
                        "config.import-from")  # a usage error (exit 2), as an unknown --locale is
        if from_dir.resolve() == settings.source.resolve():  # every page would "translate" itself
            raise error("<command line>", 1, 1, f"--from {from_dir}: that is the source folder; give the folder "
                        "of the translated pages", "config.import-from")
    outcome = Outcome()
    documents = [d for d in load_sources(settings, outcome) if d.segments]
    for locale, from_dir in imports:
        _import_locale(settings, documents, locale, from_dir, overwrite, outcome)
    return outcome


def _import_locale(settings: Settings, documents: Sequence[Document], locale: str, from_dir: Path,
                   overwrite: bool, outcome: Outcome) -> None:
    started = time.perf_counter()
    language = po_language(locale)
    written = len(outcome.written)
    missing = pages = 0
    totals = PageReport("total")
    for document in documents:
        translated_path = from_dir / document.path
        if not translated_path.is_file():
            missing += 1
            continue
        try:
            translated = _load_translation(settings, translated_path, document.path)
            path = po_path(settings, locale, document.path)
            existing = load_catalog(settings, locale, document.path)
            merged = catalog.merge_catalog(_template(settings, document, existing), existing, language)
            filled, report = import_page(merged, document, translated, overwrite)
            if not outcome.write(settings, path, catalog.format_catalog(filled)):
                continue
        except PipelineError as exc:
            outcome.diagnostics.append(exc.diagnostic)
            continue
        pages += 1
        outcome.lines.append(report.line(locale))
        totals = PageReport("total", totals.aligned + report.aligned, totals.fuzzy + report.fuzzy,
                            totals.empty + report.empty, totals.kept + report.kept)
    if locale not in settings.target_locales:
        outcome.lines.append(f"import: {locale}: note: not in target_locales, so 'pipeline build' skips it")
    outcome.lines.append(
        f"import: {locale}: {pages} page(s), {totals.aligned} aligned, {totals.fuzzy} fuzzy, "
        f"{totals.empty} empty, {totals.kept} kept; {missing} source page(s) without a translation; "
        f"{len(outcome.written) - written} catalog(s) written in {time.perf_counter() - started:.2f}s"
    )


def _load_translation(settings: Settings, path: Path, page: str) -> Document:
    """A translated page, parsed like a source page; errors located in the translated file."""
    display = settings.display(path)
    try:
        return load_document(page, read_text(path, display), settings.translate_keys)
    except PipelineError as exc:
        where = exc.diagnostic.location._replace(path=display)
        raise PipelineError(exc.diagnostic._replace(location=where)) from None


def _template(settings: Settings, document: Document, existing: polib.POFile | None) -> polib.POFile:
    """The page's template from the current source, dated like its POT when there is one,
    else like the catalog being filled (an import run again, with no extract in between, then
    rewrites nothing: a new date each minute rewrote every catalog), else now."""
    path = template_path(settings, document.path)
    found = _POT_DATE.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    date = found.group(1) if found else (existing.metadata.get("POT-Creation-Date") if existing is not None else None)
    messages = extract_messages(document, settings.display(settings.source))
    return catalog.make_template(messages, settings.project, date or now_stamp(), document.path)


def import_page(po: polib.POFile, source: Document, translated: Document,
                overwrite: bool = False) -> tuple[polib.POFile, PageReport]:
    """``po`` (already merged with the page's template) filled from ``translated``; pure. The
    page's localization keys and trailer replace the catalog's; a page with none keeps the
    catalog's unless ``overwrite``."""
    alignment = align_documents(source, translated)
    filled, states = fill_catalog(po, alignment.matches, overwrite)
    for header, value in ((EXTRA_HEADER, encode_extras(alignment.extras) if alignment.extras else ""),
                          (TRAILER_HEADER, encode_trailer(alignment.trailer) if alignment.trailer else "")):
        if value:
            filled.metadata[header] = value
        elif overwrite:  # else kept, as a translation the page has nothing for is (an emptied page)
            filled.metadata.pop(header, None)
    counts = {ALIGNED: 0, FUZZY: 0, EMPTY: 0, KEPT: 0}
    for match in alignment.matches:
        counts[states.get(match.segment.text, EMPTY)] += 1
    return filled, PageReport(source.path, counts[ALIGNED], counts[FUZZY], counts[EMPTY], counts[KEPT])


def _guessed_by_import(notes: list[str]) -> bool:
    """Whether a fuzzy entry's translation is an earlier import's guess (its note says so)."""
    return any(note.startswith(f"{_TAG}fuzzy:") for note in notes)


def fill_catalog(po: polib.POFile, matches: tuple[Match, ...],
                 overwrite: bool = False) -> tuple[polib.POFile, dict[str, str]]:
    """A copy of ``po`` with the matches' translations in it, and each msgid's outcome.

    Outcomes: ``aligned``, ``fuzzy``, ``empty`` or ``kept`` (a translation already there
    that ``overwrite`` would replace: a reviewed one, or a fuzzy one not guessed by an
    earlier import).
    """
    filled = copy.copy(po)  # entries are copied before they change; ``po`` stays as it was
    filled.metadata = dict(po.metadata)
    chosen = choose_translations(matches)
    states: dict[str, str] = {}
    for index, original in enumerate(po):
        if original.obsolete or original.msgid not in chosen:
            continue
        entry = filled[index] = copy.copy(original)
        match = chosen[entry.msgid]
        notes = [c for c in (entry.tcomment or "").split("\n") if c]
        comments = [c for c in notes if not c.startswith(_TAG)]  # the translator's own
        # a translation the import did not guess itself: reviewed, or a fuzzy one that a
        # translator may have been working on (a draft, ``update``'s fuzzy match)
        kept = bool(entry.msgstr) and ("fuzzy" not in entry.flags or not _guessed_by_import(notes))
        if kept and (not overwrite or match.status == EMPTY):
            # a translation the import has no other for, or may not replace, stays; our notes
            # of an earlier import ("untranslated", "fuzzy") no longer hold for it
            states[entry.msgid] = KEPT
            entry.tcomment = "\n".join(c for c in notes if not c.startswith(_STALE_NOTES))
            continue
        if match.status == EMPTY:
            states[entry.msgid] = EMPTY
            if not entry.msgstr and match.reason:
                comments.append(f"{_TAG}untranslated: {match.reason}")
            elif entry.msgstr:  # an earlier import's guess, kept: still said to be one
                comments += [note for note in notes if note.startswith(f"{_TAG}fuzzy:")]
            entry.tcomment = "\n".join(comments)
            continue
        entry.msgstr = match.translation
        entry.previous_msgid = None
        entry.previous_msgctxt = None
        others = [f for f in entry.flags if f != "fuzzy"]
        if match.status == FUZZY:
            entry.flags = ["fuzzy"] + others
            comments.append(f"{_TAG}fuzzy: {match.reason}")
        else:
            entry.flags = others
            if match.reason:
                comments.append(f"{_TAG}{match.reason}")
        entry.tcomment = "\n".join(comments)
        states[entry.msgid] = match.status
    return filled, states
