"""Catalog stages: ``extract`` (pages -> POT per page) and ``update`` (POT -> PO per locale).

In: ``Settings``. Out: an ``Outcome`` and the files under ``locales/``. A template whose
messages did not change is not rewritten (its creation date is kept), and a catalog is
written only when its text changes, so running either twice changes nothing.

Both stages remember, in ``out/.cache/sync.json``, the content hashes of the inputs and
outputs of each file they produced; a page (or a PO file) whose hashes still match is
not parsed again, so a run over an unchanged site costs a hash of each file.

``update`` skips a catalog only when it is byte for byte what ``update`` (this code, with
this template) last wrote or found already merged: any other file, a translator's edit, a
textual merge of two branches, a file that ``pipeline build`` would reject, is parsed (its
errors reported, located) and merged (duplicates made one, header fields put back). The
proof lives in the memo, not in the PO file: a digest of the file written into the file would
change with every edit and make every git merge of two branches that touched the file
conflict on that line, and a header saying which template the file was merged with says
nothing of what a hand edit did since. So a fresh clone, or ``make clean``, reads and merges
every catalog once (which also checks them all), and then only what changed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from typing import TYPE_CHECKING

from .cache import bytes_digest, code_digest, digest, file_digest
from .config import PSEUDO_LOCALES, Settings, po_language
from .errors import PipelineError, error
from .files import read_bytes, write_atomic, write_error
from .project import Outcome, load_source, now_stamp, po_path, source_pages, template_path

if TYPE_CHECKING:  # polib, the parser and the catalog code load only when a file changed
    import polib

    from .extract import Message


def _memo_path(settings: Settings) -> Path:
    return settings.out / ".cache" / "sync.json"


def _load_memo(settings: Settings) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_memo_path(settings).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_memo(settings: Settings, memo: dict[str, dict[str, str]]) -> None:
    try:
        write_atomic(_memo_path(settings), json.dumps(memo, sort_keys=True) + "\n")
    except OSError:
        pass  # a lost memo only costs speed


PARALLEL_FROM = 48  # pages to parse before worker processes pay for their start-up


def run_extract(settings: Settings, jobs: int = 0) -> Outcome:
    """POT per page; pages whose source, template and settings did not change are skipped,
    the others parsed in worker processes (``jobs``; 0: all cores) when there are many."""
    started = time.perf_counter()
    outcome = Outcome()
    prefix = settings.display(settings.source)
    memo = _load_memo(settings)
    seen = memo.get("extract", {})
    kept: dict[str, str] = {}
    config = digest(repr(settings.translate_keys), settings.project, prefix, code_digest())
    todo: list[tuple[str, str]] = []
    for page in source_pages(settings):
        page_bytes = file_digest(settings.source / page)  # each file is read once here
        pot = template_path(settings, page)
        state = digest(config, page_bytes, file_digest(pot))
        if seen.get(page) == state:
            kept[page] = state
            continue
        source = source_digest(settings, page_bytes)
        if _made_from(pot, source):
            kept[page] = state
        else:
            todo.append((page, source))
    workers = min(jobs or os.cpu_count() or 1, max(1, len(todo) // (PARALLEL_FROM // 2)))
    if workers > 1:
        from . import catalog, extract, poformat, source  # noqa: F401 - loaded once here, inherited by the workers
        from .workers import worker_pool

        with worker_pool(workers) as pool:
            parts = list(pool.map(_extract_pages, [settings] * workers, [todo[i::workers] for i in range(workers)]))
    else:
        parts = [_extract_pages(settings, todo)]
    unchanged = len(kept)
    made: dict[str, tuple[str, str]] = {}
    for part, part_made in parts:
        outcome.diagnostics += part.diagnostics
        outcome.written += part.written
        made.update(part_made)
    failed = {d.location.path for d in outcome.diagnostics}  # reported again next run
    for page, _ in todo:
        if settings.display(settings.source / page) in failed or settings.display(template_path(settings, page)) in failed:
            continue
        if page in made:  # the digests of the bytes parsed and of the template's bytes now
            kept[page] = digest(config, *made[page])
    memo["extract"] = kept
    _save_memo(settings, memo)
    outcome.lines.append(f"extract: {len(todo)} page(s) parsed, {unchanged} unchanged, "
                         f"{len(outcome.written)} template(s) written in {time.perf_counter() - started:.2f}s")
    return outcome


def source_digest(settings: Settings, page_bytes: str) -> str:
    """What a page's template is made from: the page's bytes (``page_bytes``, their digest),
    the extraction settings and our version. Recorded in the template (``X-Pipeline-Source``)
    when it is written."""
    from . import __version__

    return digest(__version__, repr(settings.translate_keys), settings.project, settings.display(settings.source),
                  page_bytes)[:16]


def _made_from(pot: Path, source: str) -> bool:
    """The template says it was made from exactly this page, and is whole: no need to parse
    the page again (this survives ``make clean``, which drops the memo in out/). Whole: it
    parses, and its messages are those its ``X-Pipeline-Template`` digest was made of, so a
    template that a merge conflict, a cut or a hand edit damaged is made again (reading a
    template costs a tenth of parsing its page)."""
    data = read_bytes(pot)
    if data is None:
        return False
    from .catalog import SOURCE_HEADER, header_value, holds_its_messages, parse_catalog

    try:
        text = data.decode("utf-8")
        if header_value(text, SOURCE_HEADER) != source:
            return False
        return holds_its_messages(parse_catalog(text, str(pot)))
    except (UnicodeDecodeError, PipelineError):
        return False


def _extract_pages(settings: Settings, pages: list[tuple[str, str]]) -> tuple[Outcome, dict[str, tuple[str, str]]]:
    """Worker: parse pages, write their templates (a page with no message gets none). Also
    gives, for each page done, the digests (``file_digest``) of the bytes it parsed and of
    its template's bytes as they now are: what the memo records, without reading either again."""
    from .extract import extract_messages

    outcome = Outcome()
    made: dict[str, tuple[str, str]] = {}
    prefix = settings.display(settings.source)
    for page, source in pages:
        data = read_bytes(settings.source / page)
        try:
            document = load_source(settings, page, data)
        except PipelineError as exc:
            outcome.diagnostics.append(exc.diagnostic)
            continue
        messages = extract_messages(document, prefix)
        pot = _write_template(settings, document.path, messages, source, outcome) if messages else None
        made[page] = (bytes_digest(data), file_digest(template_path(settings, page)) if pot is None else pot)
    return outcome, made


