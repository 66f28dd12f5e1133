"""Pseudo-localization of one msgid, no PO file needed.

In: the text of a segment (inline Markdown kept verbatim, as in the msgid). Out: the same
text as the pseudo-locale ``qps-ploc`` shows it, or ``qps-plocm`` with ``mirrored=True``.
Pure and deterministic: the same input always gives the same output.

``qps-ploc`` (Microsoft's base pseudo-locale, LCID 0x0501)
    Letters get accents (``a`` -> ``å``, ``T`` -> ``Ţ``) so that text which escaped
    localization stands out while staying readable; the text grows by at least 35% (a
    padding of accented filler words, counted on the translatable letters, not on markup),
    because translations are longer than English; and it is bracketed ``[!! … !!]`` so that
    truncation and concatenated strings show. Leading and trailing white space stay outside
    the brackets, and so do the outer pipes of a text that starts with one (a paragraph of
    pipe rows stays a paragraph).

``qps-plocm`` (Microsoft's mirrored, right-to-left pseudo-locale, LCID 0x09FF)
    Microsoft documents the locale but not a string transform for it. We do what Android's
    ``ar-XB`` pseudo-locale does (aapt's ``PseudoMethodBidi``): on top of ``qps-ploc``, every
    word of translatable text is wrapped as RLM RLO *word* PDF RLM (U+200F U+202E … U+202C
    U+200F). The characters stay in logical order (search, copy and the QA checks see real
    letters), but a browser shows each word reversed and the words flowing right to left, as
    an RTL language would. Render the page with ``dir="rtl"`` (and ``lang="qps-plocm"``) to
    test mirrored layout. Markup is outside the wrappers, so ``**`` still pairs (the
    controls are neither white space nor punctuation for CommonMark's flanking rules).

Never changed: Markdown markup characters (they are not letters), code spans, link and
image destinations and titles, autolinks and bare URLs, HTML tags and comments (which also
covers placeholders such as ``<tenant name>``), entities (``&gt;``), DocFX syntax
(``[!NOTE]``, ``[!INCLUDE[name](path)]``, ``[!div ...]``), backslash escapes, placeholders
(``{0}``, ``{name}``, ``{{ var }}``, ``%s``, ``%(name)s``, ``${var}``, ``{#anchor}``) and
identifiers: CamelCase words such as error codes (``DeviceCapReached``, also ``iOS``),
snake_case, dotted names (``Info.plist``) and hex numbers; and the product names that
``qa.PRODUCT_NAMES`` lists (``Intune``, ``Windows``), which a real translation keeps too. So
``qa.check_message(text, pseudolocalize(text))`` finds nothing (the mirrored form but its
deliberate right-to-left overrides, the ``qa.bidi`` warning): the pseudo-locale exercises
the build like a perfect translation would. Link text and image alt text
*are* pseudo-localized: they are what a translator translates.
"""

from __future__ import annotations

import math
import re

from .docfx import ALERT_KIND
from .qa import PRODUCT_NAMES

__all__ = ["ACCENTED", "pseudolocalize"]

ACCENTED: dict[str, str] = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
        strict=True,
    )
)

# Filler words ("lorem ipsum"), cut to the length the padding needs. Their accents are
# deliberately not those of ACCENTED, so padding and text can be told apart.
_FILLER = "ĺőȓȇṃ ȋṗṡȗṃ ḍőĺőȓ ṡȋṭ ȁṃȇṭ ḉőṅṡȇḉṭȇṭȗȓ ȁḍȋṗȋṡḉȋṅǵ ȇĺȋṭ ṡȇḍ ḍő ȇȋȗṡṃőḍ ṭȇṃṗőȓ "

_RLM, _RLO, _PDF = "\u200f", "\u202e", "\u202c"

