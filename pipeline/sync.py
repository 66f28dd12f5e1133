"""Catalog stages: ``extract`` (pages -> POT per page) and ``update`` (POT -> PO per locale).

In: ``Settings``. Out: an ``Outcome`` and the files under ``locales/``. A template whose
messages did not change is not rewritten (its creation date is kept), and a catalog is
written only when its text changes, so running either twice changes nothing.
"""

from __future__ import annotations

from . import catalog
from .config import PSEUDO_LOCALES, Settings, po_language
from .extract import extract_messages
from .files import write_atomic
from .model import PipelineError
from .project import Outcome, load_sources, now_stamp, po_path, template_path


def run_extract(settings: Settings) -> Outcome:
    outcome = Outcome()
    prefix = settings.display(settings.source)
    for document in load_sources(settings, outcome):
        messages = extract_messages(document, prefix)
        if not messages:
            continue
        path = template_path(settings, document.path)
        try:
            old = path.read_text(encoding="utf-8") if path.is_file() else None
            old_date = catalog.parse_catalog(old, settings.display(path)).metadata.get("POT-Creation-Date") if old else None
        except PipelineError:
            old, old_date = None, None  # a damaged template is regenerated
        text = catalog.format_catalog(catalog.make_template(messages, settings.project, old_date or now_stamp(), document.path))
        if old is not None and text != old and old_date:
            text = catalog.format_catalog(catalog.make_template(messages, settings.project, now_stamp(), document.path))
        if write_atomic(path, text):
            outcome.written.append(settings.display(path))
    outcome.lines.append(f"extract: {len(outcome.written)} template(s) written")
    return outcome


def run_update(settings: Settings) -> Outcome:
    outcome = Outcome()
    pot_root = settings.locales / "pot"
    names = sorted(p.relative_to(pot_root).as_posix() for p in pot_root.rglob("*.pot")) if pot_root.is_dir() else []
    if not names:
        outcome.lines.append("update: no templates under locales/pot/; run 'pipeline extract' first")
    templates = {}
    for name in names:
        page = name[:-4] + ".md"
        pot_file = template_path(settings, page)
        try:
            templates[page] = catalog.parse_catalog(pot_file.read_text(encoding="utf-8"), settings.display(pot_file))
        except PipelineError as exc:
            outcome.diagnostics.append(exc.diagnostic)
    for locale in settings.target_locales:
        if locale in PSEUDO_LOCALES:
            continue
        for page, pot in templates.items():
            path = po_path(settings, locale, page)
            try:
                existing = (catalog.parse_catalog(path.read_text(encoding="utf-8"), settings.display(path))
                            if path.is_file() else None)
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)  # never overwrite a file we cannot read
                continue
            merged = catalog.merge_catalog(pot, existing, po_language(locale))
            if write_atomic(path, catalog.format_catalog(merged)):
                outcome.written.append(settings.display(path))
    outcome.lines.append(f"update: {len(outcome.written)} catalog(s) written")
    return outcome
