"""Translations are untrusted: keep a msgstr's markup to what its msgid carries (pure).

In: a msgid, its msgstr and (optionally) the segment kind. Out: the msgstr with

- every ``<`` that does not open an HTML tag, comment, declaration or other ``<...>`` text
  carried by the msgid (same exact text, counted: placeholders such as ``<app_name>``,
  e-mail autolinks), nor is one of the msgid's ``<`` that no ``>`` closes (same opening,
  counted: ``![<tap-device-name](...)``, ``a < b``), escaped as ``&lt;``, so no tag,
  event-handler attribute or half-open tag a translator adds can reach a page as markup;
  plain ``<https://...>`` and ``<mailto:...>`` autolinks and link destinations in angle
  brackets (``[x](<a.md>)``) stay; inside code spans nothing is escaped (Markdown shows a
  code span's text as text);
- every complete comment ``<!-- ... -->`` the msgid does not carry (a writer's note the
  translator translated, or a note of the translator's own) left out: a comment is never
  text for readers, so escaping it would publish an internal note (``qa.comment`` warns);
- every Markdown link destination (inline ``[x](...)``, image, reference definition)
  whose scheme, after entity and backslash decoding and control-character stripping, is not
  ``http``, ``https``, ``mailto`` or one the msgid uses replaced by ``#blocked``
  (``javascript:``, ``JaVaScRiPt:``, ``&#106;avascript:``, ``data:``, ``vbscript:`` ...);
- for body segments (every kind but ``front-matter``): line breaks removed when the msgid
  has none, and added block syntax (a leading ``#``, ``>``, list marker, code fence, setext
  underline, table pipe, table delimiter row or link reference definition ``[label]:`` the
  msgid does not have) backslash-escaped, so a translation cannot open a code block that
  swallows the page, start a new block or take over the page's ``[text][label]`` links;
- for body segments: each DocFX extension the msgid does not have (``[!INCLUDE[..](file)]``,
  ``[!code-..[..](file)]``, ``[!VIDEO url]``, an alert marker; same keyword and file or
  argument, counted) opened ``[\\!`` so it shows as text, and a leading alert marker the
  msgid lacks left out;
- for the text of an HTML block (kind ``html``): no Markdown block can start inside the block,
  so nothing is backslash-escaped (a backslash there is shown); only the blank line that would
  end the block is kept out (``_keep_html_lines``). Its tags are held to the
  msgid's as everywhere, so a translation cannot close the block's elements or open others
  (``qa.html-tag`` rejects one whose tags differ); an attribute's value (``html-attribute``)
  goes through ``sanitize_attribute_value`` instead;
- for table cells: every unescaped ``|`` escaped (in a code span too, unless the source
  cell's code spans hold bare pipes), and a space put after a backslash the text ends with,
  so a translation cannot end its cell or escape the ``|`` that does. Elsewhere a ``|`` is
  text, and stays as written.

A translation can therefore reword, reorder and restyle (emphasis, code spans, links to
web pages), but never add live markup. The HTML renderer checks every URL again.

A front-matter value written back into the original format's YAML goes through
``sanitize_front_matter_value`` instead: there it is plain text, which its consumers (the docs
platform, our own HTML head) escape where it lands in a page, so ``&lt;`` would show as
``&lt;``; only its link destinations and the comments the msgid lacks are dealt with.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from .docfx import ALERT_KIND, COMMENT, DELIMITER_ROW, EXTENSION, extension_key

_ANGLE = re.compile(r"<[^<>\n]*>")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
# the name is atomic: backtracked ``-`` by ``-`` (``\b`` holds at each), ``[^<>]*`` ran to the
# end of the text each time; a shorter name cannot find a ``>`` the longest one did not
_ELEMENT = r"</?(?>([A-Za-z][A-Za-z0-9-]*)\b)[^<>]*+>"
_TAG = re.compile(rf"{_ELEMENT}|{COMMENT}|<[!?][^<>]*>", re.DOTALL)
# ``_TAG`` where no "-->" follows: an unclosed "<!--" searched to the end of the text, each one
_TAG_NO_COMMENT = re.compile(rf"{_ELEMENT}|<[!?][^<>]*>")
_OPENING = re.compile(r"<[/!?]?[\w-]*")  # what a '<' no '>' closes opens: '<img-name', '<!--', '<'
_COMMENT = re.compile(COMMENT, re.DOTALL)
# a URL autolink of a safe scheme, or an email autolink (CommonMark's rule: a mailto: link)
_AUTOLINK = re.compile(r"<(?:(?:https?|mailto):[^<>\s\"'`\x00-\x20\x7f]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
                       r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>",
                       re.IGNORECASE)
_DEST = re.compile(r"\]\(\s*(<[^<>\n]*>|<?[^)\s>]*)")  # in angle brackets whole: "<javascript:x()>"
# a reference definition's destination: its label may hold escaped brackets (``[a\]b]:``) and
# go on over lines, and the destination may stand on the line after it
# (no unescaped "[" in a label, as CommonMark and markdown-it read it: from each line's "[" the
# label ran to the end of the text)
_REF_DEF = re.compile(r"^[ \t]{0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*(?:(?:\r\n|\r|\n)[ \t]*)?<?([^\s>]+)",
                      re.MULTILINE | re.DOTALL)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_BLOCK_START = re.compile(
    r"^(?:#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|`{3,}|~{3,}|(?:=+|-+)[ \t]*$"
    r"|(?:[-*_][ \t]*){3,}$|\|)"
)
# a link reference definition's start: a label (on one line or more) and a colon
_DEFINITION = re.compile(r"[ \t]*\[(?:[^\[\]\\]|\\.)+\]:", re.DOTALL)
_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
_DELIMITER_ROW = re.compile(DELIMITER_ROW + "$")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_translation(msgid: str, msgstr: str, kind: str = "") -> str:
    """The msgstr with no markup, URL scheme or block syntax beyond what the msgid carries."""
    cleaned = _escape_tags(msgid, msgstr)
    cleaned = _neutralize_destinations(msgid, cleaned)
    if kind != "front-matter":
        body = _escape_extensions(msgid, drop_alert_marker(msgid, cleaned))
        # in an HTML block no Markdown block starts: only a blank line ends it
        cleaned = _keep_html_lines(msgid, body) if kind == "html" else _keep_block_structure(msgid, body)
    if kind in ("table-cell", "table-header"):
        cleaned = _escape_cell_pipes(msgid, cleaned)
    elif kind == "heading":
        cleaned = _CLOSING_HASHES.sub(r"\1\\\2", cleaned)
    return cleaned


# The end of an ATX heading that Markdown takes for its closing sequence and drops ("Guide C #"
# showed as "Guide C"): its first hash is escaped. Harmless in a setext heading.
_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+[ \t]*)$")


_ALERT_MARKER = re.compile(rf"[ \t]*\[!({ALERT_KIND})\][ \t]*(?:\r\n|\n|\r)?[ \t]*", re.IGNORECASE)


def drop_alert_marker(msgid: str, msgstr: str) -> str:
    """``msgstr`` without a DocFX alert marker opening it that the msgid does not open with.
    Translated pages often write the marker on the text's line (``> [!NOTE] Appuyez...``),
    where the source has it on a line of its own, outside the message: kept, it would show
    as text under the source's own marker."""
    found = _ALERT_MARKER.match(msgstr)
    if found is None or _ALERT_MARKER.match(msgid):
        return msgstr
    return msgstr[found.end():]


