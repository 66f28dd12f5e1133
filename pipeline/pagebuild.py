"""One page in one locale -> its output files' text (pure, given the Jinja environment).

In: the page's ``Document``, the vetted translations, its coverage, a function that
returns an included page's translated body, and ``render.Page`` metadata. Out: a mapping
from output path (relative to ``out/``) to the function that renders its text, for the
three formats. Nothing is written here, so a page whose rendering fails leaves no partial output.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from . import render
from .model import Document, Segment
from .align import localize_output
from .project import output_paths
from .pseudo import pseudolocalize

PSEUDO = {"qps-ploc": False, "qps-plocm": True}


def pseudo_translations(document: Document, locale: str) -> dict[str, str]:
    """Every segment pseudo-localized: the built-in pseudo-locales need no PO file."""
    mirrored = PSEUDO[locale]
    return {s.text: pseudolocalize(s.text, mirrored=mirrored) for s in document.segments}


def page_renderers(
    env: render.Environment,
    meta: render.Page,
    document: Document,
    translations: Mapping[str, str],
    include: Callable[[str], str | None],
    body_cache: dict[tuple[str, str], str] | None = None,
    metadata: Mapping[str, str] | None = None,
    formats: Collection[str] = ("frontmatter", "markdown", "html"),
    withheld: frozenset[str] = frozenset(),
    pasted_translated: Sequence[str] = (),
    pasted_left: Sequence[Segment] = (),
) -> dict[str, Callable[[], str]]:
    """Output path -> the function that renders it through its format's template. What the
    formats share (the translated text, the portable Markdown) is made once, here; each
    template runs apart, so a broken one fails only the outputs that use it. ``metadata``
    (the PO header) puts back the localization-only front-matter keys and trailer that
    ``pipeline import`` recorded (original format only). ``withheld``: the pages not
    published in the locale, whose links lead to the source locale's (``linkmap.fallback_url``).
    ``pasted_translated``: filled by ``include`` with the included files it pastes translated
    text of: a page whose own text is all in the source language but whose includes are not
    is not marked as in the source language. ``pasted_left``: filled by ``include`` with the
    segments the files it pastes show in the source language: the HTML marks them so, as
    the page's own (``render.fallback_of``), and a page with no translated text of its own
    nor pasted (a page of includes none of which is translated) is marked as a whole."""
    translated = render.apply_translations(document, translations)
    # the front-matter title is the H1 of a page without one (not ``meta.title``, which names a
    # page without a title by its first heading or file name: ``titles.page_title``)
    heading = "" if document.has_h1 else render.front_matter_value(document, translations, "title")
    wanted = {fmt: path for fmt, path in output_paths(meta.locale, document.path).items() if fmt in formats}
    # made for every unit, whatever its formats: the includes it pastes are what the unit
    # records (and an include loop its errors), the same in a build of the original format alone;
    # its tables written as GFM reads them (``Document.portable``)
    portable = render.apply_translations(document, translations, document.portable) if document.portable \
        else translated
    markdown_text = render.portable_markdown(portable[1], heading, include, meta.locale)
    if meta.in_source_language and pasted_translated:
        meta = replace(meta, in_source_language=False)
    elif (not meta.in_source_language and meta.locale != meta.source_locale and pasted_left
          and not pasted_translated and not render.some_translated(document, translations)
          and not render.heading_title_translated(document, translations)):
        meta = replace(meta, in_source_language=True)  # its body is pasted text, none of it translated
    localized = localize_output(*translated, metadata) if metadata else translated
    fallback = render.fallback_of(meta, document, translations, pasted_left) if "html" in wanted else None

    def renderer(fmt: str) -> Callable[[], str]:
        return lambda: render.render_page(env, fmt, meta, document, localized if fmt == "frontmatter" else translated,
                                          markdown_text, body_cache, fallback, withheld)

    return {path: renderer(fmt) for fmt, path in wanted.items()}

