"""The QA checks, one by one: what differs between a msgid and its msgstr.

In: what each check compares, the msgid's and the msgstr's inline parts (``qainline``'s
``_Inline``, and the msgid's ``_Emphasis``) or their text. Out: a list of ``Finding``
records, in a stable order, each with its code's severity (``CODES``). Pure. Which checks
run, in which order, and which findings a translator accepted is decided by
``qa.check_message``; the codes are described in the docstring of ``pipeline.qa``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

import yaml

from .qainline import _Emphasis, _Inline, _emphasis
from .sanitize import _tag_key


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


# A finding is one line of a report; what it quotes of a translation is not bounded (20,000
# ``[!INCLUDE[`` made a line of 240,000 characters), so its message is cut, with an ellipsis.
MESSAGE_LIMIT = 300


def _finding(code: str, message: str) -> Finding:
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1].rstrip() + "\u2026"
    return Finding(CODES[code], code, message)


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


def _tag_kind(tag: str) -> str:
    m = re.match(r"<(/?)([A-Za-z0-9]+)", tag)
    assert m is not None
    return f"<{m.group(1)}{m.group(2).lower()}>"


def _nesting_error(tags: Iterable[str]) -> str | None:
    """How ``tags`` (in text order) fail to nest (None: they do): an end tag that closes no
    open element of its name, or ends in the wrong order; void elements need no end."""
    from .htmlblocks import VOID_TAGS

    open_: list[str] = []
    for tag in tags:
        kind = _tag_kind(tag)
        name = kind.strip("</>")
        if kind.startswith("</"):
            if not open_ or open_[-1] != name:
                return f"'</{name}>' closes no open <{name}>" if name not in open_ else \
                    f"'</{name}>' before '</{open_[-1]}>'"
            open_.pop()
        elif name not in VOID_TAGS and not tag.endswith("/>"):
            open_.append(name)
    return None


def _check_tags(src: _Inline, tr: _Inline) -> list[Finding]:
    if src.tags == tr.tags:  # the common case (no tags at all, mostly)
        return []
    if _nesting_error(src.tags) is None and (problem := _nesting_error(tr.tags)) is not None:
        return [_finding("qa.html-tag", f"HTML tags out of order: {problem}")]
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
        if Counter(map(_tag_key, src.tags)) != Counter(map(_tag_key, tr.tags)):
            # other attributes (a class, a target): the sanitizer shows such a tag as text, which
            # in an HTML block leaves its elements unbalanced (htmlblocks)
            return [_finding("qa.html-tag", f"HTML tags differ in their attributes: {', '.join(missing)} -> "
                                            f"{', '.join(extra)}")]
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