_PROTECTED = re.compile(
    "|".join(
        [
            r"(?P<code>`+)[\s\S]*?(?<!`)(?P=code)(?!`)",  # code span
            r"<!--[\s\S]*?-->",  # HTML comment
            r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>",  # autolink
            r"</?[A-Za-z][^<>]*>",  # HTML tag or <placeholder>
            r"\[!INCLUDE\s*\[[^\]]*\]\([^)]*\)\]",  # DocFX include
            r"\[![A-Za-z]+\b[^\[\]]*\]",  # DocFX [!NOTE], [!div class="x"]
            # link/image destination and title: ](dest "title") or reference ][label]
            r"\]\(\s*(?:<[^<>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)",
            r"\]\[[^\[\]]*\](?!\()",
            r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);",  # entity
            r"(?:https?|ftp|mailto):[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]",  # bare URL
            r"\\[!-/:-@\[-`{-~]",  # backslash escape (ASCII punctuation only, as CommonMark)
            r"\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\w-]+\}|\{[A-Za-z0-9_.:-]*\}",  # placeholders
            r"%(?:\([A-Za-z_]\w*\))?[-+#0]*\d*(?:\.\d+)?[sdifxXeEgGr%]|\$\{?[A-Za-z_]\w*\}?",
            # identifiers: a token of name characters with a code hint in it: a CamelCase
            # hump (DeviceCapReached, iOS), snake_case, a dotted name (Info.plist), a path
            # (./Vendor/MSFT/VPNv2, HKLM\SYSTEM) or a hex number (0x80180014)
            r"[A-Za-z0-9_.:/\\-]*"
            r"(?:[a-z0-9][A-Z]|[A-Za-z0-9]_[A-Za-z0-9]|[A-Za-z0-9]\.[A-Za-z]|[A-Za-z0-9][/\\][A-Za-z0-9]"
            r"|(?<![A-Za-z0-9])0[xX][0-9A-Fa-f])[A-Za-z0-9_.:/\\-]*",
            # product names stay as they are, as in a real translation (qa.PRODUCT_NAMES)
            r"(?<![A-Za-z0-9_])(?:"
            + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in PRODUCT_NAMES)
            + r")(?![A-Za-z0-9_])",
        ]
    )
)


def _split(text: str) -> list[tuple[bool, str]]:
    """The text as (translatable, piece) runs, protected pieces kept whole."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for m in _PROTECTED.finditer(text):
        if m.start() > pos:
            parts.append((True, text[pos : m.start()]))
        parts.append((False, m.group(0)))
        pos = m.end()
    if pos < len(text):
        parts.append((True, text[pos:]))
    return parts


def _accent(piece: str) -> str:
    return "".join(ACCENTED.get(ch, ch) for ch in piece)


def _mirror(piece: str) -> str:
    # Words only: Markdown punctuation around them (``**``, ``[``, ``|``) stays outside.
    def wrap(m: re.Match[str]) -> str:
        word = m.group(0)
        return f"{_RLM}{_RLO}{word}{_PDF}{_RLM}" if any(c.isalpha() for c in word) else word

    # A word starts and ends with a letter or digit, so the characters next to markup keep
    # their kind (punctuation stays punctuation) and emphasis flanking is unchanged.
    return re.sub(r"[^\W_](?:[^\s*_~\[\]()|<>`!#]*[^\W_])?", wrap, piece)


def _padding(chars: int) -> str:
    need = max(1, math.ceil(chars * 0.35))
    times = need // len(_FILLER) + 1
    return (_FILLER * times)[:need].rstrip() or _FILLER[0]


# with the blanks and the line end after it (a hard break there stays one)
_DOCFX_MARKER = re.compile(rf"\[!(?:{ALERT_KIND}|div[^\]]*)\][ \t]*(?:\r\n|\n|\r)?[ \t]*",
                           re.IGNORECASE)


def _inside_pipes(lead: str, body: str, trail: str) -> tuple[str, str, str]:
    """A text between outer pipes (a paragraph of pipe rows whose header and delimiter rows do
    not agree, so no table) keeps them outside the brackets: ``[!! |a|b|`` would add a header
    cell, and with it a table the page does not have."""
    if len(body) > 1 and body.startswith("|"):
        lead, body = lead + "|", body[1:]
        if len(body) > 1 and body.endswith("|") and not body.endswith("\\|"):
            body, trail = body[:-1], "|" + trail
    return lead, body, trail


def pseudolocalize(text: str, *, mirrored: bool = False) -> str:
    """``text`` as ``qps-ploc`` shows it, or as ``qps-plocm`` when ``mirrored``."""
    if not text.strip():
        return text
    body = text.strip()
    lead = text[: text.index(body[0])]
    trail = text[len(lead) + len(body) :]
    marker = _DOCFX_MARKER.match(body)  # a DocFX marker opening the text must stay first to stay one
    if marker and marker.end() < len(body):
        lead, body = lead + marker.group(0), body[marker.end():]
    lead, body, trail = _inside_pipes(lead, body, trail)
    out: list[str] = []
    translatable_chars = 0
    for translatable, piece in _split(body):
        if not translatable:
            out.append(piece)
            continue
        translatable_chars += len(piece)
        accented = _accent(piece)
        out.append(_mirror(accented) if mirrored else accented)
    padding = _padding(translatable_chars)
    if mirrored:
        padding = _mirror(padding)
    return f"{lead}[!! {''.join(out)} {padding} !!]{trail}"
