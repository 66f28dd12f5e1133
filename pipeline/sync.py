"""Catalog stage ``extract`` (pages -> POT per page), and the memo it shares with ``update``.

In: ``Settings``. Out: an ``Outcome`` and the templates under ``locales/pot/``. A template
whose messages did not change is not rewritten (its creation date is kept), so running it
twice changes nothing; the template of a page no longer in the source is removed.

Both stages (``update``: ``pipeline.update``) remember, in ``out/.cache/sync.json``, the
content hashes of the inputs and outputs of each file they produced; a page (or a PO file)
whose hashes still match is not parsed again, so a run over an unchanged site costs a hash
of each file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from typing import TYPE_CHECKING

from .cache import bytes_digest, code_digest, digest, file_digest
from .config import Settings
from .errors import PipelineError, error
from .files import list_files, read_bytes, remove_file, under, write_atomic
from .project import Outcome, load_source, missing_locales_warnings, now_stamp, source_pages, template_path

if TYPE_CHECKING:  # the parser and the catalog code load only when a page changed
    from .extract import Message


def _memo_path(settings: Settings) -> Path:
    return settings.out / ".cache" / "sync.json"


def load_memo(settings: Settings) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_memo_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {stage: memo for stage, memo in data.items()  # a memo of another shape is no memo
            if isinstance(memo, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in memo.items())}


def save_memo(settings: Settings, memo: dict[str, dict[str, str]]) -> None:
    try:
        write_atomic(_memo_path(settings), json.dumps(memo, sort_keys=True) + "\n")
    except OSError:
        pass  # a lost memo only costs speed


PARALLEL_FROM = 48  # pages to parse before worker processes pay for their start-up


def pool_size(jobs: int, tasks: int) -> int:
    """Worker processes for ``tasks`` pages or catalogs (``jobs``; 0: all cores): one per
    ``PARALLEL_FROM // 2`` tasks at most, so a short run does not pay for their start-up."""
    return min(jobs or os.cpu_count() or 1, max(1, tasks // (PARALLEL_FROM // 2)))


def run_extract(settings: Settings, jobs: int = 0) -> Outcome:
    """POT per page; pages whose source, template and settings did not change are skipped,
    the others parsed in worker processes (``jobs``; 0: all cores) when there are many."""
    started = time.perf_counter()
    outcome = Outcome()
    prefix = settings.display(settings.source)
    memo = load_memo(settings)
    seen = memo.get("extract", {})
    kept: dict[str, str] = {}
    config = digest(repr(settings.translate_keys), settings.project, prefix, code_digest())
    todo: list[tuple[str, str]] = []
    if os.path.isfile(settings.out / ".cache" / "build.json"):
        # built before, so a locales folder not there is no new project's (which extract starts)
        # but a typo (``--locales``, the setting) that this run would fill with empty catalogs
        outcome.diagnostics += missing_locales_warnings(settings)
    unreadable: list[str] = []
    pages = source_pages(settings, outcome.diagnostics, unreadable=unreadable)
    removed = _remove_stale_templates(settings, set(pages), unreadable, outcome)
    for page in pages:
        page_bytes = file_digest(settings.source / page)  # each file is read once here
        pot = template_path(settings, page)
        pot_data = read_bytes(pot)  # read once: for the memo's digest and, if it differs, the check
        state = digest(config, page_bytes, bytes_digest(pot_data))
        if seen.get(page) == state:
            kept[page] = state
            continue
        source = source_digest(settings, page_bytes)
        if _made_from(pot_data, str(pot), source):
            kept[page] = state
        else:
            todo.append((page, source))
    workers = pool_size(jobs, len(todo))
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
    save_memo(settings, memo)
    outcome.lines.append(f"extract: {len(todo)} page(s) parsed, {unchanged} unchanged, "
                         f"{len(outcome.written)} template(s) written{f', {removed} removed' if removed else ''} "
                         f"in {time.perf_counter() - started:.2f}s")
    return outcome


def _remove_stale_templates(settings: Settings, pages: set[str], unreadable: list[str], outcome: Outcome) -> int:
    """Remove the templates of pages no longer in the source (removed or renamed): they are
    generated from their page, and ``update`` would keep merging them. The pages' PO files,
    translators' work, stay (``update`` warns of them). Not those of the pages below a source
    folder that could not be listed (``unreadable``): their pages are unknown, not gone. The
    number removed."""
    root = settings.locales / "pot"
    removed = 0
    for name in list_files(root):
        page = name[:-4] + ".md"
        if name.endswith(".pot") and page not in pages and not under(page, unreadable):
            try:
                remove_file(root / name, root)
                removed += 1
            except OSError as exc:
                outcome.diagnostics.append(error(settings.display(root / name), 1, 1,
                                                 f"cannot remove: {exc.strerror or exc}", "io.write").diagnostic)
    return removed


def source_digest(settings: Settings, page_bytes: str) -> str:
    """What a page's template is made from: the page's bytes (``page_bytes``, their digest),
    the extraction settings, our version and the extraction rules (``source.EXTRACTION_RULES``).
    Recorded in the template (``X-Pipeline-Source``) when it is written."""
    from . import __version__
    from .source import EXTRACTION_RULES

    return digest(__version__, EXTRACTION_RULES, repr(settings.translate_keys), settings.project,
                  settings.display(settings.source), page_bytes)[:16]


def _made_from(data: bytes | None, pot: str, source: str) -> bool:
    """The template says it was made from exactly this page, and is whole: no need to parse
    the page again (this survives ``make clean``, which drops the memo in out/). Whole: it
    parses, and its messages are those its ``X-Pipeline-Template`` digest was made of, so a
    template that a merge conflict, a cut or a hand edit damaged is made again (reading a
    template costs a tenth of parsing its page). ``data``: the bytes of the template ``pot``."""
    if data is None:
        return False
    from .catalog import SOURCE_HEADER, header_value, holds_its_messages, parse_catalog

    try:
        text = data.decode("utf-8")
        if header_value(text, SOURCE_HEADER) != source:
            return False
        return holds_its_messages(parse_catalog(text, pot))
    except (UnicodeDecodeError, PipelineError):
        return False


def _extract_pages(settings: Settings, pages: list[tuple[str, str]]) -> tuple[Outcome, dict[str, tuple[str, str]]]:
    """Worker: parse pages, write their templates (a page with no message gets none, but one
    that had a template, which becomes empty: its catalogs' entries then go obsolete). Also
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
        had = messages or template_path(settings, page).is_file()
        pot = _write_template(settings, document.path, messages, source, outcome) if had else None
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
    return bytes_digest(data) if outcome.write(settings, path, data) else None
