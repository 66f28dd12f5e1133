"""Orchestration: the stages in order over a project's files.

In: ``Settings``. Out: an ``Outcome`` (diagnostics, files written, summary lines) and the
files under ``locales/`` and ``out/``. Every page and locale is processed independently: a
broken page or catalog is reported and skipped, and the others are still built.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import polib

from . import catalog, render
from .config import Settings, babel_locale, po_language
from .extract import extract_messages
from .files import inside, list_pages, read_text, write_atomic
from .model import Diagnostic, Document, Location, PipelineError
from .source import load_document


@dataclass
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)


def now_stamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def template_path(settings: Settings, page: str) -> Path:
    return inside(settings.locales, f"pot/{page[:-3]}.pot")


def po_path(settings: Settings, locale: str, page: str) -> Path:
    return inside(settings.locales, f"{locale}/{page[:-3]}.po")


def load_sources(settings: Settings, outcome: Outcome) -> list[Document]:
    documents = []
    for page in list_pages(settings.source):
        display = settings.display(settings.source / page)
        try:
            text = read_text(settings.source / page, display)
            documents.append(load_document(page, text, settings.translate_keys))
        except PipelineError as exc:
            where = replace(exc.diagnostic.location, path=display)
            outcome.diagnostics.append(replace(exc.diagnostic, location=where))
    return documents


def run_extract(settings: Settings) -> Outcome:
    outcome = Outcome()
    prefix = settings.display(settings.source)
    for document in load_sources(settings, outcome):
        messages = extract_messages(document, prefix)
        if not messages:
            continue
        path = template_path(settings, document.path)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        old_date = catalog.parse_catalog(old, str(path)).metadata.get("POT-Creation-Date") if old else None
        project = settings.project
        text = catalog.format_catalog(catalog.make_template(messages, project, old_date or now_stamp(), document.path))
        if old is not None and text != old and old_date:
            text = catalog.format_catalog(catalog.make_template(messages, project, now_stamp(), document.path))
        if write_atomic(path, text):
            outcome.written.append(settings.display(path))
    outcome.lines.append(f"extract: {len(outcome.written)} template(s) written")
    return outcome


def run_update(settings: Settings) -> Outcome:
    outcome = Outcome()
    pot_root = settings.locales / "pot"
    templates = sorted(p.relative_to(pot_root).as_posix() for p in pot_root.rglob("*.pot")) if pot_root.is_dir() else []
    if not templates:
        outcome.lines.append("update: no templates under locales/pot/; run 'pipeline extract' first")
    for locale in settings.target_locales:
        language = po_language(locale)
        for name in templates:
            page = name[:-4] + ".md"
            try:
                pot_file = template_path(settings, page)
                pot = catalog.parse_catalog(pot_file.read_text(encoding="utf-8"), settings.display(pot_file))
                path = po_path(settings, locale, page)
                existing = (catalog.parse_catalog(path.read_text(encoding="utf-8"), settings.display(path))
                            if path.is_file() else None)
                merged = catalog.merge_catalog(pot, existing, language)
                if write_atomic(path, catalog.format_catalog(merged)):
                    outcome.written.append(settings.display(path))
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)
    outcome.lines.append(f"update: {len(outcome.written)} catalog(s) written")
    return outcome


def load_catalog(settings: Settings, locale: str, page: str) -> polib.POFile | None:
    """The page's catalog for a locale, or None when it has none yet."""
    path = po_path(settings, locale, page)
    if not path.is_file():
        return None
    text = read_text(path, settings.display(path))
    return catalog.parse_catalog(text, settings.display(path))


