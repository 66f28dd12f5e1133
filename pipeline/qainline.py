"""The inline Markdown of one message, pulled apart for the QA checks.

In: one msgid or msgstr (inline Markdown kept verbatim) and the link labels
(``reference_label``) the page's reference definitions define. Out: an ``_Inline`` record
(``_parse_inline``): its code spans, unmatched backticks, links and images with their
targets, HTML tags, HTML comments, DocFX extensions, the text with all of those masked out,
and the text without its comments; and, for that masked prose, an ``_Emphasis`` record
(``_emphasis``): its ``**``/``*`` marks and those that pair with nothing. Pure: nothing here
compares a msgid with its msgstr (``qachecks`` does), reads files or prints.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .docfx import EXTENSION, extension_key


# Element names that are HTML, not a translatable placeholder such as <tenant name>: every
# element of the WHATWG HTML standard, its obsolete ones (which browsers still parse, and the
# renderer renames or drops) and the SVG and MathML roots. A translator who adds any of them
# must get a finding: the sanitizer escapes the tag, so the page would show it as text.
_HTML_ELEMENTS = frozenset(
    """a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
    caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i
    iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript
    object ol optgroup option output p picture pre progress q rp rt ruby s samp script search
    section select slot small source span strong style sub summary sup table tbody td template
    textarea tfoot th thead time title tr track u ul var video wbr
    acronym applet basefont bgsound big blink center dir font frame frameset image isindex
    keygen listing marquee menuitem multicol nextid nobr noembed noframes param plaintext rb
    rtc spacer strike tt xmp
    svg math""".split()
)


@dataclass(frozen=True)
class _Link:
    kind: str  # "link" | "image"
    target: str


@dataclass(frozen=True)
class _Inline:
    """What the checks compare, pulled out of one string."""

    code_spans: tuple[str, ...]
    stray_backticks: int
    links: tuple[_Link, ...]
    tags: tuple[str, ...]  # exact spelling, e.g. "<br />"
    comments: tuple[str, ...]  # "<!-- ... -->", exact spelling
    extensions: tuple[str, ...]  # DocFX "[!INCLUDE[…](a.md)]", "[!NOTE]"... (``extension_key``)
    prose: str  # text with code spans, link targets and tags blanked out
    shown: str  # the text without its comments (which no page shows)


# Stands for a code span, link target or tag in the prose. It is punctuation (U+2E3B THREE-EM
# DASH), as the backtick, ')' or '>' it replaces, so emphasis flanking is judged the same.
_MASK = "\u2e3b"
_NEXT_SPECIAL = re.compile(r"[`\\<]")


@dataclass(frozen=True)
class _Split:
    """A text's code spans and comments, taken out in CommonMark's order: whichever starts
    first wins, so a backtick in a comment opens no code span and a comment in a code span
    is code."""

    spans: list[str]  # the code spans' contents (raw, between the backtick runs)
    masked: str  # the text with each code span and comment replaced by ``_MASK``
    stray: int  # backticks left unmatched
    comments: list[str]  # "<!-- ... -->", exact spelling
    shown: str  # the text without its comments: what a page shows of it, markup and all


def _split_code_spans(text: str) -> _Split:
    """CommonMark code spans (a run of n backticks closed by the next run of exactly n) and
    complete HTML comments (``<!--`` to the first ``-->``)."""
    if "`" not in text and "<!--" not in text:  # the common case: nothing to split
        return _Split([], text, 0, [], text)
    spans: list[str] = []
    comments: list[str] = []
    hidden: list[tuple[int, int]] = []
    out: list[str] = []
    stray = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "<":
            end = text.find("-->", i + 4) if text.startswith("<!--", i) else -1
            if end < 0:
                out.append(ch)
                i += 1
                continue
            comments.append(text[i : end + 3])
            hidden.append((i, end + 3))
            out.append(_MASK)
            i = end + 3
            continue
        if ch != "`":
            nxt = _NEXT_SPECIAL.search(text, i)
            stop = nxt.start() if nxt else n
            out.append(text[i:stop])
            i = stop
            continue
        j = i
        while j < n and text[j] == "`":
            j += 1
        run = j - i
        k = j
        close = -1
        while k < n:
            if text[k] == "`":
                m = k
                while m < n and text[m] == "`":
                    m += 1
                if m - k == run:
                    close = k
                    break
                k = m
            else:
                k += 1
        if close < 0:
            stray += run
            out.append(_MASK * run)
            i = j
            continue
        spans.append(text[j:close])
        out.append(_MASK)
        i = close + run
    shown = "".join(text[a:b] for a, b in zip([0] + [e for _, e in hidden], [s for s, _ in hidden] + [n]))
    return _Split(spans, "".join(out), stray, comments, shown)


# The runs of white space around a destination and its title are possessive (``*+``): shared
# out by backtracking, a "[text](" and 64,000 spaces took half a minute (what a backtracked
# share could match instead, an empty destination with a title, CommonMark reads as no link).
_LINK_RE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"
    r"\(\s*+(?P<target><[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s++(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*+\)"
)
# After inline links are masked: a "][label]" not followed by the mask of a destination (a
# label with something but white space in it: looked ahead for, then taken whole, possessively).
_REFERENCE_RE = re.compile(r"\]\[(?P<label>(?=[^\[\]\n]*?[^\[\]\s])[^\[\]\n]*+)\](?!\u2e3b)")
# A link reference definition "[label]: destination" (the label may go on over lines).
_DEFINITION_RE = re.compile(
    r"^[ \t]{0,3}\[(?P<label>(?:[^\[\]\\]|\\.)+)\]:[ \t]*(?:\n[ \t]*)?(?P<target><[^<>\n]*>|\S+)", re.M)
# After full references are masked: a shortcut "[label]" or collapsed "[label][]" reference,
# which is a link when a definition resolves its label (else the brackets are text).
_SHORTCUT_RE = re.compile(r"(?<![\]\\])(?P<bang>!?)\[(?P<label>(?:[^\[\]\\]|\\.)+)\](?:\[\])?(?![\[(:\u2e3b])")
_AUTOLINK_RE = re.compile(r"<(?P<target>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
# A "/" may follow the name as a space does: browsers read <svg/onload=x> as <svg onload=x>.
_TAG_RE = re.compile(r"</?(?P<name>[A-Za-z][A-Za-z0-9]*)(?:[\s/][^<>]*)?>", re.S)
_EXTENSION_RE = re.compile(EXTENSION)
_HREF_RE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def reference_label(label: str) -> str:
    """A link label as CommonMark matches it with its definition's: case folded, its white
    space collapsed."""
    return " ".join(label.split()).casefold()


def _parse_inline(text: str, references: frozenset[str] = frozenset()) -> _Inline:
    """``references``: the labels (``reference_label``) the page's definitions define."""
    split = _split_code_spans(text)  # a comment is never text: what it holds is not compared
    masked = split.masked
    extensions: list[str] = []

    def take_extension(m: re.Match[str]) -> str:
        # an include's "[title](file)" pastes the file: no link (an include for a link is a change)
        extensions.append(extension_key(m))
        return _MASK

    if "[!" in masked:
        masked = _EXTENSION_RE.sub(take_extension, masked)
    links: list[_Link] = []

    def take_definition(m: re.Match[str]) -> str:
        # a definition is a link: a translation that adds one takes over the page's own links
        # of that label (the first definition wins), one that changes one changes them all
        target = m.group("target")
        links.append(_Link("link", f"[{m.group('label')}]: {target[1:-1] if target[:1] == '<' else target}"))
        labels.add(reference_label(m.group("label")))
        return _MASK

    labels = set(references)  # and those the text defines itself
    if "]:" in masked:
        masked = _DEFINITION_RE.sub(take_definition, masked)

    def take_link(m: re.Match[str]) -> str:
        target = m.group("target").strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        links.append(_Link("image" if m.group("bang") else "link", target))
        # Keep the link text: it is prose that the identifier checks look at.
        return m.group("bang") + "[" + m.group("text") + "]" + _MASK

    if "](" in masked:  # each substitution below is skipped when its marker is absent
        masked = _LINK_RE.sub(take_link, masked)

    def take_autolink(m: re.Match[str]) -> str:
        links.append(_Link("link", m.group("target")))
        return _MASK

    if "<" in masked:
        masked = _AUTOLINK_RE.sub(take_autolink, masked)

    def take_reference(m: re.Match[str]) -> str:
        # [text][label]: the label must match a definition, so it is a target, not prose.
        links.append(_Link("link", f"[{m.group('label')}]"))
        return "]" + _MASK

    if "][" in masked:
        masked = _REFERENCE_RE.sub(take_reference, masked)

    def take_shortcut(m: re.Match[str]) -> str:
        if reference_label(m.group("label")) not in labels:
            return m.group(0)  # brackets in the text ("[Settings]"): prose
        links.append(_Link("image" if m.group("bang") else "link", f"[{m.group('label')}]"))
        return m.group("bang") + "[" + m.group("label") + "]" + _MASK

    if labels and "[" in masked:
        masked = _SHORTCUT_RE.sub(take_shortcut, masked)
    tags: list[str] = []

    def take_tag(m: re.Match[str]) -> str:
        name = m.group("name")
        if name.lower() not in _HTML_ELEMENTS:
            return m.group(0)  # a placeholder like <tenant name>: prose
        tags.append(m.group(0))
        for h in _HREF_RE.finditer(m.group(0)):
            value = next(g for g in h.groups() if g is not None)
            links.append(_Link("image" if name.lower() == "img" else "link", value))
        return _MASK

    if "<" in masked:
        masked = _TAG_RE.sub(take_tag, masked)
    return _Inline(tuple(split.spans), split.stray, tuple(links), tuple(tags), tuple(split.comments),
                   tuple(extensions), masked, split.shown)

