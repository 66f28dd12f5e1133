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
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import bytes_digest, code_digest, digest
from .config import PSEUDO_LOCALES, Settings, po_language
from .diagnostics import Diagnostic, Location
from .errors import PipelineError, error
from .files import Unlisted, list_files, nothing_at, read_bytes, read_located, under, write_atomic
from .project import Outcome, po_path, source_pages, template_path, unlisted_errors
from .sync import load_memo, pool_size, save_memo

if TYPE_CHECKING:  # polib, the parser and the catalog code load only when a file changed
    import polib

    from .compendium import Compendium, Index

Found = dict[str, "bytes | None"]  # a locale's PO files as the run found them, by path in its folder
Merged = tuple[list[Diagnostic], list[str], "str | None"]  # a merge's problems, file written, digest now


def run_update(settings: Settings, jobs: int = 0) -> Outcome:
    """Merge every catalog that is not what update last wrote; in worker processes (``jobs``;
    0: all cores) when there are many (a fresh clone)."""
    started = time.perf_counter()
    outcome = Outcome()
    unread_source: list[str] = []  # source folders not listed: their pages are unknown, not gone
    pages = set(source_pages(settings, outcome.diagnostics, unreadable=unread_source))
    pot_root = settings.locales / "pot"
    # a template whose page is gone is not merged: the next extract removes it
    unlisted: list[Unlisted] = []
    names = [name for name in list_files(pot_root, unreadable=unlisted)
             if name.endswith(".pot") and name[:-4] + ".md" in pages]
    outcome.diagnostics += unlisted_errors(settings, pot_root, unlisted)
    if not names:
        outcome.lines.append("update: no templates under locales/pot/; run 'pipeline extract' first")
    memo = load_memo(settings)
    seen = memo.get("update", {})
    locales = [locale for locale in settings.target_locales if locale not in PSEUDO_LOCALES]
    # the catalogs of locales not in this run (--locale) stay as the memo knew them
    kept = {key: state for key, state in seen.items() if key.split("\t", 1)[0] not in locales}
    code = code_digest()  # what update wrote is a fixed point of this code's merge only
    templates = {name[:-4] + ".md": read_bytes(pot_root / name) for name in names}
    template_digests = {page: bytes_digest(data) for page, data in templates.items()}
    found: dict[str, Found] = {}
    digests: dict[str, dict[str, str]] = {}  # each catalog's bytes as found, hashed once a run
    todo: list[tuple[str, str]] = []
    for locale in locales:
        folder = settings.locales / locale
        unlisted = []
        found[locale] = {rel: read_bytes(folder / rel) for rel in list_files(folder, unreadable=unlisted)
                         if rel.endswith(".po")}
        # a catalog in a folder that could not be listed is not taken for a missing one (and
        # written anew over it, or reported as "cannot write"): the folder is the error
        outcome.diagnostics += unlisted_errors(settings, folder, unlisted)
        unread = [where for where, _ in unlisted]
        digests[locale] = {rel: bytes_digest(data) for rel, data in found[locale].items()}
        for page in templates:
            key, rel = f"{locale}\t{page}", page[:-3] + ".po"
            if under(rel, unread):
                if key in seen:
                    kept[key] = seen[key]
                continue
            state = digest(code, template_digests[page], digests[locale].get(rel, bytes_digest(None)))
            if seen.get(key) == state:  # byte for byte what this code merged with this template
                kept[key] = state
            else:
                todo.append((locale, page))
    results: dict[tuple[str, str], Merged] = {}
    if todo:
        index = _IndexStore(settings)
        stored = {locale: index.get(locale) for locale in locales}
        results, learnt = _merge_all(settings, todo, templates, found, digests, stored, jobs)
        for locale in locales:
            written = {page[:-3] + ".po": now for (where, page), (_, _, now) in results.items()
                       if where == locale and now is not None}
            index.put(locale, _index_after(digests[locale], written, [stored[locale], *learnt.get(locale, [])]))
        index.save()
    for locale in locales:  # reported in the order of a run in one process, locale by locale
        outcome.diagnostics += orphan_warnings(settings, locale, list(found[locale]), pages, unread_source)
        for page in templates:
            if (locale, page) in results:
                diagnostics, written, now = results[(locale, page)]
                outcome.diagnostics += diagnostics
                outcome.written += written
                if now is not None:
                    kept[f"{locale}\t{page}"] = digest(code, template_digests[page], now)
    memo["update"] = kept
    save_memo(settings, memo)
    outcome.lines.append(f"update: {len(outcome.written)} catalog(s) written in {time.perf_counter() - started:.2f}s")
    return outcome


