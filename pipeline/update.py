"""``update`` (and ``init``): merge each page's template into its PO file in every locale.

In: ``Settings`` (the templates under ``locales/pot/``, the PO files under
``locales/<locale>/``, the source pages). Out: an ``Outcome`` and the PO files, written only
when their text changes, so running it twice changes nothing.

Which catalogs are read: ``update`` skips a catalog only when it is byte for byte what
``update`` (this code, with this template) last wrote or found already merged, as the memo in
``out/.cache/sync.json`` records by content digest. Any other file (a translator's edit, a
textual merge of two branches, a file ``pipeline build`` would reject) is parsed, its errors
reported, located, and merged (duplicates made one, header fields put back). The proof lives
in the memo, not in the PO file: a digest of the file written into the file would change with
every edit and make every git merge of two branches that touched the file conflict on that
line, and a header naming the template the file was merged with says nothing of what a hand
edit did since. So a fresh clone, or ``make clean``, reads and merges every catalog once
(which also checks them all), and then only what changed.

Pages removed or renamed: the template of a page no longer in the source is not merged
(``extract`` removes it), and each PO file of such a page gets a warning, every run, until
someone deletes or renames it: it is translators' work, never deleted here. A message new to
a catalog takes, fuzzy, the translation another catalog of the locale has for it
(``compendium``), so a page renamed gets its translations back for review.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import bytes_digest, code_digest, digest
from .config import PSEUDO_LOCALES, Settings, po_language
from .diagnostics import Diagnostic, Location
from .errors import PipelineError, error
from .files import list_files, read_bytes, write_atomic, write_error
from .project import Outcome, po_path, source_pages, template_path
from .sync import load_memo, save_memo

if TYPE_CHECKING:  # polib, the parser and the catalog code load only when a file changed
    import polib

    from .compendium import Compendium, Index


def run_update(settings: Settings) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome()
    pages = set(source_pages(settings))
    pot_root = settings.locales / "pot"
    # a template whose page is gone is not merged: the next extract removes it
    names = [name for name in list_files(pot_root) if name.endswith(".pot") and name[:-4] + ".md" in pages]
    if not names:
        outcome.lines.append("update: no templates under locales/pot/; run 'pipeline extract' first")
    memo = load_memo(settings)
    seen = memo.get("update", {})
    locales = [locale for locale in settings.target_locales if locale not in PSEUDO_LOCALES]
    # the catalogs of locales not in this run (--locale) stay as the memo knew them
    kept = {key: state for key, state in seen.items() if key.split("\t", 1)[0] not in locales}
    code = code_digest()  # what update wrote is a fixed point of this code's merge only
    templates = _Templates(settings, outcome)
    index = _IndexStore(settings)
    for locale in locales:
        found = _LocaleCatalogs(settings, locale, index)
        outcome.diagnostics += orphan_warnings(settings, locale, found.paths(), pages)
        for name in names:
            page, rel = name[:-4] + ".md", name[:-4] + ".po"
            key = f"{locale}\t{page}"
            state = digest(code, templates.digest(page), found.digest(rel))
            if seen.get(key) == state:  # byte for byte what this code merged with this template
                kept[key] = state
                continue
            written = _merge_one(settings, locale, page, templates, found, outcome)
            if written is not None:
                kept[key] = digest(code, templates.digest(page), written)
        index.keep(locale, found)
    memo["update"] = kept
    save_memo(settings, memo)
    index.save()
    outcome.lines.append(f"update: {len(outcome.written)} catalog(s) written in {time.perf_counter() - started:.2f}s")
    return outcome


def orphan_warnings(settings: Settings, locale: str, catalogs: list[str], pages: set[str]) -> list[Diagnostic]:
    """One warning per PO file of the locale (``catalogs``: paths in its folder) whose page is
    not in the source: the build does not use it, and nothing else would say so."""
    return [Diagnostic(Location(settings.display(settings.locales / locale / rel), 1, 1), "warning",
                       f"no source page '{rel[:-3]}.md' (removed or renamed?); its translations are not used",
                       "catalog.orphan")
            for rel in catalogs if rel[:-3] + ".md" not in pages]


def _merge_one(settings: Settings, locale: str, page: str, templates: _Templates, found: _LocaleCatalogs,
               outcome: Outcome) -> str | None:
    """Merge a page's template into its catalog in a locale and write it; the digest of the
    catalog's bytes now (None: nothing merged, the problem reported)."""
    from . import catalog

    pot = templates.parsed(page)
    if pot is None:
        return None
    rel = page[:-3] + ".po"
    try:
        existing = found.parsed(rel)
    except PipelineError as exc:
        outcome.diagnostics.append(exc.diagnostic)  # never overwrite a file we cannot read
        return None
    merged = catalog.merge_catalog(pot, existing, po_language(locale), found.suggest)
    data = catalog.format_catalog(merged).encode("utf-8")
    path = po_path(settings, locale, page)
    try:
        if write_atomic(path, data):
            outcome.written.append(settings.display(path))
    except OSError as exc:
        outcome.diagnostics.append(write_error(settings.display(path), exc).diagnostic)
        return None
    found.wrote(rel, data, merged)
    return bytes_digest(data)


