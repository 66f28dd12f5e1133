"""The project's files as the stages see them: where catalogs live, reading pages and PO files.

In: ``Settings``. Out: parsed ``Document`` records and polib catalogs, with every problem
turned into a located diagnostic on an ``Outcome`` (the record each command returns to the
CLI: diagnostics, files written, summary lines).
"""

from __future__ import annotations

import os
import posixpath
from itertools import chain, count
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from .config import Settings
from .errors import PipelineError, error
from .files import (Unlisted, decode_text, folder_error, inside, list_pages, name_problem, read_bytes, read_located,
                    read_optional, shown_name, write_atomic, write_error, write_through)
from .model import Diagnostic, Document, Location

if TYPE_CHECKING:
    import polib


@dataclass
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def write(self, settings: Settings, path: Path, data: str | bytes, output: bool = False) -> bool:
        """Write ``path`` atomically (not when it holds ``data`` already), noted as written, or
        note the located error; False when it could not be written. A user's file (a PO file,
        a template) is written through a symbolic link to it (``files.write_through``); an
        ``output`` of ours in ``out/`` replaces whatever is there (``files.write_atomic``)."""
        try:
            if (write_atomic if output else write_through)(path, data):
                self.written.append(settings.display(path))
        except OSError as exc:
            self.diagnostics.append(write_error(settings.display(path), exc).diagnostic)
            return False
        return True


def now_stamp() -> str:
    """The PO date stamp; ``SOURCE_DATE_EPOCH`` makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def template_path(settings: Settings, page: str) -> Path:
    return inside(settings.locales, f"pot/{page[:-3]}.pot")


def po_path(settings: Settings, locale: str, page: str) -> Path:
    return inside(settings.locales, f"{locale}/{page[:-3]}.po")


def output_paths(locale: str, page: str) -> dict[str, str]:
    """Format -> a page's output path relative to ``out/``."""
    return {
        "frontmatter": f"frontmatter/{locale}/{page}",
        "markdown": f"markdown/{locale}/{page}",
        "html": f"html/{locale}/{page[:-3]}.html",
    }


def page_stem(folder: str, path: str) -> str:
    """The source-relative page that a relative link ``path``, written in a page of ``folder``,
    names, without its ``.md`` (extension-less links name pages too)."""
    target = posixpath.normpath(posixpath.join(folder, path))
    return target[:-3] if target.lower().endswith(".md") else target


def has_page(stem: str, pages: Collection[str]) -> bool:
    """Whether ``stem`` (``page_stem``) is one of ``pages`` in that letter case, as a page or a
    folder's ``index.md``."""
    return f"{stem}.md" in pages or f"{stem}/index.md" in pages


def index_file(pages: Collection[str]) -> str:
    """The name of each locale's generated page list: ``index.html``, unless the site has a
    root ``index.md`` of its own (its page is ``index.html``), then ``contents.html``, then
    ``pages.html``, then ``contents-2.html``...: never a page's own name, in any letter case
    (a case-insensitive file system would put both in one file)."""
    taken = {page.lower() for page in pages}
    names = chain(("index", "contents", "pages"), (f"contents-{n}" for n in count(2)))
    return next(name for name in names if f"{name}.md" not in taken) + ".html"


def load_source(settings: Settings, page: str, data: bytes | None = None) -> Document:
    """One source page (``data``: its bytes, if the caller read them); raises PipelineError
    located at the page's project path."""
    from .source import load_document  # parsing is imported only when a page is parsed

    display = settings.display(settings.source / page)
    if data is None:  # a dangling link, a folder named *.md, no permission: a located error
        data = read_located(settings.source / page, display, "page")
    text = decode_text(data, display)
    try:
        return load_document(page, text, settings.translate_keys)
    except PipelineError as exc:  # located at the page's path as the document knows it
        where = exc.diagnostic.location._replace(path=display)
        raise PipelineError(exc.diagnostic._replace(location=where)) from None