def orphan_warnings(settings: Settings, locale: str, catalogs: list[str], pages: set[str],
                    unreadable: Collection[str] = ()) -> list[Diagnostic]:
    """One warning per PO file of the locale (``catalogs``: paths in its folder) whose page is
    not in the source: the build does not use it, and nothing else would say so. Not for the
    pages below a source folder that could not be listed (``unreadable``): unknown, not gone."""
    return [Diagnostic(Location(settings.display(settings.locales / locale / rel), 1, 1), "warning",
                       f"no source page '{rel[:-3]}.md' (removed or renamed?); its translations are not used",
                       "catalog.orphan")
            for rel in catalogs if rel[:-3] + ".md" not in pages and not under(rel[:-3] + ".md", unreadable)]


def _merge_all(settings: Settings, todo: list[tuple[str, str]], templates: dict[str, bytes | None],
               found: dict[str, Found], digests: dict[str, dict[str, str]], stored: dict[str, Index], jobs: int,
               ) -> tuple[dict[tuple[str, str], Merged], dict[str, list[Index]]]:
    """``_merge_share`` of ``todo``, split by page over worker processes when there are many
    (each template is then parsed in one of them); every worker sees the catalogs as found."""
    workers = pool_size(jobs, len(todo))
    if workers == 1:
        return _merge_share(settings, todo, templates, found, digests, stored)
    from . import catalog, compendium, poformat  # noqa: F401 - loaded once here, inherited by the workers
    from .workers import worker_pool

    by_page = list(dict.fromkeys(page for _, page in todo))
    shares = [set(by_page[i::workers]) for i in range(workers)]
    with worker_pool(workers) as pool:
        parts = list(pool.map(_merge_share, [settings] * workers, [[t for t in todo if t[1] in share] for share in shares],
                              [{page: templates[page] for page in share} for share in shares],
                              [found] * workers, [digests] * workers, [stored] * workers))
    results: dict[tuple[str, str], Merged] = {}
    learnt: dict[str, list[Index]] = {}
    for part_results, part_learnt in parts:
        results.update(part_results)
        for locale, known in part_learnt.items():
            learnt.setdefault(locale, []).extend(known)
    return results, learnt


def _merge_share(settings: Settings, share: list[tuple[str, str]], templates: dict[str, bytes | None],
                 found: dict[str, Found], digests: dict[str, dict[str, str]], stored: dict[str, Index],
                 ) -> tuple[dict[tuple[str, str], Merged], dict[str, list[Index]]]:
    """Worker: merge the (locale, page) pairs of ``share`` and write their catalogs. Also
    gives, per locale, what it learnt of the catalogs' translations (for the index)."""
    parsed_templates = _Templates(settings, templates)
    catalogs = {locale: _LocaleCatalogs(settings, locale, found[locale], digests[locale], stored[locale])
                for locale in dict.fromkeys(locale for locale, _ in share)}
    results: dict[tuple[str, str], Merged] = {}
    for locale, page in share:
        item = Outcome()
        now = _merge_one(settings, locale, page, parsed_templates, catalogs[locale], item)
        results[(locale, page)] = (item.diagnostics, item.written, now)
    return results, {locale: [found_there.learnt()] for locale, found_there in catalogs.items()}


def _merge_one(settings: Settings, locale: str, page: str, templates: _Templates, found: _LocaleCatalogs,
               outcome: Outcome) -> str | None:
    """Merge a page's template into its catalog in a locale and write it; the digest of the
    catalog's bytes now (None: nothing merged, the problem reported)."""
    from . import catalog

    pot = templates.parsed(page, outcome)
    if pot is None:
        return None
    rel = page[:-3] + ".po"
    try:
        existing = found.parsed(rel)
    except PipelineError as exc:
        outcome.diagnostics.append(exc.diagnostic)  # never overwrite a file we cannot read
        return None
    merged = catalog.merge_catalog(pot, existing, po_language(locale), found.suggest)
    found.release(rel)
    data = catalog.format_catalog(merged).encode("utf-8")
    if not outcome.write(settings, po_path(settings, locale, page), data):
        return None
    found.wrote(rel, data, merged)
    return bytes_digest(data)


def _read_merged(data: bytes, shown: str) -> polib.POFile:
    """``catalog.read_catalog``, but a git merge's conflict in header fields that the merge
    writes anew (``poconflict``) is resolved first: it would stop every locale's catalog of
    a page that two branches changed. Any other conflict stays the located error it is."""
    from . import catalog

    try:
        return catalog.read_catalog(data, shown)
    except PipelineError:
        if b"\n<<<<<<<" not in data:
            raise
        from .poconflict import resolve_generated_header

        try:
            resolved = resolve_generated_header(catalog.decode_catalog(data, shown))
        except PipelineError:  # bytes not valid in its charset: the error it is
            resolved = None
        if resolved is None:
            raise
        return catalog.parse_catalog(resolved, shown)


