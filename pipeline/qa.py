"""Quality checks of one translated message against its msgid.

In: a msgid (the source segment, inline Markdown kept verbatim), its msgstr, where the
segment lands (a table cell, a front-matter value or ordinary body text), a do-not-translate
glossary and the finding codes the translator accepted. Out: a list of ``Finding`` records,
in a stable order. Nothing here reads files or prints; ``load_glossary`` and
``accepted_codes`` parse text the caller has read.

An empty msgstr means "untranslated" and yields no findings.

Codes and severities (an ``error`` makes the build fall back to the source text; a
``warning`` is reported and the translation is used):

=====================  ========  ==============================================================
code                   severity  what differs
=====================  ========  ==============================================================
qa.link-count          error     number of links (inline, reference ``[t][label]``, autolinks,
                                 ``<a href>``) differs; a
                                 reference definition ``[label]: x`` is a link, and so is a
                                 shortcut ``[label]`` or collapsed ``[label][]`` reference that
                                 a definition of the page (or of the text) resolves
qa.image-count         error     number of images differs
qa.link-target         error     a relative or site-root link/image target (path part) or a
                                 reference label changed, or a relative target became absolute
qa.link-fragment       error     the ``#fragment`` of a relative link changed (or was added/lost)
qa.link-url            warning   an absolute ``scheme:`` URL changed (other than its locale,
                                 e.g. ``en-us`` -> ``fr-fr`` or ``clcid=0x409`` -> ``0x40c``,
                                 which is not reported at all)
qa.markup-unbalanced   error     a ``**`` / ``*`` that pairs with nothing under CommonMark's
                                 flanking rules (``**a **``, CJK ``**[x]**を``), a stray
                                 backtick or a ``<!--`` never closed by ``-->``, that the msgid
                                 does not have: shows as literal marks (and text). Not for a
                                 front-matter value (plain text), nor qa.markup-count and
                                 qa.code-span
qa.markup-count        warning   both balanced, but a different number of ``**``/``*`` marks
                                 (a dropped or added emphasis)
qa.code-span           error     inline code spans differ (changed, lost or added)
qa.html-tag            error     HTML tags (any WHATWG HTML element name, obsolete ones and
                                 ``svg``/``math`` included) differ in number or kind;
                                 ``<tenant name>``-like placeholders are prose
qa.html-form           warning   same tags, different spelling (``<br />`` -> ``<br>``)
qa.comment             warning   an HTML comment the msgid does not have, word for word (a
                                 writer's note translated, a note added): the sanitizer leaves
                                 it out of the page; a comment removed is no finding
qa.docfx               error     DocFX syntax (``[!INCLUDE[..](file)]``, ``[!code-..[..](file)]``,
                                 ``[!VIDEO url]``, ``[!NOTE]``, ``[!div]``) added, changed or lost:
                                 an include is not a link; one the msgid lacks is shown as text
                                 by the sanitizer (a leading alert marker is left out, no finding)
qa.identifier          error     an error code (CamelCase word with 3+ capitals such as
                                 ``DeviceCapReached``) or a bold identifier (``**0x80180014**``,
                                 ``**Info.plist**``, ``**HKEY_LOCAL_MACHINE**``) is missing
qa.product-name        warning   a product name of the msgid (``Intune``, ``Azure``...) is missing
qa.glossary            error     a glossary term of the msgid is missing
qa.table-pipe          error     unescaped ``|`` outside code spans in a table cell
qa.table-newline       error     a newline in a table cell
qa.block-break         error     a blank line in a msgstr whose msgid has none (splits the block)
qa.whitespace          warning   leading or trailing whitespace differs from the msgid
qa.blank               error     nothing shown where the msgid shows text (an empty heading,
                                 cell or title, counted as translated): white space, zero-width
                                 or blank-looking characters (``&nbsp;``, ``&#8203;``, U+2800),
                                 a comment or an alert marker the page leaves out, only
qa.po-newline          error     the msgid and the msgstr do not both begin (or both end) with
                                 a newline: ``msgfmt --check`` refuses the catalog
qa.control             error     a control character the msgid does not have (C0 but tab and
                                 line breaks, C1, U+FEFF, U+FFFE, U+FFFF): no HTML page can hold it
qa.bidi                warning   a bidi embedding, override or isolate (U+202A-U+202E,
                                 U+2066-U+2069) the msgid does not have: it reorders the text
                                 shown (a spoofed file name or title); a warning, as right-to-left
                                 text may need isolates; the marks U+200E/U+200F are fine
qa.yaml-newline        error     a newline in a front-matter value
qa.yaml-control        error     a control character in a front-matter value
qa.yaml-value          error     the value does not survive ``key: "<escaped>"`` + yaml.safe_load
=====================  ========  ==============================================================

Measured on the corpus (en-us pages aligned cell by cell with their professional fr-fr,
de-de and ja-jp translations, 43,884 message pairs): 218 pairs (0.50%) get any finding, 151
(0.34%) an error. 137 of those errors are real defects of the published translations: bold
that CommonMark cannot close (126, mostly Japanese ``**[x]**を``; the decision agrees with
markdown-it-py on every pair), identifiers corrupted by a find-and-replace
(``Suppou det.v7.jar``, ``MAMExpとableListActivity``), dropped links. 14 (0.03%) are
legitimate changes: localized example values (``MyAppVpnProfile``), links the translator
repaired, a localized screenshot. The 67 warning-only pairs are mostly product names left
out of a fluent sentence.

HTML comments (``<!-- ... -->``) are writers' notes, never shown to readers: what one holds
(links, bold, code spans, error codes, glossary terms: a comment and a code span are read in
CommonMark's order, the first to start wins) is no part of the text the checks compare, so
what a translation must keep is looked for where the page shows it. A translator may keep a note word for word (it is published as in the source page)
or remove it; a note changed or added is left out by the sanitizer, never escaped into
visible text, and only warned about: the page loses nothing readers would see, so its
translation stays in use (an error would put the whole paragraph back in the source
language for an invisible note).

Front-matter values: the renderer quotes a value when needed, so YAML indicators such as a
leading ``@``, ``*``, ``&``, ``!``, a ``: `` or `` #`` inside, or a value like ``yes`` are
*not* findings; only what no quoting can carry on one line is (a newline, control
characters). ``needs_quoting`` tells the renderer when a plain scalar would not load back as
the same string.

Acceptance marker (like a linter's ``noqa``): a line in the PO translator comment (``# ...``)
of the form::

    # qa-accept: qa.link-target qa.link-fragment -- the French page has its own anchor

``qa-accept:`` (case-insensitive, at the start of the line after optional spaces) is followed
by codes separated by spaces or commas; anything after `` -- `` or `` # `` is a free-text
reason. Several such lines add up. A code ending in ``*`` accepts every code with that
prefix (``qa.link-*``); ``qa.*`` accepts everything. Accepted findings are dropped by
``check_message``; ``accepted_codes`` only parses, it does not validate codes against
``CODES``. What breaks an output or the catalog whatever anyone thinks of it (``qa.control``,
``qa.po-newline``, ``qa.yaml-*``) cannot be accepted.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

import yaml

from .docfx import EXTENSION, extension_key
from .sanitize import drop_alert_marker

__all__ = [
    "CODES",
    "PRODUCT_NAMES",
    "Finding",
    "accepted_codes",
    "check_message",
    "has_errors",
    "load_glossary",
    "needs_quoting",
]


@dataclass(frozen=True)
class Finding:
    """One problem of a translation: ``severity`` is ``"error"`` or ``"warning"``."""

    severity: str
    code: str
    message: str


CODES: Mapping[str, str] = MappingProxyType({
    "qa.link-count": "error",
    "qa.image-count": "error",
    "qa.link-target": "error",
    "qa.link-fragment": "error",
    "qa.link-url": "warning",
    "qa.markup-unbalanced": "error",
    "qa.markup-count": "warning",
    "qa.code-span": "error",
    "qa.html-tag": "error",
    "qa.html-form": "warning",
    "qa.comment": "warning",
    "qa.docfx": "error",
    "qa.identifier": "error",
    "qa.product-name": "warning",
    "qa.glossary": "error",
    "qa.table-pipe": "error",
    "qa.table-newline": "error",
    "qa.block-break": "error",
    "qa.whitespace": "warning",
    "qa.blank": "error",
    "qa.po-newline": "error",
    "qa.control": "error",
    "qa.bidi": "warning",
    "qa.yaml-newline": "error",
    "qa.yaml-control": "error",
    "qa.yaml-value": "error",
})

# Names kept verbatim by the professional fr/de/ja translations of the corpus. Longer names
# first so that "Microsoft Intune" is reported rather than both "Microsoft" and "Intune".
PRODUCT_NAMES: tuple[str, ...] = (
    "Microsoft Intune",
    "Configuration Manager",
    "Office 365",
    "Intune",
    "Azure",
    "Windows",
    "iOS",
    "Android",
    "Exchange",
    "SharePoint",
    "OneDrive",
    "Outlook",
)

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


def _finding(code: str, message: str) -> Finding:
    return Finding(CODES[code], code, message)


# --------------------------------------------------------------------------- inline parsing


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


def _tag_kind(tag: str) -> str:
    m = re.match(r"<(/?)([A-Za-z0-9]+)", tag)
    assert m is not None
    return f"<{m.group(1)}{m.group(2).lower()}>"


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


# --------------------------------------------------------------------------- link targets

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LOCALE_RE = re.compile(r"(?<![A-Za-z])[a-z]{2}-[a-z]{2}(?![A-Za-z])", re.I)
_LCID_RE = re.compile(r"(clcid|lcid)=0x[0-9a-f]+", re.I)


def _normalize_url(url: str) -> str:
    return _LCID_RE.sub(r"\1=*", _LOCALE_RE.sub("xx-xx", url)).lower()


def _split_fragment(target: str) -> tuple[str, str | None]:
    path, sep, fragment = target.partition("#")
    return path, (fragment if sep else None)


def _compare_targets(source: str, translated: str, kind: str) -> list[Finding]:
    if _SCHEME_RE.match(source) and _SCHEME_RE.match(translated):
        if _normalize_url(source) == _normalize_url(translated):
            return []
        return [_finding("qa.link-url", f"{kind} URL changed: {source!r} -> {translated!r}")]
    if _SCHEME_RE.match(source) or _SCHEME_RE.match(translated):
        # Relative <-> absolute: the link leaves (or enters) the localized site.
        return [_finding("qa.link-target", f"{kind} target changed: {source!r} -> {translated!r}")]
    src_path, src_frag = _split_fragment(source)
    tr_path, tr_frag = _split_fragment(translated)
    findings = []
    if src_path != tr_path:
        findings.append(
            _finding("qa.link-target", f"{kind} target changed: {src_path!r} -> {tr_path!r}")
        )
    if src_frag != tr_frag:
        show = lambda f: "no fragment" if f is None else repr("#" + f)  # noqa: E731
        findings.append(
            _finding(
                "qa.link-fragment",
                f"{kind} fragment changed: {show(src_frag)} -> {show(tr_frag)} (in {source!r})",
            )
        )
    return findings


def _check_links(src: _Inline, tr: _Inline) -> list[Finding]:
    if not src.links and not tr.links:
        return []
    findings: list[Finding] = []
    for kind, code in (("link", "qa.link-count"), ("image", "qa.image-count")):
        s = [link.target for link in src.links if link.kind == kind]
        t = [link.target for link in tr.links if link.kind == kind]
        missing = Counter(s) - Counter(t)
        extra = Counter(t) - Counter(s)
        if len(s) != len(t):
            detail = []
            if missing:
                detail.append("missing " + ", ".join(map(repr, sorted(missing.elements()))))
            if extra:
                detail.append("extra " + ", ".join(map(repr, sorted(extra.elements()))))
            findings.append(
                _finding(
                    code,
                    f"{len(t)} {kind}(s) in translation, {len(s)} in source"
                    + (": " + "; ".join(detail) if detail else ""),
                )
            )
            continue
        # Same number: pair the unmatched ones in their order (translators reorder links,
        # so exact matches are taken out first).
        unmatched_s = [x for x in s if _take(missing, x)]
        unmatched_t = [x for x in t if _take(extra, x)]
        for a, b in zip(unmatched_s, unmatched_t):
            findings.extend(_compare_targets(a, b, kind))
    return findings


def _take(counter: Counter[str], key: str) -> bool:
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


# --------------------------------------------------------------------------- identifiers

_WORD = r"[A-Za-z0-9_]"
# Error codes: an upper-case start, a lower-to-upper hump and at least three capitals
# (DeviceCapReached, APNSCertificateNotValid). Two-capital words (WiFi, HomeGroup,
# ActiveSync, PoC) are feature names that professional translations spell their own way.
# a CamelCase word: a whole word from a capital (taken whole: the two runs of one pattern
# shared out a long word by backtracking) with a capital after a small letter or digit
_CAMEL_RE = re.compile(rf"(?<!{_WORD})[A-Z][A-Za-z0-9]*+(?!{_WORD})")
_CAMEL_BEND = re.compile(r"[a-z0-9][A-Z]")
_BOLD_RE = re.compile(r"\*\*([^*\s]+?)\*\*")
# <ServerName>, &lt;TenantName&gt;: placeholders, which translators translate.
_PLACEHOLDER_RE = re.compile(r"&lt;[^&\n]*?&gt;|<[^<>\n]*>")


def _looks_like_identifier(token: str) -> bool:
    """A bold token that is code, not a UI label: CamelCase (3+ capitals), snake_case, 0x1F, a.b.c."""
    if not re.fullmatch(r"[A-Za-z0-9_.:/\\-]+", token):
        return False
    return bool(
        (re.search(r"[a-z0-9][A-Z]", token) and sum(c.isupper() for c in token) >= 3)
        or re.search(r"[A-Za-z0-9]_[A-Za-z0-9]", token)
        or re.fullmatch(r"0x[0-9A-Fa-f]+", token)
        or re.search(r"[A-Za-z0-9]\.[A-Za-z]", token)
    )


def _identifiers(prose: str) -> list[str]:
    prose = _PLACEHOLDER_RE.sub(" ", prose)
    found: list[str] = []
    for m in _CAMEL_RE.finditer(prose):
        if _CAMEL_BEND.search(m.group(0)) and sum(c.isupper() for c in m.group(0)) >= 3:
            found.append(m.group(0))
    for m in _BOLD_RE.finditer(prose):
        token = m.group(1).rstrip(".,:;")
        if _looks_like_identifier(token):
            found.append(token)
    return list(dict.fromkeys(found))


def _contains_term(text: str, term: str) -> bool:
    first, pattern = _term_pattern(term)
    if first not in text:  # cheap test first: most terms are absent from most texts
        return False
    return pattern.search(text) is not None


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> tuple[str, re.Pattern[str]]:
    """The term's first word (for a cheap test) and its pattern: any run of white space,
    no-break spaces included, matches a space of the term."""
    parts = term.split()
    body = r"\s+".join(re.escape(part) for part in parts)
    return (parts[0] if parts else term), re.compile(rf"(?<!{_WORD}){body}(?!{_WORD})")


def _check_terms(src_prose: str, msgstr: str, glossary: frozenset[str],
                 src_products: tuple[str, ...], src_identifiers: tuple[str, ...]) -> list[Finding]:
    """``src_products``/``src_identifiers``: the product names and identifiers in ``src_prose``."""
    findings: list[Finding] = []
    reported: list[str] = []

    def covered(term: str) -> bool:
        return any(_contains_term(r, term) for r in reported)

    for term in sorted(glossary, key=lambda g: (-len(g), g)):
        if _contains_term(src_prose, term) and not _contains_term(msgstr, term):
            findings.append(_finding("qa.glossary", f"glossary term {term!r} missing from translation"))
            reported.append(term)
    for name in src_products:
        if not _contains_term(msgstr, name) and not covered(name):
            findings.append(_finding("qa.product-name", f"product name {name!r} missing from translation"))
            reported.append(name)
    for ident in src_identifiers:
        if not _contains_term(msgstr, ident) and not covered(ident):
            findings.append(_finding("qa.identifier", f"identifier {ident!r} missing from translation"))
            reported.append(ident)
    return findings


# --------------------------------------------------------------------------- other checks


def _check_markup(src: _Inline, tr: _Inline, s_em: _Emphasis) -> list[Finding]:
    """``s_em``: the emphasis of ``src``."""
    findings: list[Finding] = []
    t_em = _emphasis(tr.prose)
    problems = []
    for mark in ("**", "*"):
        s_bad = sum(1 for m, _ in s_em.unmatched if m == mark)
        t_bad = [ctx for m, ctx in t_em.unmatched if m == mark]
        if len(t_bad) > s_bad:
            problems.append(f"{mark!r} pairs with nothing near {t_bad[0]!r}")
    if tr.stray_backticks > src.stray_backticks:
        problems.append(f"{tr.stray_backticks} unmatched backtick(s)")
    if tr.prose.count("<!--") > src.prose.count("<!--"):  # every complete comment is masked
        problems.append("'<!--' never closed with '-->'")
    if problems:
        findings.append(_finding("qa.markup-unbalanced", "unbalanced markup in translation: " + "; ".join(problems)))
    elif (s_em.strong, s_em.single) != (t_em.strong, t_em.single):
        findings.append(
            _finding(
                "qa.markup-count",
                f"emphasis marks differ: '**' x{s_em.strong} -> x{t_em.strong}, '*' x{s_em.single} -> x{t_em.single}",
            )
        )
    if src.code_spans != tr.code_spans and Counter(src.code_spans) != Counter(tr.code_spans):
        missing = list((Counter(src.code_spans) - Counter(tr.code_spans)).elements())
        extra = list((Counter(tr.code_spans) - Counter(src.code_spans)).elements())
        show = lambda xs: ", ".join(f"`{x}`" for x in xs)  # noqa: E731
        if len(missing) == len(extra) == 1:
            message = f"code span changed: {show(missing)} -> {show(extra)}"
        else:
            parts = ([f"missing {show(missing)}"] if missing else []) + ([f"extra {show(extra)}"] if extra else [])
            message = "code spans differ: " + "; ".join(parts)
        findings.append(_finding("qa.code-span", message))
    return findings


def _check_tags(src: _Inline, tr: _Inline) -> list[Finding]:
    if src.tags == tr.tags:  # the common case (no tags at all, mostly)
        return []
    s_kinds = Counter(_tag_kind(t) for t in src.tags)
    t_kinds = Counter(_tag_kind(t) for t in tr.tags)
    if s_kinds != t_kinds:
        parts = []
        for label, c in (("missing", s_kinds - t_kinds), ("extra", t_kinds - s_kinds)):
            if c:
                parts.append(label + " " + ", ".join(f"{k} x{n}" for k, n in sorted(c.items())))
        return [_finding("qa.html-tag", "HTML tags differ: " + "; ".join(parts))]
    if Counter(src.tags) != Counter(tr.tags):
        missing = sorted(set(src.tags) - set(tr.tags))
        extra = sorted(set(tr.tags) - set(src.tags))
        return [_finding("qa.html-form", f"HTML tags spelled differently: {', '.join(missing)} -> {', '.join(extra)}")]
    return []


def _check_extensions(src: _Inline, tr: _Inline) -> list[Finding]:
    """DocFX syntax added (the sanitizer shows it as text: it could paste a page, a file or a
    frame into the page), changed or lost (an include, an alert the page no longer has)."""
    added = list((Counter(tr.extensions) - Counter(src.extensions)).elements())
    lost = list((Counter(src.extensions) - Counter(tr.extensions)).elements())
    findings = []
    if added:
        findings.append(_finding("qa.docfx", f"DocFX syntax not in the source: {', '.join(added)} "
                                             "(the page shows it as text)"))
    if lost:
        findings.append(_finding("qa.docfx", f"DocFX syntax missing from the translation: {', '.join(lost)}"))
    return findings


def _check_comments(src: _Inline, tr: _Inline) -> list[Finding]:
    """A comment the msgid lacks, word for word; one it has but the msgstr lacks is fine."""
    added = list((Counter(tr.comments) - Counter(src.comments)).elements())
    if not added:
        return []
    return [_finding("qa.comment", f"comment not in the source, left out of the page: {', '.join(added)} "
                     "(comments are writers' notes, never shown: keep each exactly as in the source, or remove it)")]


def _check_table(tr: _Inline, msgstr: str) -> list[Finding]:
    findings: list[Finding] = []
    if "\n" in msgstr or "\r" in msgstr:
        findings.append(_finding("qa.table-newline", "newline in a table cell"))
    pipes = len(re.findall(r"(?<!\\)\|", re.sub(r"\\\\", "", tr.prose)))
    if pipes:
        findings.append(
            _finding("qa.table-pipe", f"{pipes} unescaped '|' outside code spans in a table cell (write '\\|')")
        )
    return findings


def _edge_whitespace(text: str) -> tuple[str, str]:
    stripped = text.strip()
    if not stripped:
        return text, ""
    start = text.index(stripped[0])
    return text[:start], text[start + len(stripped) :]


def _check_whitespace(msgid: str, msgstr: str) -> list[Finding]:
    s_lead, s_trail = _edge_whitespace(msgid)
    t_lead, t_trail = _edge_whitespace(msgstr)
    findings = []
    if s_lead != t_lead:
        findings.append(_finding("qa.whitespace", f"leading whitespace differs: {s_lead!r} -> {t_lead!r}"))
    if s_trail != t_trail:
        findings.append(_finding("qa.whitespace", f"trailing whitespace differs: {s_trail!r} -> {t_trail!r}"))
    return findings


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


def _yaml_double_quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")


def _check_front_matter(msgstr: str) -> list[Finding]:
    if "\n" in msgstr or "\r" in msgstr or "\u2028" in msgstr or "\u2029" in msgstr or "\x85" in msgstr:
        return [_finding("qa.yaml-newline", "line break in a front-matter value")]
    controls = sorted({f"U+{ord(c):04X}" for c in _CONTROL_RE.findall(msgstr)})
    if controls:
        return [_finding("qa.yaml-control", "control character(s) in a front-matter value: " + ", ".join(controls))]
    try:
        loaded = yaml.safe_load(f'key: "{_yaml_double_quoted(msgstr)}"\n')
    except yaml.YAMLError as exc:
        return [_finding("qa.yaml-value", f"front-matter value does not load as YAML: {exc}")]
    if loaded != {"key": msgstr}:
        return [_finding("qa.yaml-value", f"front-matter value loads back as {loaded!r}")]
    return []


def needs_quoting(value: str) -> bool:
    """True when ``key: value`` (plain scalar) would not load back as the string ``value``."""
    if value == "":
        return False
    try:
        loaded = yaml.safe_load(f"key: {value}\n")
    except yaml.YAMLError:
        return True
    return loaded != {"key": value}


@dataclass(frozen=True)
class _Source:
    """What the checks read of a msgid (the same in every locale, so worked out once)."""

    inline: _Inline
    emphasis: _Emphasis
    products: tuple[str, ...]  # the PRODUCT_NAMES it contains, in that order
    identifiers: tuple[str, ...]


@functools.lru_cache(maxsize=1024)
def _source(msgid: str, references: frozenset[str]) -> _Source:
    """A page's msgids are checked against each locale's msgstr in turn: parse each once."""
    inline = _parse_inline(msgid, references)
    return _Source(
        inline, _emphasis(inline.prose), tuple(n for n in PRODUCT_NAMES if _contains_term(inline.prose, n)),
        tuple(_identifiers(inline.prose)),
    )


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# letters drawn as nothing (Braille pattern blank, the Hangul fillers), which a translator
# can type where the other white space would be noticed
_BLANK_LETTERS = frozenset("\u2800\u3164\u115f\u1160\uffa0")


def _shows_nothing(shown: str, markup: bool) -> bool:
    """Whether a text without its comments (``_Inline.shown``) shows nothing: white space,
    format characters (zero-width spaces, joiners, bidi marks, soft hyphens) and blank letters
    only, character references decoded in ``markup``. A control character is something
    (``qa.control`` reports it)."""
    if markup and "&" in shown:
        shown = html.unescape(shown)
    return not _CONTROL_RE.search(shown) and all(
        c.isspace() or c in _BLANK_LETTERS or unicodedata.category(c) == "Cf" for c in shown)


# --------------------------------------------------------------------------- public API


def check_message(
    msgid: str,
    msgstr: str,
    *,
    in_table: bool,
    is_front_matter: bool,
    glossary: frozenset[str] = frozenset(),
    accepted: frozenset[str] = frozenset(),
    references: frozenset[str] = frozenset(),
    in_body: bool = False,
) -> list[Finding]:
    """Every finding of ``msgstr`` as a translation of ``msgid``, minus the accepted codes.

    ``references``: the link labels the page's reference definitions define
    (``reference_label``), which make a ``[label]`` in the text a link. ``in_body``: a
    front-matter value's msgid is a body segment's too (a title that is also the H1); only
    then is its emphasis and code checked, as a value alone is plain text, never Markdown."""
    if msgstr == "":
        return []
    source = _source(msgid, references)
    src = source.inline
    # a leading alert marker the msgid lacks is left out of the page (translated pages write
    # "> [!NOTE] Text" on one line, where the source has the marker outside the message)
    tr = _parse_inline(msgstr if is_front_matter else drop_alert_marker(msgid, msgstr), references)
    markup = not is_front_matter  # a front-matter value is plain text: "&nbsp;" is what it shows
    if _shows_nothing(tr.shown, markup) and not _shows_nothing(src.shown, markup):
        blank = [_finding("qa.blank", "the translation shows nothing (only white space, invisible characters, "
                                      "comments or an alert marker): the page would show nothing here")]
        return [f for f in blank if not _is_accepted(f.code, accepted)]
    findings: list[Finding] = []
    findings += _check_links(src, tr)
    if not is_front_matter or in_body:
        findings += _check_markup(src, tr, source.emphasis)
    findings += _check_tags(src, tr)
    if src.extensions or tr.extensions:
        findings += _check_extensions(src, tr)
    if tr.comments:
        findings += _check_comments(src, tr)
    findings += _check_terms(src.prose, tr.shown, glossary, source.products, source.identifiers)
    if in_table:
        findings += _check_table(tr, msgstr)
    elif "\n" in msgstr and _BLANK_LINE.search(msgstr) and not _BLANK_LINE.search(msgid):
        findings.append(_finding("qa.block-break", "blank line in translation splits the block"))
    if is_front_matter:
        findings += _check_front_matter(msgstr)
    elif _CONTROL_RE.search(msgstr):
        findings += _check_controls(msgid, msgstr)
    if _BIDI_RE.search(msgstr):
        findings += _check_bidi(msgid, msgstr)
    newlines = _check_po_newlines(msgid, msgstr)
    findings += newlines or _check_whitespace(msgid, msgstr)
    return [f for f in findings if f.code in _UNACCEPTABLE or not _is_accepted(f.code, accepted)]


# Findings no qa-accept line drops: the output or the catalog breaks, whatever anyone thinks.
_UNACCEPTABLE = frozenset({"qa.control", "qa.po-newline", "qa.yaml-newline", "qa.yaml-control", "qa.yaml-value"})


def _check_controls(msgid: str, msgstr: str) -> list[Finding]:
    added = sorted({f"U+{ord(c):04X}" for c in _CONTROL_RE.findall(msgstr) if c not in msgid})
    if not added:
        return []
    what = "control character " if len(added) == 1 else "control characters "
    return [_finding("qa.control", what + ", ".join(added) +
                     " in the translation (no HTML page can hold it)")]


# The bidi embeddings, overrides and isolates (and their pops): they reorder the characters
# a reader sees ("\u202eexe.txt" reads "txt.exe"), where the marks U+200E/U+200F only
# settle the direction of neutral characters, as right-to-left text needs.
_BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _check_bidi(msgid: str, msgstr: str) -> list[Finding]:
    """A warning, not an error: a right-to-left translation may need an isolate."""
    added = sorted({f"U+{ord(c):04X}" for c in (Counter(_BIDI_RE.findall(msgstr)) - Counter(_BIDI_RE.findall(msgid)))})
    if not added:
        return []
    what = "bidi control character " if len(added) == 1 else "bidi control characters "
    return [_finding("qa.bidi", what + ", ".join(added) + " not in the source: "
                     + ("it reorders" if len(added) == 1 else "they reorder")
                     + " the text shown (marks such as U+200F are fine)")]


def _check_po_newlines(msgid: str, msgstr: str) -> list[Finding]:
    """GNU msgfmt's rule: both begin with "\\n" or neither does, and the same for the end."""
    for where, test in (("begin", str.startswith), ("end", str.endswith)):
        if test(msgid, "\n") != test(msgstr, "\n"):
            return [_finding("qa.po-newline", f"the msgid and the msgstr do not both {where} with a newline "
                                              "(msgfmt refuses the catalog)")]
    return []


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when a build should fall back to the source text."""
    return any(f.severity == "error" for f in findings)


def _is_accepted(code: str, accepted: frozenset[str]) -> bool:
    if code in accepted:
        return True
    return any(a.endswith("*") and code.startswith(a[:-1]) for a in accepted)


def load_glossary(text: str) -> frozenset[str]:
    """Do-not-translate terms: one per line; blank lines and ``#`` comments ignored.

    A ``#`` starts a comment at the start of a line or after whitespace, so ``C#`` stays a
    term. Surrounding whitespace is stripped; inner spaces are kept (``Company Portal``).
    """
    terms = set()
    for line in text.splitlines():
        term = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        if term:
            terms.add(term)
    return frozenset(terms)


# polib gives the translator comment without its "# "; raw PO lines are accepted too.
# (blanks, not ``\s``: from each line start, ``\s*`` ran over every blank line that follows)
_ACCEPT_RE = re.compile(r"^[ \t]*(?:#[ \t]*)?qa-accept[ \t]*:(.*)$", re.I | re.M)


def accepted_codes(translator_comment: str) -> frozenset[str]:
    """Codes listed on ``qa-accept:`` lines of a PO translator comment (see module docstring)."""
    codes: set[str] = set()
    for m in _ACCEPT_RE.finditer(translator_comment):
        listed = re.split(r"\s--\s|\s#|^--|^#", m.group(1) + " ", maxsplit=1)[0]
        codes.update(c for c in re.split(r"[\s,]+", listed) if c)
    return frozenset(codes)