def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


@dataclass(frozen=True)
class _Emphasis:
    """The ``**`` / ``*`` delimiters of a text and those that pair with nothing."""

    strong: int
    single: int
    unmatched: tuple[tuple[str, str], ...]  # (mark, context), e.g. ("**", "données : ** Chaîne")


_ESCAPED = re.compile(r"\\.")
_STARS = re.compile(r"\*+")


def _emphasis(prose: str) -> _Emphasis:
    """Pair ``*`` runs the way CommonMark does (left/right-flanking), simplified.

    ``** text**`` cannot open and ``**text **`` cannot close: the marks then show as
    literal asterisks, the commonest bold breakage in the translated corpus. A run with white
    space on both sides (``2 * 3``) is no delimiter at all. Escaped ``\\*`` is ignored.
    """
    if "*" not in prose:
        return _Emphasis(0, 0, ())
    text = _ESCAPED.sub("  ", prose)
    stacks: dict[str, list[int]] = {"**": [], "*": []}
    unmatched: list[tuple[str, int]] = []
    counts = {"**": 0, "*": 0}
    for m in _STARS.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
        right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
        if not left and not right:
            continue
        n = len(m.group(0))
        marks = ["**"] * (n // 2) + ["*"] * (n % 2)
        for mark in marks:
            counts[mark] += 1
            if right and stacks[mark]:
                stacks[mark].pop()
            elif left:
                stacks[mark].append(m.start())
            else:
                unmatched.append((mark, m.start()))
    unmatched += [(mark, pos) for mark, stack in stacks.items() for pos in stack]
    shown = tuple(
        (mark, text[max(0, pos - 12) : pos + 14].replace(_MASK, "…").strip())
        for mark, pos in sorted(unmatched, key=lambda u: u[1])
    )
    return _Emphasis(counts["**"], counts["*"], shown)
