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

import bisect
import functools
import re
from collections.abc import Callable, Iterable

# Inline Markdown reduced to its visible text, the way markdig's strip renderer does.
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CODE_TICKS = re.compile(r"`+")
_UNDERSCORES = re.compile(r"_+")
_TICK_OR_UNDERSCORE = re.compile(r"[`_]")
_NON_ALNUM_RUN = re.compile(r"[\W_]+")  # not (letter or digit): \p{L}\p{N} in .NET terms


def heading_text(markdown: str) -> str:
    """Return the visible text of inline Markdown ``markdown`` (a heading's content)."""
    text = _strip_links(markdown, "![", "(", ")")  # images: ![alt](src) -> alt
    text = _strip_links(text, "[", "(", ")")  # links: [text](target) -> text
    text = _strip_links(text, "[", "[", "]")  # reference links: [text][ref] -> text
    text = _HTML_TAG.sub("", text)
    for _ in range(2):  # '__a _b_ c__': the inner one after the outer
        text = _strip_pass(text)
    text = _CODE_TICKS.sub("", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # backslash escapes
    return _unescape(text).strip()


def _unescape(text: str) -> str:
    """``html.unescape``, which returns a text without ``&`` as it is: imported only for one
    with (its entity table is 1.3 ms of a check that resolves one page's links)."""
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


def _strip_links(text: str, opener: str, open_target: str, close_target: str) -> str:
    r"""``text`` with each ``<opener>label]<open_target>...<close_target>`` replaced by
    ``label``: exactly ``re.sub(r"<opener>([^\]]*)\]<open_target>[^<close_target>]*<close_target>",
    r"\1", text)`` (its three uses here before), in linear time.

    The regex walked from each opener to the first ``]`` after it, so a text of ``[`` that
    nothing closes took quadratic time. Every opener before that ``]`` finds the same one and
    fails the same way, so the search goes on after it; and when no ``]`` (or no closing
    mark after the ``]``) is left, no later opener can match either.
    """
    out: list[str] = []
    done = pos = 0
    while (start := text.find(opener, pos)) >= 0:
        label = start + len(opener)
        end = text.find("]", label)
        if end < 0:
            break
        if text.startswith(open_target, end + 1):
            close = text.find(close_target, end + 2)
            if close < 0:
                break
            out.append(text[done:start])
            out.append(text[label:end])
            done = pos = close + 1
        else:
            pos = end + 1
    out.append(text[done:])
    return "".join(out)


def _strip_pass(text: str) -> str:
    r"""``text`` with ``_emphasis_`` and ``__strong__`` replaced by their content, code spans
    left as they are (their underscores kept), in one left-to-right pass.

    It gives exactly what this substitution, used here before, gave, in linear
    time (plus a binary search per ``_`` that opens)::

        re.sub(r"(`+).+?\1|(?<![\w\\])(__?)(?=\S)(.+?)(?<=[^\s\\])\2(?!\w)",
               lambda m: m.group(0) if m.group(1) else m.group(3), text)

    That regex backtracked over every shorter length of a backtick run that nothing closes
    and walked to the end of the line from each of its positions (cubic), and walked to the
    end of the line from each ``_`` that opens and never closes (quadratic). Neither
    alternative crosses a line break (``.`` does not match ``\n``, which is also a non-word,
    white-space character for the look-arounds), so each line is scanned on its own.

    Its code spans are not quite CommonMark's, and are kept so, deliberately: an opening
    run of k backticks is closed by the first later run of *at least* g backticks, for the
    largest g <= k that has one (CommonMark: exactly k), and failing that by its own tail:
    in ``"```a`"`` the span is ``"```"`` (a backtick as the content of a one-backtick span)
    and ``"a`"`` has none. Only which underscores count as emphasis depends on it, and the
    backticks themselves are dropped afterwards.
    """
    if "`" not in text and "_" not in text:
        return text
    return "\n".join(_strip_line(line) if "`" in line or "_" in line else line for line in text.split("\n"))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # the regex module's \w on str


def _strip_line(line: str) -> str:
    """``_strip_pass`` of one line (no ``\n`` in ``line``)."""
    n = len(line)
    ticks = [m.span() for m in _CODE_TICKS.finditer(line)]
    # longest[k]: the longest backtick run from the k-th on (0 past the last)
    longest = [0] * (len(ticks) + 1)
    for k in range(len(ticks) - 1, -1, -1):
        longest[k] = max(longest[k + 1], ticks[k][1] - ticks[k][0])
    # where '_' (closers[0]) or '__' (closers[1]) can close emphasis: the end of a run of
    # underscores not followed by a word character, after a character that is neither white
    # space nor a backslash
    closers: tuple[list[int], list[int]] = ([], [])
    for m in _UNDERSCORES.finditer(line):
        start, end = m.span()
        if end < n and _is_word(line[end]):
            continue
        for width in (1, 2):
            at = end - width
            if at >= start and at >= 1 and not line[at - 1].isspace() and line[at - 1] != "\\":
                closers[width - 1].append(at)
    out: list[str] = []
    done = 0  # line[:done] is in out (or replaced there)
    k = 0  # index of the backtick run at or after pos
    pos = 0
    while (m := _TICK_OR_UNDERSCORE.search(line, pos)) is not None:
        pos = m.start()
        if line[pos] == "`":
            while ticks[k][1] <= pos:
                k += 1
            run_end = ticks[k][1]
            length = run_end - pos
            width = min(length, longest[k + 1])  # the widest later run that can close it
            if width > (length - 1) // 2:  # ... wider than a span made of this run alone
                k2 = k + 1
                while ticks[k2][1] - ticks[k2][0] < width:
                    k2 += 1
                pos = ticks[k2][0] + width
            elif length >= 3:  # the run closes itself: ``(`{g}).\1`` with g = (length - 1) // 2
                pos += 2 * ((length - 1) // 2) + 1
            else:  # no span starts anywhere in this run
                pos = run_end
            continue  # a code span is kept as it is
        run_end = _UNDERSCORES.match(line, pos).end()
        if pos > 0 and (_is_word(line[pos - 1]) or line[pos - 1] == "\\"):
            pos = run_end  # within a word or escaped; so is the rest of the run (after '_')
            continue
        for width in (2, 1) if run_end - pos >= 2 else (1,):
            content = pos + width
            if content >= n or line[content].isspace():
                continue
            found = closers[width - 1]
            i = bisect.bisect_left(found, content + 1)
            if i < len(found):
                out.append(line[done:pos])
                out.append(line[content:found[i]])
                pos = done = found[i] + width
                break
        else:
            pos = run_end
    out.append(line[done:])
    return "".join(out)


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
    next_number: dict[str, int] = {}
    return [claim_slug(slugify(heading) or "section", seen, next_number) for heading in headings]


def claim_slug(base: str, seen: set[str], next_number: dict[str, int]) -> str:
    """The first of ``base``, ``base-1``, ``base-2``... not in ``seen``, added to it.

    ``next_number`` (one dict for all the calls on one ``seen``, which may only grow)
    remembers per base where the last search stopped: the numbers below it were all taken
    then and still are, so the k-th equal heading costs O(1), not k tries. A number taken by
    another heading's own text is still stepped over: "A", "A", "A-1" give ``a``, ``a-1``,
    ``a-1-1``.
    """
    number = next_number.get(base, 0)
    slug = f"{base}-{number}" if number else base
    while slug in seen:
        number += 1
        slug = f"{base}-{number}"
    next_number[base] = number + 1
    seen.add(slug)
    return slug