_EXTENSION = re.compile(EXTENSION)


def _escape_extensions(msgid: str, msgstr: str) -> str:
    """``msgstr`` with each DocFX extension the msgid does not have (the same keyword and file
    or argument, counted) opened ``[\\!``, which opens none: a translation's
    ``[!INCLUDE[..](page.md)]`` would paste another page into the page, ``[!code-..]`` a file,
    ``[!VIDEO url]`` a frame, an alert marker a block. Code spans show them as text already."""
    if "[!" not in msgstr:  # the common case
        return msgstr
    allowed = Counter(extension_key(m) for m in _outside_code(_EXTENSION, msgid))
    out: list[str] = []
    cursor = 0
    for found in _outside_code(_EXTENSION, msgstr):
        key = extension_key(found)
        if allowed[key] > 0:
            allowed[key] -= 1
            continue
        out.append(msgstr[cursor:found.start() + 1] + "\\")
        cursor = found.start() + 1
    return "".join(out) + msgstr[cursor:]


def _outside_code(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``pattern``'s matches in ``text`` but those that start in a code span."""
    code = [m.span() for m in _CODE_SPAN.finditer(text)] if "`" in text else []
    return [m for m in pattern.finditer(text) if not any(start < m.start() < end for start, end in code)]


def applied_text(msgid: str, msgstr: str, kind: str = "", quote: str = "") -> str | None:
    """What the build writes of a translation of a segment of ``kind`` (``quote``: an
    attribute value's), by the sanitizer of its kind; None when that is blank (white space, a
    comment or an alert marker left out): such a translation is never applied, whatever QA
    accepted (a line left blank ended an HTML block, a list, a setext heading)."""
    if kind == "front-matter":  # YAML text, not markup: no HTML escaping
        value = sanitize_front_matter_value(msgid, msgstr)
    elif kind == "html-attribute":  # an attribute's value: no markup, its quotes kept
        value = sanitize_attribute_value(msgid, msgstr, quote)
    else:
        value = sanitize_translation(msgid, msgstr, kind)
    return value if value.strip() else None


def sanitize_front_matter_value(msgid: str, msgstr: str) -> str:
    """The msgstr of a front-matter value as the original format's YAML carries it.

    YAML metadata is plain text, not Markdown or HTML: DocFX escapes ``title`` and
    ``description`` for its pages itself, as Jinja does for ours, so escaping ``<`` here
    escaped it twice (readers saw ``&lt;``). ``<`` and ``&`` stay as written; link
    destinations with unsafe schemes are still neutralized, and comments the msgid does
    not carry left out, as everywhere.
    """
    return _neutralize_destinations(msgid, _drop_comments(msgid, msgstr))


def url_scheme(url: str) -> str:
    """The scheme a browser would see in ``url`` (lower case; ``""`` for a relative URL).

    Entities and Markdown backslash escapes are decoded and the characters browsers skip
    (controls, blanks, soft hyphens, zero-width and bidi marks) removed first, so
    ``&#106;ava\\tscript:`` is ``javascript``.
    """
    decoded = _INVISIBLE.sub("", _BACKSLASH.sub(r"\1", html.unescape(url)))
    match = _SCHEME.match(decoded)
    return match.group(1).lower() if match else ""


_ELEMENT_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"'=<`]+))?)*)\s*/?\s*>")
_ATTRIBUTE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"'=<`]+)))?")