def _write_template(settings: Settings, page: str, messages: "list[Message]", source: str,
                    outcome: Outcome) -> str | None:
    """Write a page's POT unless its messages did not change (then the file, with its
    creation date and source digest, stays as it is: no date churn). The digest of the
    template's bytes now (None: not written)."""
    from . import catalog

    path = template_path(settings, page)
    old_bytes = read_bytes(path)
    try:
        old = old_bytes.decode("utf-8") if old_bytes is not None else None
    except UnicodeDecodeError:
        old = None  # a damaged template is regenerated
    old_date = catalog.header_value(old, "POT-Creation-Date") if old else None
    old_source = catalog.header_value(old, catalog.SOURCE_HEADER) if old else None
    if old is not None and old_date:
        same = catalog.format_catalog(catalog.make_template(messages, settings.project, old_date, page, old_source))
        if same == old.replace("\r\n", "\n").replace("\r", "\n"):  # as text mode reads it
            return bytes_digest(old_bytes)
    # a damaged template of the same page is made again as it was, its creation date included
    date = old_date if old_date and old_source == source else now_stamp()
    data = catalog.format_catalog(catalog.make_template(messages, settings.project, date, page, source)).encode("utf-8")
    try:
        if write_atomic(path, data):
            outcome.written.append(settings.display(path))
    except OSError as exc:
        outcome.diagnostics.append(write_error(settings.display(path), exc).diagnostic)
        return None
    return bytes_digest(data)


def run_update(settings: Settings) -> Outcome:
    started = time.perf_counter()
    outcome = Outcome()
    pot_root = settings.locales / "pot"
    names = sorted(p.relative_to(pot_root).as_posix() for p in pot_root.rglob("*.pot")) if pot_root.is_dir() else []
    if not names:
        outcome.lines.append("update: no templates under locales/pot/; run 'pipeline extract' first")
    memo = _load_memo(settings)
    seen = memo.get("update", {})
    locales = [locale for locale in settings.target_locales if locale not in PSEUDO_LOCALES]
    # the catalogs of locales not in this run (--locale) stay as the memo knew them
    kept = {key: state for key, state in seen.items() if key.split("\t", 1)[0] not in locales}
    code = code_digest()  # what update wrote is a fixed point of this code's merge only
    templates: dict[str, bytes | None] = {}  # each template read once, for every locale
    parsed: "dict[str, polib.POFile | None]" = {}
    from . import catalog

    def template_of(page: str) -> "polib.POFile | None":
        if page not in parsed:
            shown = settings.display(template_path(settings, page))
            try:
                if templates[page] is None:
                    raise error(shown, 1, 1, "cannot read the file", "io.read")
                parsed[page] = catalog.read_catalog(templates[page], shown)
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)
                parsed[page] = None
        return parsed[page]

    for locale in locales:
        for name in names:
            page = name[:-4] + ".md"
            path = po_path(settings, locale, page)
            key = f"{locale}\t{page}"
            if page not in templates:
                templates[page] = read_bytes(template_path(settings, page))
            pot_data, po_data = templates[page], read_bytes(path)
            state = digest(code, bytes_digest(pot_data), bytes_digest(po_data))
            if seen.get(key) == state:  # byte for byte what this code merged with this template
                kept[key] = state
                continue
            pot = template_of(page)
            if pot is None:
                continue
            try:
                shown = settings.display(path)
                existing = catalog.read_catalog(po_data, shown) if po_data is not None else None
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)  # never overwrite a file we cannot read
                continue
            text = catalog.format_catalog(catalog.merge_catalog(pot, existing, po_language(locale)))
            try:
                if write_atomic(path, text):
                    outcome.written.append(settings.display(path))
            except OSError as exc:
                outcome.diagnostics.append(write_error(settings.display(path), exc).diagnostic)
                continue
            kept[key] = digest(code, bytes_digest(pot_data), bytes_digest(text.encode("utf-8")))
    memo["update"] = kept
    _save_memo(settings, memo)
    outcome.lines.append(f"update: {len(outcome.written)} catalog(s) written in {time.perf_counter() - started:.2f}s")
    return outcome