def _page_meta(settings: Settings, locale: str, document: Document, translations: dict[str, str],
               coverage: float) -> render.Page:
    lang = locale if locale.startswith("qps") else str(babel_locale(locale)).replace("_", "-")
    direction = "rtl" if locale == "qps-plocm" or (
        not locale.startswith("qps") and babel_locale(locale).character_order == "right-to-left") else "ltr"
    depth = document.path.count("/")
    html_name = document.path[:-3] + ".html"
    alternates = tuple(
        (other, "../" * (depth + 1) + f"{other}/{html_name}")
        for other in settings.all_locales if other != locale
    ) + (("x-default", "../" * (depth + 1) + f"{settings.source_locale}/{html_name}"),)
    return render.Page(
        path=document.path,
        locale=locale,
        source_locale=settings.source_locale,
        lang=lang,
        dir=direction,
        title=render.front_matter_value(document, translations, "title"),
        description=render.front_matter_value(document, translations, "description"),
        coverage=coverage,
        alternates=alternates,
    )


def run_build(settings: Settings) -> Outcome:
    outcome = Outcome()
    started = time.perf_counter()
    documents = load_sources(settings, outcome)
    by_path = {d.path: d for d in documents}
    env = render.make_environment(settings.templates)
    for locale in settings.all_locales:
        total = catalog.Stats()
        catalogs: dict[str, dict[str, str]] = {}

        def translations_for(page: str) -> dict[str, str]:
            if page not in catalogs:
                po = None if locale == settings.source_locale else load_catalog(settings, locale, page)
                catalogs[page] = catalog.translations_of(po) if po is not None else {}
            return catalogs[page]

        for document in documents:
            try:
                po = None if locale == settings.source_locale else load_catalog(settings, locale, document.path)
                translations = catalog.translations_of(po) if po is not None else {}
                catalogs[document.path] = translations
                stats = catalog.catalog_stats(po, [s.text for s in document.segments])
                if locale == settings.source_locale:
                    stats = catalog.Stats(translated=stats.untranslated, translated_words=stats.untranslated_words)
                total = total + stats
                _build_page(settings, env, locale, document, translations, stats, by_path, translations_for, outcome)
            except PipelineError as exc:
                outcome.diagnostics.append(exc.diagnostic)
        outcome.lines.append(
            f"build: {locale}: {total.coverage:.1f}% translated "
            f"({total.translated}/{total.total} messages, {total.fuzzy} fuzzy)"
        )
    outcome.lines.append(
        f"build: {len(documents)} page(s) x {len(settings.all_locales)} locale(s), "
        f"{len(outcome.written)} file(s) written in {time.perf_counter() - started:.2f}s"
    )
    return outcome


def _build_page(settings, env, locale, document, translations, stats, by_path, translations_for, outcome) -> None:
    translated = render.apply_translations(document, translations)
    title = render.front_matter_value(document, translations, "title")
    page_dir = Path(document.path).parent

    def include(target: str) -> str | None:
        resolved = os.path.normpath((page_dir / target.replace("\\", "/")).as_posix()).replace(os.sep, "/")
        included = by_path.get(resolved)
        if included is None:
            return None
        return render.apply_translations(included, translations_for(resolved))[1]

    markdown_text = render.portable_markdown(translated[1], title, include)
    meta = _page_meta(settings, locale, document, translations, stats.coverage)
    outputs = {
        "frontmatter": f"frontmatter/{locale}/{document.path}",
        "markdown": f"markdown/{locale}/{document.path}",
        "html": f"html/{locale}/{document.path[:-3]}.html",
    }
    try:
        rendered = {fmt: render.render_page(env, fmt, meta, document, translated, markdown_text) for fmt in outputs}
    except jinja2.TemplateError as exc:
        raise _template_error(settings, exc) from None
    for fmt, relative in outputs.items():
        target = inside(settings.out, relative)
        if write_atomic(target, rendered[fmt]):
            outcome.written.append(settings.display(target))


def _template_error(settings: Settings, exc: jinja2.TemplateError) -> PipelineError:
    """A located error for a broken template: the template file and line when known."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if name is None:  # runtime errors: the innermost template frame of the traceback
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, tb.tb_lineno
            tb = tb.tb_next
    shown = settings.display(Path(name)) if name else "<template>"
    message = getattr(exc, "message", None) or str(exc)
    return PipelineError(Diagnostic(Location(shown, line or 1, 1), "error", f"template error: {message}", "build.template"))
