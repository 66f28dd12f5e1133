"""One page in one locale -> its output files' text (pure, given the Jinja environment).

In: the page's ``Document``, the vetted translations, its coverage, a function that
returns an included page's translated body, and ``render.Page`` metadata. Out: a mapping
from output path (relative to ``out/``) to text, for the three formats. Nothing is written
here, so a page whose rendering fails leaves no partial output.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from . import render
from .model import Document
from .align import localize_output
from .pseudo import pseudolocalize

PSEUDO = {"qps-ploc": False, "qps-plocm": True}


def output_paths(locale: str, page: str) -> dict[str, str]:
    """Format -> output path relative to ``out/``."""
    return {
        "frontmatter": f"frontmatter/{locale}/{page}",
        "markdown": f"markdown/{locale}/{page}",
        "html": f"html/{locale}/{page[:-3]}.html",
    }


def pseudo_translations(document: Document, locale: str) -> dict[str, str]:
    """Every segment pseudo-localized: the built-in pseudo-locales need no PO file."""
    mirrored = PSEUDO[locale]
    return {s.text: pseudolocalize(s.text, mirrored=mirrored) for s in document.segments}


def render_outputs(
    env: render.Environment,
    meta: render.Page,
    document: Document,
    translations: Mapping[str, str],
    include: Callable[[str], str | None],
    body_cache: dict[tuple[str, str], str] | None = None,
    metadata: Mapping[str, str] | None = None,
    formats: Collection[str] = ("frontmatter", "markdown", "html"),
) -> dict[str, str]:
    """The three formats; ``metadata`` (the PO header) puts back the localization-only
    front-matter keys and trailer that ``pipeline import`` recorded (original format only)."""
    translated = render.apply_translations(document, translations)
    heading = "" if document.has_h1 else meta.title  # the title is the H1 of a page without one
    wanted = {fmt: path for fmt, path in output_paths(meta.locale, document.path).items() if fmt in formats}
    markdown_text = (render.portable_markdown(translated[1], heading, include, meta.locale)
                     if wanted.keys() & {"markdown", "html"} else "")
    localized = localize_output(*translated, metadata) if metadata else translated
    fallback = render.fallback_of(meta, document, translations) if "html" in wanted else None
    return {
        path: render.render_page(env, fmt, meta, document, localized if fmt == "frontmatter" else translated,
                                 markdown_text, body_cache, fallback)
        for fmt, path in wanted.items()
    }