def _tag_key(tag: str) -> tuple | str:
    """What a tag means, for comparing a translation's tags with the msgid's: an element tag
    as (closing, name, sorted attributes), whatever its letter case, quotes, spacing or
    self-closing slash (``<br />``, ``<br>``, ``<BR/>`` are one tag); anything else as written."""
    found = _ELEMENT_TAG.fullmatch(tag)
    if found is None:
        return tag
    attributes = sorted((m.group(1).lower(), next((v for v in m.group(2, 3, 4) if v is not None), ""))
                        for m in _ATTRIBUTE.finditer(found.group(3)))
    return (found.group(1), found.group(2).lower(), tuple(attributes))


def _escape_tags(msgid: str, msgstr: str) -> str:
    """``msgstr`` with every tag the msgid does not have escaped into text. A tag the msgid
    has, spelled another way (``<br>`` for ``<br />``: ``qa.html-form``), is written as the
    msgid spells it: the same markup, in the source's own bytes."""
    if "<" not in msgstr:  # the common case: nothing that could open a tag
        return msgstr
    spellings: dict[tuple | str, list[str]] = {}
    for tag in [m.group(0) for m in _TAG.finditer(msgid)] + [
            m.group(0) for m in _ANGLE.finditer(msgid) if not _TAG.fullmatch(m.group(0))]:
        spellings.setdefault(_tag_key(tag), []).append(tag)
    for found in spellings.values():
        found.reverse()  # popped in the msgid's order
    # the msgid's '<'s that open no <...> text ('![<tap-device-name](...)', 'a < b'), by opening
    unclosed = Counter(_OPENING.match(msgid, m.start()).group(0) for m in re.finditer("<", msgid)
                       if not (_TAG.match(msgid, m.start()) or _ANGLE.match(msgid, m.start())))
    code = [m.span() for m in _CODE_SPAN.finditer(msgstr)]  # in order, apart: passed one by one
    ci = 0
    last_close = msgstr.rfind("-->")
    out: list[str] = []
    cursor = 0
    while True:
        at = msgstr.find("<", cursor)
        if at == -1:
            out.append(msgstr[cursor:])
            return "".join(out)
        out.append(msgstr[cursor:at])
        while ci < len(code) and code[ci][1] <= at:
            ci += 1
        span = code[ci] if ci < len(code) and code[ci][0] <= at else None
        if span is not None:  # code span text is shown as text
            out.append(msgstr[at:span[1]])
            cursor = span[1]
            continue
        destination = _angle_destination(msgstr, at)
        if destination:  # "[x](<a.md>)": the scheme is _neutralize_destinations' to check
            out.append(destination)
            cursor = at + len(destination)
            continue
        tag = (_TAG if at < last_close else _TAG_NO_COMMENT).match(msgstr, at) or _ANGLE.match(msgstr, at)
        same = spellings.get(_tag_key(tag.group(0))) if tag else None
        if tag and (same or _COMMENT.fullmatch(tag.group(0))):
            if same:
                out.append(same.pop())
            # else a comment the msgid lacks: left out, never shown as text
            while ci < len(code) and code[ci][0] < tag.end():  # a backtick in it opens no code span
                ci += 1
            cursor = tag.end()
            continue
        autolink = _AUTOLINK.match(msgstr, at)
        if autolink:
            out.append(autolink.group(0))
            cursor = autolink.end()
            continue
        opening = _OPENING.match(msgstr, at).group(0)
        if tag is None and unclosed[opening] > 0:  # the msgid's own unclosed '<'
            unclosed[opening] -= 1
            out.append("<")
            cursor = at + 1
            continue
        out.append("&lt;")
        cursor = at + 1