class _Templates:
    """The templates (their bytes, by page), each parsed at most once, for every locale; one
    that cannot be read or parsed is reported once, to the first merge that needs it."""

    def __init__(self, settings: Settings, data: dict[str, bytes | None]) -> None:
        self._settings, self._data = settings, data
        self._parsed: dict[str, polib.POFile | None] = {}

    def parsed(self, page: str, outcome: Outcome) -> polib.POFile | None:
        if page not in self._parsed:
            from . import catalog

            shown = self._settings.display(template_path(self._settings, page))
            data = self._data.get(page)
            try:
                if data is None:
                    raise error(shown, 1, 1, "cannot read the file", "io.read")
                self._parsed[page] = catalog.read_catalog(data, shown)
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)
                self._parsed[page] = None
        return self._parsed[page]


class _LocaleCatalogs:
    """A locale's PO files as the run found them (``data``; a file the run writes is still seen
    as it was found by the compendium), each parsed when needed, and the compendium over them
    (with ``stored``, the index a previous run kept), made at the first message it is asked about."""

    def __init__(self, settings: Settings, locale: str, data: Found, digests: dict[str, str], stored: Index) -> None:
        self._settings, self._locale, self._data, self._stored = settings, locale, data, stored
        self._digests = digests  # of ``data``'s bytes, as found
        self._parsed: dict[str, polib.POFile | PipelineError] = {}
        self._compendium: Compendium | None = None
        self._made: Index = {}  # what the merges learnt of the catalogs' translations

    def parsed(self, rel: str) -> polib.POFile | None:
        """The catalog as found (None: there is none); raises the located error of one that
        cannot be read (listed but unreadable, or not listed but there, as a folder named
        ``*.po``: never taken for a missing one, and overwritten)."""
        if rel not in self._data:
            if nothing_at(self._settings.locales / self._locale / rel):
                return None
            self._data[rel] = None  # read below, for the reason to report
        if rel not in self._parsed:
            from . import catalog
            from .compendium import translated_ids

            path = self._settings.locales / self._locale / rel
            shown = self._settings.display(path)
            try:
                data = self._data[rel]
                if data is None:  # listed but not read: read once more, for the reason to report
                    data = self._data[rel] = read_located(path, shown, "catalog")
                po = self._parsed[rel] = _read_merged(data, shown)
                if rel not in self._made:  # not once written
                    self._made[rel] = (self._digests.get(rel) or bytes_digest(data), translated_ids(po))
            except PipelineError as exc:
                self._parsed[rel] = exc
        found = self._parsed[rel]
        if isinstance(found, PipelineError):
            raise found
        return found

    def release(self, rel: str) -> None:
        """Forget the parsed catalog (the bytes stay): a run over many catalogs holds one at a
        time, unless the compendium asks for it again."""
        if not isinstance(self._parsed.get(rel), PipelineError):
            self._parsed.pop(rel, None)

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

            self._compendium = Compendium(self._digests, self._quiet, self._stored)
        return self._compendium.suggest(msgid)

    def wrote(self, rel: str, data: bytes, merged: polib.POFile) -> None:
        from .compendium import translated_ids

        self._made[rel] = (bytes_digest(data), translated_ids(merged))

    def learnt(self) -> Index:
        """What the merges and the compendium learnt of the catalogs' translations."""
        known = self._compendium.known() if self._compendium is not None else {}
        return {**known, **self._made}


def _index_after(found: dict[str, str], written: dict[str, str], parts: list[Index]) -> Index:
    """The index of a locale's catalogs as they now are (``found``: the digests of their bytes
    as found, but those ``written``, as they now are): each entry of ``parts`` true of them."""
    current = {**found, **written}
    index: Index = {}
    for part in parts:
        for rel, entry in part.items():
            if current.get(rel) == entry[0]:
                index[rel] = entry
    return dict(sorted(index.items()))


class _IndexStore:
    """The compendium's index of every locale (``out/.cache/compendium.json``), read only when
    a run merges a catalog, and written when it changed."""

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

    def put(self, locale: str, index: Index) -> None:
        if index != self.get(locale):
            assert self._locales is not None
            self._locales[locale] = index
            self._changed = True

    def save(self) -> None:
        if not self._changed or self._locales is None:
            return
        data = {"code": code_digest(), "locales": {
            locale: {rel: [entry[0], list(entry[1])] for rel, entry in catalogs.items()}
            for locale, catalogs in sorted(self._locales.items())}}
        try:
            write_atomic(self._path, json.dumps(data, sort_keys=True) + "\n")
        except OSError:
            pass  # a lost index only costs speed
