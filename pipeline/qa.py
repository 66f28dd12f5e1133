"""Quality checks of one translated message against its msgid.

In: a msgid (the source segment, inline Markdown kept verbatim), its msgstr, where the
segment lands (a table cell, a front-matter value or ordinary body text), a do-not-translate
glossary and the finding codes the translator accepted. Out: a list of ``Finding`` records,
in a stable order. Nothing here reads files or prints; ``load_glossary`` and
``accepted_codes`` parse text the caller has read. ``qainline`` pulls the inline Markdown of
a message apart and ``qachecks`` holds the checks, one by one (and ``Finding``, ``CODES``);
this module runs them in order and drops the findings a translator accepted.

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
                                 ``svg``/``math`` included) differ in number or kind, or in
                                 their attributes (names or values: the sanitizer would show
                                 such a tag as text); ``<tenant name>``-like placeholders are prose
qa.html-form           warning   same tags, different spelling (``<br />`` -> ``<br>``, quotes,
                                 letter case, attribute order)
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
leading ``@``, ``*``, ``&``, ``!``, a ``: `` or `` #`` inside, or a value like ``yes`` or
``2016-13-01`` (a date, to YAML, and not a valid one) are *not* findings; only what no quoting
can carry on one line is (a newline, control characters). ``needs_quoting`` and the renderer
ask ``yamlscalar.reads_back_plain`` whether a plain scalar would load back as the same string.

Acceptance marker (like a linter's ``noqa``): a line in the PO translator comment (``# ...``)
of the form::

    # qa-accept: qa.link-target qa.link-fragment -- the French page has its own anchor

``qa-accept:`` (case-insensitive, at the start of the line after optional spaces) is followed
by codes separated by spaces or commas; anything after `` -- `` or `` # `` is a free-text
reason. Several such lines add up. A code ending in ``*`` accepts every code with that
prefix (``qa.link-*``); ``qa.*`` accepts everything. Accepted findings are dropped by
``check_message``; ``accepted_codes`` only parses, it does not validate codes against
``CODES``. What breaks an output or the catalog whatever anyone thinks of it (``qa.control``,
``qa.po-newline``, ``qa.yaml-*``, ``qa.blank`` of a translation blank once sanitized: the build
never applies one) cannot be accepted.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable


from .qachecks import (CODES, Finding, _BIDI_RE, _CONTROL_RE, _check_bidi, _check_comments, _check_controls,
                       _check_extensions, _check_front_matter, _check_links, _check_markup, _check_po_newlines,
                       _check_table, _check_tags, _check_terms, _check_whitespace, _contains_term, _finding,
                       _identifiers)
from .qainline import _Emphasis, _Inline, _emphasis, _parse_inline, reference_label
from .sanitize import drop_alert_marker, sanitize_front_matter_value, sanitize_translation
from .yamlscalar import reads_back_plain

__all__ = [
    "CODES",
    "PRODUCT_NAMES",
    "Finding",
    "accepted_codes",
    "check_message",
    "has_errors",
    "load_glossary",
    "needs_quoting",
    "reference_label",
]


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


def _blank_once_sanitized(msgid: str, msgstr: str, is_front_matter: bool) -> bool:
    """Whether what the build would write of ``msgstr`` is white space only (a comment or an
    alert marker it leaves out, blanks): such a translation is never applied (a blank line
    ended an HTML block or a list), so its ``qa.blank`` cannot be accepted."""
    cleaned = sanitize_front_matter_value(msgid, msgstr) if is_front_matter else sanitize_translation(msgid, msgstr)
    return not cleaned.strip()


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
        if _blank_once_sanitized(msgid, msgstr, is_front_matter):
            return blank  # the build never applies it (``render``), whatever was accepted
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


def needs_quoting(value: str) -> bool:
    """True when ``key: value`` (plain scalar) would not load back as the string ``value``:
    the renderer then quotes it (``yamlscalar.reads_back_plain`` answers for both)."""
    return value != "" and not reads_back_plain(value)