def _angle_destination(msgstr: str, at: int) -> str:
    """The link destination in angle brackets (``[x](<a.md>)``, CommonMark's way to write one
    with spaces or parentheses) that opens at ``at``, or ``""``. One that would be an HTML tag
    or declaration, should the link not form (no ``[`` before it), is none: it is escaped."""
    before = at  # where the blanks before it start (no copy of the text before it: quadratic)
    while before > 0 and msgstr[before - 1] in " \t":
        before -= 1
    if not msgstr.endswith("](", 0, before):
        return ""
    found = _ANGLE.match(msgstr, at)
    if found is None or found.group(0)[1:2] in ("!", "?", "/") or _ELEMENT_TAG.fullmatch(found.group(0)):
        return ""
    return found.group(0)


def _drop_comments(msgid: str, msgstr: str) -> str:
    if "<!--" not in msgstr:
        return msgstr
    allowed = Counter(_COMMENT.findall(msgid))

    def keep(match: re.Match[str]) -> str:
        if allowed[match.group(0)] > 0:
            allowed[match.group(0)] -= 1
            return match.group(0)
        return ""

    return _COMMENT.sub(keep, msgstr)


def _neutralize_destinations(msgid: str, msgstr: str) -> str:
    if "](" not in msgstr and "]:" not in msgstr:  # no link destination or reference definition
        return msgstr
    source = {_dest_scheme(d) for d in _DEST.findall(msgid) + _REF_DEF.findall(msgid)} - {""}
    allowed = SAFE_SCHEMES | source

    def neutralize(match: re.Match[str]) -> str:
        scheme = _dest_scheme(match.group(1))
        if scheme and scheme not in allowed:
            start, end = match.span(1)
            whole = match.group(0)
            return whole[: start - match.start()] + "#blocked" + whole[end - match.start():]
        return match.group(0)

    return _REF_DEF.sub(neutralize, _DEST.sub(neutralize, msgstr))


def _dest_scheme(destination: str) -> str:
    # a "<" escaped by _escape_tags may sit before the scheme: judge what follows it too
    return url_scheme(re.sub(r"^(?:<|&lt;)+", "", destination.strip()))


def _keep_block_structure(msgid: str, msgstr: str) -> str:
    if not _NEWLINE.search(msgid):
        msgstr = _NEWLINE.sub(" ", msgstr)
    source_starts: set[str] | None = None  # the msgid's block markers, read when needed
    source_rows: bool | None = None  # whether the msgid has a table delimiter row, read when needed
    # a continuation line may keep an indentation that one of the msgid's continuation lines
    # has (inside a paragraph it is text, and what the source has is not the translator's to
    # lose); any other is dropped, and the first line's always (at a line start: code)
    indents = {line[:len(line) - len(line.lstrip(" \t"))] for line in _NEWLINE.split(msgid)[1:]}
    lines = []
    given = _NEWLINE.split(msgstr)
    definitions = _definition_lines(given)
    if definitions and _definition_lines(_NEWLINE.split(msgid)):
        definitions = set()  # the msgid defines a reference itself: the translation may too
    for number, line in enumerate(given):
        stripped = line.lstrip(" \t")
        if number in definitions:
            stripped = "\\" + stripped
        match = _BLOCK_START.match(stripped)
        if match:
            if source_starts is None:
                source_starts = {m.group(0)[:1] for line in _NEWLINE.split(msgid)
                                 if (m := _BLOCK_START.match(line.lstrip(" \t")))}
            if match.group(0)[:1] not in source_starts:
                stripped = _escape_marker(stripped)
        if "|" in stripped and _DELIMITER_ROW.match(stripped):  # under a line of cells: a table
            if source_rows is None:
                source_rows = any("|" in line and _DELIMITER_ROW.match(line.lstrip(" \t"))
                                  for line in _NEWLINE.split(msgid))
            if not source_rows:
                stripped = "\\" + stripped
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        lines.append(indent + stripped if number and indent and indent in indents else stripped)
    return "\n".join(lines)


