"""Heading slugs: the ``id`` a heading gets in the published HTML, so ``#fragments`` can be checked.

In: the raw Markdown text of one heading (what follows the ``#`` marks). Out: its slug.

Two rules matter for a DocFX site:

* ``slug_github`` -- markdig's ``AutoIdentifierOptions.GitHub`` (``LinkHelper.UrilizeAsGfm``),
  which DocFX uses by default since it moved to markdig. The heading is first reduced to its
  text (links, emphasis, code and HTML tags stripped, entities decoded), then each character
  is kept lower-cased if it is a letter, a digit, ``-`` or ``_``; an ASCII space becomes
  ``-``; everything else (punctuation, tabs, no-break spaces) is dropped. Runs of ``-`` are
  *not* collapsed: ``A - B`` gives ``a---b``. This is our canonical rule.
* ``slug_docfx_2016`` -- DocFX 2 "MarkdownLite" as it published in mid-2016
  (``MarkdownHeadingBlockRule``): ``Regex.Replace(raw.ToLower(), @"[^\\p{L}\\p{N}]+", "-")``
  on the *raw* heading Markdown, so every run of non-alphanumerics (``.``, ``:``, spaces,
  ``**``) is one ``-``; ``Windows Phone 8.1`` gives ``windows-phone-8-1`` (GitHub rule:
  ``windows-phone-81``). The corpus authors wrote some fragments against it, hence the
  variant is kept: ``pipeline.links`` accepts it with a warning.

Duplicate slugs in one page get ``-1``, ``-2``... in document order (markdig and DocFX both).
All functions are pure.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable

# Inline Markdown reduced to its visible text, the way markdig's strip renderer does.
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CODE_TICKS = re.compile(r"`+")
# a code span (kept as it is) or ``_emphasis_``/``__strong__`` (its text kept): not inside a word
_CODE_OR_UNDERSCORE_EMPHASIS = re.compile(r"(`+).+?\1|(?<![\w\\])(__?)(?=\S)(.+?)(?<=[^\s\\])\2(?!\w)")
_NON_ALNUM_RUN = re.compile(r"[\W_]+")  # not (letter or digit): \p{L}\p{N} in .NET terms


def heading_text(markdown: str) -> str:
    """Return the visible text of inline Markdown ``markdown`` (a heading's content)."""
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    for _ in range(2):  # '__a _b_ c__': the inner one after the outer
        text = _CODE_OR_UNDERSCORE_EMPHASIS.sub(lambda m: m.group(0) if m.group(1) else m.group(3), text)
    text = _CODE_TICKS.sub("", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # backslash escapes
    return html.unescape(text).strip()


@functools.lru_cache(maxsize=4096)  # a heading is slugged in every locale and for its anchors
def slug_github(markdown: str) -> str:
    """Slug of a heading under markdig's GitHub rule (see module docstring)."""
    out = []
    for ch in heading_text(markdown):
        if ch.isalnum() or ch in "-_":
            out.append(ch.lower())
        elif ch == " ":
            out.append("-")
    return "".join(out)


def slug_docfx_2016(markdown: str) -> str:
    """Slug of a heading under DocFX MarkdownLite's mid-2016 rule (raw Markdown, runs -> '-')."""
    return _NON_ALNUM_RUN.sub("-", markdown.strip().lower())


def unique_slugs(headings: Iterable[str], slugify: Callable[[str], str]) -> list[str]:
    """Slugs of ``headings`` in order, de-duplicated with ``-1``, ``-2``... like markdig."""
    seen: set[str] = set()
    result = []
    for heading in headings:
        base = slugify(heading) or "section"
        slug, index = base, 0
        while slug in seen:
            index += 1
            slug = f"{base}-{index}"
        seen.add(slug)
        result.append(slug)
    return result
