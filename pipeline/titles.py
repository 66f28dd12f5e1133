"""What a page is called where the site lists it and in its HTML ``<title>`` (pure).

In: a ``Document`` and the vetted translations of its locale. Out: text, never empty. The
front-matter ``title``, translated; a page without one is called by its first heading as its
HTML shows it (the Markdown read as text, ``Set *up* the [portal](x.md)`` is "Set up the
portal"; translated, as the page shows it); a page with neither (an include fragment is a
phrase or a list) by its file name made readable (``wps_2_md.md`` is "wps 2 md"), never by
its path. The Markdown output's H1 is another matter: only the front-matter title becomes
the H1 of a page that has none (``pagebuild``), so no heading is made up there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from . import render
from .model import Document
from .sanitize import sanitize_translation


def page_title(document: Document, translations: Mapping[str, str]) -> str:
    title = render.front_matter_value(document, translations, "title")
    if title.strip():
        return title
    heading = next((s for s in document.segments if s.kind == "heading"), None)
    if heading is not None:
        translated = translations.get(heading.text)
        shown = sanitize_translation(heading.text, translated, heading.kind) if translated else ""
        shown = shown if shown.strip() else heading.text  # a blank translation is not applied
        text = " ".join(render.visible_text(shown).split())
        if text:
            return text
    return readable_name(document.path)


def readable_name(path: str) -> str:
    """A page's file name without ``.md``, its ``_`` and ``-`` as spaces: ``wps 2 md``."""
    stem = posixpath.basename(path)[:-3] if path.lower().endswith(".md") else posixpath.basename(path)
    return " ".join(re.split(r"[\s_-]+", stem)).strip() or stem