class _Templates:
    """The templates, each read once and parsed at most once, for every locale; a template
    that cannot be read or parsed is reported once."""

    def __init__(self, settings: Settings, outcome: Outcome) -> None:
        self._settings, self._outcome = settings, outcome
        self._data: dict[str, bytes | None] = {}
        self._parsed: dict[str, polib.POFile | None] = {}

    def _bytes(self, page: str) -> bytes | None:
        if page not in self._data:
            self._data[page] = read_bytes(template_path(self._settings, page))
        return self._data[page]

    def digest(self, page: str) -> str:
        return bytes_digest(self._bytes(page))

    def parsed(self, page: str) -> polib.POFile | None:
        if page not in self._parsed:
            from . import catalog

            shown = self._settings.display(template_path(self._settings, page))
            data = self._bytes(page)
            try:
                if data is None:
                    raise error(shown, 1, 1, "cannot read the file", "io.read")
                self._parsed[page] = catalog.read_catalog(data, shown)
            except PipelineError as exc:
                self._outcome.diagnostics.append(exc.diagnostic)
                self._parsed[page] = None
        return self._parsed[page]


class _LocaleCatalogs:
    """A locale's PO files as the run found them (read once; a file the run writes is still
    seen as it was found by the compendium), each parsed at most once, and the compendium
    over them, made at the first message it is asked about."""

    def __init__(self, settings: Settings, locale: str, index: _IndexStore) -> None:
        self._settings, self._locale, self._index = settings, locale, index
        folder = settings.locales / locale
        self._data = {rel: read_bytes(folder / rel) for rel in list_files(folder) if rel.endswith(".po")}
        self._digests = {rel: bytes_digest(data) for rel, data in self._data.items()}
        self._parsed: dict[str, polib.POFile | PipelineError] = {}
        self._compendium: Compendium | None = None
        self._made: Index = {}  # what the run learnt of the catalogs' translations

    def paths(self) -> list[str]:
        return list(self._data)

    def digest(self, rel: str) -> str:
        return self._digests.get(rel, bytes_digest(None))

    def parsed(self, rel: str) -> polib.POFile | None:
        """The catalog as found (None: there is none); raises the located error of one that
        cannot be read."""
        if self._data.get(rel) is None:
            return None
        if rel not in self._parsed:
            from . import catalog
            from .compendium import translated_ids

            shown = self._settings.display(self._settings.locales / self._locale / rel)
            try:
                po = self._parsed[rel] = catalog.read_catalog(self._data[rel], shown)
                self._made[rel] = (self._digests[rel], translated_ids(po))
            except PipelineError as exc:
                self._parsed[rel] = exc
        found = self._parsed[rel]
        if isinstance(found, PipelineError):
            raise found
        return found

    def _quiet(self, rel: str) -> polib.POFile | None:
        """``parsed``, for the compendium: a catalog that cannot be read offers nothing (the
        merge of its own page reports it)."""
        try:
            return self.parsed(rel)
        except PipelineError:
            return None

    def suggest(self, msgid: str) -> str | None:
        """The translation another catalog of the locale offers for ``msgid`` (``compendium``)."""
        if self._compendium is None:
            from .compendium import Compendium

            self._compendium = Compendium(self._digests, self._quiet, self._index.get(self._locale))
        return self._compendium.suggest(msgid)

    def wrote(self, rel: str, data: bytes, merged: polib.POFile) -> None:
        from .compendium import translated_ids

        self._made[rel] = (bytes_digest(data), translated_ids(merged))

    def index(self, stored: Index) -> Index:
        """The index of the locale's catalogs as they now are: what ``stored`` knew that is
        still true, what the run learnt."""
        current = {**self._digests, **{rel: made[0] for rel, made in self._made.items()}}
        known = {rel: entry for rel, entry in stored.items() if current.get(rel) == entry[0]}
        if self._compendium is not None:
            known.update(self._compendium.known())
        known.update(self._made)
        return {rel: known[rel] for rel in sorted(known) if rel in current and current[rel] == known[rel][0]}

    @property
    def learnt(self) -> bool:
        return bool(self._made) or self._compendium is not None


class _IndexStore:
    """The compendium's index of every locale (``out/.cache/compendium.json``), read only when
    a run parses a catalog or asks the compendium, and written when it changed."""

    def __init__(self, settings: Settings) -> None:
        self._path: Path = settings.out / ".cache" / "compendium.json"
        self._locales: dict[str, Index] | None = None
        self._changed = False

    def get(self, locale: str) -> Index:
        if self._locales is None:
            try:
                data = json.loads(self._path.read_text(encoding="utf-8"))
                if data["code"] != code_digest():  # what counts as a translation to offer may have changed
                    raise ValueError("another version")
                self._locales = {locale: {rel: (str(entry[0]), tuple(entry[1])) for rel, entry in catalogs.items()}
                                 for locale, catalogs in data["locales"].items()}
            except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
                self._locales = {}
        return self._locales.get(locale, {})

    def keep(self, locale: str, found: _LocaleCatalogs) -> None:
        if not found.learnt:
            return  # nothing read: what the index knows of the locale is as true as it was
        stored = self.get(locale)
        now = found.index(stored)
        if now != stored:
            assert self._locales is not None
            self._locales[locale] = now
            self._changed = True

    def save(self) -> None:
        if not self._changed or self._locales is None:
            return
        data = {"code": code_digest(), "locales": {locale: {rel: [entry[0], list(entry[1])] for rel, entry in catalogs.items()}
                            for locale, catalogs in sorted(self._locales.items())}}
        try:
            write_atomic(self._path, json.dumps(data, sort_keys=True) + "\n")
        except OSError:
            pass  # a lost index only costs speed