def _definition_lines(lines: list[str]) -> set[int]:
    """The numbers of the ``lines`` that open a link reference definition (``[label]:``, the
    label maybe going on over lines). A translation must not add one: it would leave the
    paragraph out of the page and, the first definition of a label winning, take over the
    page's own ``[text][label]`` links."""
    if not any("]:" in line for line in lines):  # the common case: no definition at all
        return set()
    text = "\n".join(lines)
    found = set()
    offset = 0
    for number, line in enumerate(lines):
        if line.lstrip(" \t")[:1] == "[" and _DEFINITION.match(text, offset):
            found.add(number)
        offset += len(line) + 1
    return found


def _escape_cell_pipes(msgid: str, msgstr: str) -> str:
    """A table cell's ``msgstr`` with its unescaped ``|`` escaped, and a space after a backslash
    it ends with, so it cannot escape the ``|`` that ends the cell: the msgid has none outside
    code spans (it would have ended the cell). Inside a code span GFM (our HTML) ends the cell
    at a bare ``|`` too, so there it is escaped unless the source cell writes bare pipes in its
    code spans (as the docs platform, which reads a code span first, allows): the translation
    follows the source."""
    if msgstr.endswith("\\"):
        # a backslash the text ends with would escape what follows it in the row: GFM reads any
        # backslash before a '|' as escaping it (the cell merged with the next, or the row lost
        # a cell and the whole table was gone), and one before the '<br />' of the next piece
        # showed the tag as text. After a space it escapes nothing (the cell's text is trimmed).
        msgstr += " "
    if "|" not in msgstr:
        return msgstr
    bare_in_code = any(_PIPE.search(m.group(0)) for m in _CODE_SPAN.finditer(msgid))
    code = [m.span() for m in _CODE_SPAN.finditer(msgstr)] if bare_in_code else []

    def escape(match: re.Match[str]) -> str:
        at = match.end() - 1
        if any(start <= at < end for start, end in code):
            return match.group(0)
        return match.group(1) + "\\|"

    return _PIPE.sub(escape, msgstr)


def _escape_marker(line: str) -> str:
    digits = re.match(r"\d+", line)
    if digits:  # "1." -> "1\." keeps the number and drops the list
        return line[: digits.end()] + "\\" + line[digits.end():]
    return "\\" + line


def sanitize_attribute_value(msgid: str, msgstr: str, quote: str) -> str:
    """A translated attribute value as its quotes can hold it: line breaks as spaces (a blank
    line would end the HTML block), ``<`` and ``>`` and the quote as character references,
    and a DocFX extension the msgid lacks opened ``&#91;`` (the build pastes includes even in
    attributes). An unquoted value's translation is written in double quotes (``quote`` is
    then ""), which the caller adds."""
    value = _NEWLINE.sub(" ", msgstr).replace("<", "&lt;").replace(">", "&gt;")
    if quote == "'":
        value = value.replace("'", "&#39;")
    else:
        value = value.replace('"', "&quot;")
    if "[!" in value and "[!" not in msgid:
        value = value.replace("[!", "&#91;!")
    return value


def _keep_html_lines(msgid: str, msgstr: str) -> str:
    """A translated run of an HTML block on the msgid's lines: on one line when the msgid is
    one, else without the blank lines that would end the block (an HTML block ends at a blank
    line; everything else in it is the block's: no Markdown marker there to escape). A run
    blank once sanitized would leave its line blank: ``render`` never applies one."""
    if not _NEWLINE.search(msgid):
        return _NEWLINE.sub(" ", msgstr)
    return "\n".join(line for line in _NEWLINE.split(msgstr) if line.strip(" \t\f"))