def source_pages(settings: Settings, diagnostics: list[Diagnostic] | None = None,
                 non_page_md: list[str] | None = None, unreadable: list[str] | None = None) -> list[str]:
    """The source pages: the Markdown files below the source folder, but in our own folders
    there (``Settings.inside_source``: the output of the last run is no page of this one) and
    those whose name cannot be written (each one ``source.name`` error in ``diagnostics``,
    when the caller reports them: ``unusable_name_errors``). ``non_page_md``, when given, gets
    the source's ``.md`` files that are no pages (``files.list_pages``).

    A source folder that cannot be listed is an ``io.read`` error in ``diagnostics``, and goes
    (source-relative) to ``unreadable``: its pages are unknown, not gone, so a caller that
    removes what belongs to pages no longer in the source (templates, outputs) or warns of
    their catalogs leaves those below it alone (``files.under``)."""
    unusable: list[str] = []
    unlisted: list[Unlisted] = []
    pages = list_pages(settings.source, settings.inside_source, unusable, non_page_md, unlisted)
    if diagnostics is not None:
        diagnostics += unusable_name_errors(settings, unusable)
        diagnostics += unlisted_errors(settings, settings.source, unlisted)
    if unreadable is not None:
        unreadable += [folder for folder, _ in unlisted]
    return pages


def unlisted_errors(settings: Settings, root: Path, unlisted: list[Unlisted]) -> list[Diagnostic]:
    """One ``io.read`` error for each folder below ``root`` that could not be listed
    (``files.list_files``' ``unreadable``)."""
    return [folder_error(settings.display(root if folder == "." else root / folder), reason).diagnostic
            for folder, reason in unlisted]


def missing_locales_warnings(settings: Settings) -> list[Diagnostic]:
    """A warning when the locales folder is not there though the run has target locales with
    catalogs: ``--locales typo`` or a wrong ``locales`` setting built every locale from the
    source text over its translated pages, without a word. Only a warning: a new project has
    no locales folder before its first ``extract`` (``make build`` runs it first), and a
    listed locale without catalogs builds as the source text."""
    from .config import PSEUDO_LOCALES

    targets = [locale for locale in settings.target_locales
               if locale not in PSEUDO_LOCALES and locale != settings.source_locale]
    if not targets or os.path.lexists(settings.locales):
        return []
    where, line = settings.places.of("locales")
    return [Diagnostic(Location(where, line, 1), "warning",
                       f"locales folder '{settings.display(settings.locales)}' does not exist (setting 'locales'): "
                       f"no catalog of {', '.join(targets)} is read, so they have no translation", "config.locales")]


def unusable_name_errors(settings: Settings, names: list[str]) -> list[Diagnostic]:
    """One ``source.name`` error for each source file whose name ``files.name_problem`` refuses."""
    folder = settings.display(settings.source)
    return [error(f"{folder}/{shown_name(name)}", 1, 1, f"the file name {name_problem(name)}: rename the "
                  f"{'page' if name.endswith('.md') else 'file'}", "source.name").diagnostic for name in names]


def load_sources(settings: Settings, outcome: Outcome) -> list[Document]:
    documents = []
    for page in source_pages(settings, outcome.diagnostics):
        try:
            documents.append(load_source(settings, page))
        except PipelineError as exc:
            outcome.diagnostics.append(exc.diagnostic)
    return documents


def load_glossary_file(settings: Settings) -> frozenset[str]:
    """The project's do-not-translate terms (the ``glossary`` setting), or none."""
    from .qa import load_glossary

    path = settings.glossary
    if path is None:
        return frozenset()
    display = settings.display(path)
    data = read_bytes(path)
    if data is None:
        raise error(display, 1, 1, "no such glossary file" if not path.exists() else "cannot read the glossary file",
                    "config.glossary")
    return load_glossary(decode_text(data, display, "config.glossary"))


def load_catalog(settings: Settings, locale: str, page: str) -> "polib.POFile | None":
    """The page's catalog for a locale, or None when it has none yet."""
    loaded = load_catalog_file(settings, locale, page)
    return None if loaded is None else loaded[0]


def load_catalog_file(settings: Settings, locale: str, page: str) -> "tuple[polib.POFile, bytes] | None":
    """``load_catalog``, with the bytes it was parsed from (for a digest of what was read).

    Only a catalog that is not there at all is none (``files.read_optional``); one that is
    there but cannot be read (a dangling link, a folder, no permission, its locale folder a
    file) is a located error of that page and locale, neither the run's end nor "no
    translations": the page fails there and keeps its previous output. An empty file is a
    catalog with no entries, so no translations either (``update`` gives it a header)."""
    from . import catalog

    path = po_path(settings, locale, page)
    shown = settings.display(path)
    data = read_optional(path, shown, "catalog")
    if data is None:
        return None
    return catalog.read_catalog(data, shown), data
