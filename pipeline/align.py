"""Source page + translated page -> which translation goes with which segment (pure).

In: the source ``Document`` and the ``Document`` parsed from its existing translation (the
same ``load_document`` on both sides). Out: a ``PageAlignment``: for every source segment
its translated text and a verdict, ``aligned`` (safe to use), ``fuzzy`` (a best guess a
translator must review, with the reason) or ``empty`` (no counterpart); plus the
localization-only front-matter entries the translation adds.

How the two pages are matched, strongest anchor first:

- front-matter values by key;
- rows of error tables by error code (rows may be missing, added or reordered), then cells
  by column position and ``<br /><br />`` pieces in order;
- every other segment (headings, paragraphs, list items, table headers, cells of ordinary
  tables) by a global sequence alignment whose score rewards what survives translation:
  segment kind, heading level, table column, link targets, code spans, numbers, emphasis,
  and a plausible length ratio. Pairs whose markup disagrees, and pairs next to an added
  or dropped block that could as well have gone the other way, are ``fuzzy``: nothing is
  aligned silently when the structure disagrees.

Also here, the localization metadata a translated page carries and the source lacks: the
front-matter keys the localization tool adds (``translationtype``, ``ms.sourcegitcommit``,
``ms.openlocfilehash``) and its closing ``<!--HONumber=...-->`` comment. The import keeps
them in the PO header (``X-Front-Matter-Extra``, ``X-Body-Trailer``: ``encode_*``/
``decode_*``); the build puts them back with ``localize_output`` (pure).
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import Document, Segment
from .codespans import code_spans as _code_spans
from .pipetable import split_cells
from .source import KEY_LINE

ALIGNED, FUZZY, EMPTY = "aligned", "fuzzy", "empty"
EXTRA_HEADER = "X-Front-Matter-Extra"
TRAILER_HEADER = "X-Body-Trailer"

_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_THOUSANDS = re.compile(r"(?<=\d)[\u00a0\u202f ](?=\d{3}(?!\d))")
_NUMBER_WORDS = {  # English words a translation often writes as digits, and the reverse
    word: str(n) for n, words in enumerate((
        (), ("one", "first", "january"), ("two", "second", "february"), ("three", "third", "march"),
        ("four", "fourth", "april"), ("five", "fifth", "may"), ("six", "sixth", "june"),
        ("seven", "seventh", "july"), ("eight", "eighth", "august"), ("nine", "ninth", "september"),
        ("ten", "tenth", "october"), ("eleven", "november"), ("twelve", "december"))) for word in words}
_WORD = re.compile(r"[A-Za-z]+")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_STRONG = re.compile(r"\*\*|__")
_LOCALE_PART = re.compile(r"/[a-z]{2}-[a-z]{2,4}(?=/|$)")
_FENCE_LINE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_EOL = re.compile(r"\r\n|\n|\r")
_COMMENTED_KEY = re.compile(r"^[ \t]*#[ \t]*([A-Za-z_][\w.\-]*)[ \t]*:", re.MULTILINE)
_FEATURES = re.compile(r"[\d`]|\]\(|href|src", re.IGNORECASE)  # what _disagreement looks at

_AMBIGUITY_MARGIN = 0.35  # score gap under which an alternative pairing is as plausible
_MIN_PAIR_SCORE = 0.2  # below this, two segments are better left unpaired
_ANCHORED_RUN = 3  # on a page whose structure differs, shorter runs of pairs need evidence


@dataclass(frozen=True)
class Match:
    """One source segment and what the translated page offers for it."""

    segment: Segment
    translation: str = ""
    status: str = EMPTY  # aligned | fuzzy | empty
    reason: str = ""


@dataclass(frozen=True)
class PageAlignment:
    """Every source segment's match, in source order, and the translation's extra keys."""

    path: str
    matches: tuple[Match, ...]
    extras: tuple[tuple[str, str], ...] = ()
    trailer: str = ""  # e.g. "\n\n<!--HONumber=Jun16_HO4-->\n\n", the translation's own ending
    unmatched: int = 0  # translated segments no source segment took

    def count(self, status: str) -> int:
        return sum(1 for m in self.matches if m.status == status)


@dataclass(frozen=True)
class _Signature:
    """What of a segment survives translation, used to pair and to check pairs."""

    kind: str
    level: int  # heading level, table column, 0 otherwise
    links: tuple[str, ...]
    code: tuple[str, ...]
    numbers: frozenset[str]  # digit runs, leading zeros dropped ("06" and "6" are one number)
    required: frozenset[str]  # of those, the ones a translation must keep: 10 and up, versions
    spelled: frozenset[str]  # numbers the text names in words (English number and month names)
    strong: int
    length: int
    names: frozenset[str]  # capitalized words of the segment that both pages use (product names)

    @property
    def shape(self) -> tuple[str, int]:
        return self.kind, self.level


# -- public entry points --------------------------------------------------------------------


def align_documents(source: Document, translated: Document) -> PageAlignment:
    """Match every segment of ``source`` with its counterpart in ``translated``."""
    found: dict[int, Match] = {}
    used = 0
    src_front = [s for s in source.segments if s.kind == "front-matter"]
    tr_front = {s.key: s for s in translated.segments if s.kind == "front-matter"}
    for segment in src_front:
        other = tr_front.get(segment.key)
        if other is not None:
            found[id(segment)] = Match(segment, other.text, ALIGNED)
            used += 1
        else:
            found[id(segment)] = Match(segment, "", EMPTY, f"front matter: no '{segment.key}' value in the translation")

    src_rows = _keyed_rows(source)
    tr_rows = _keyed_rows(translated)
    for row_key, segments in src_rows.items():
        other_row = tr_rows.get(row_key)
        if other_row is None:
            for segment in segments:
                found[id(segment)] = Match(segment, "", EMPTY, f"row {row_key[0]} is not in the translated table")
            continue
        for match in _align_row(source, segments, translated, other_row):
            found[id(match.segment)] = match
            used += match.status != EMPTY

    keyed = {id(s) for rows in src_rows.values() for s in rows}
    tr_keyed = {id(s) for rows in tr_rows.values() for s in rows}
    src_body = [s for s in source.segments if s.kind != "front-matter" and id(s) not in keyed]
    tr_body = [s for s in translated.segments if s.kind != "front-matter" and id(s) not in tr_keyed]
    for match in _align_sequence(source, src_body, translated, tr_body):
        found[id(match.segment)] = match
        used += match.status != EMPTY

    matches = tuple(found[id(s)] for s in source.segments)
    return PageAlignment(
        path=source.path,
        matches=matches,
        extras=localization_extras(source, translated),
        trailer=localization_trailer(source, translated),
        unmatched=max(len(translated.segments) - used, 0),
    )


def choose_translations(matches: Iterable[Match]) -> dict[str, Match]:
    """One verdict per msgid: identical source texts share a PO entry.

    An aligned match beats a fuzzy one; when aligned matches disagree, the most frequent
    translation wins and the others are named in the reason.
    """
    by_id: dict[str, list[Match]] = defaultdict(list)
    for match in matches:
        by_id[match.segment.text].append(match)
    chosen: dict[str, Match] = {}
    for msgid, group in by_id.items():
        for status in (ALIGNED, FUZZY):
            candidates = [m for m in group if m.status == status]
            if candidates:
                break
        else:
            chosen[msgid] = group[0]
            continue
        votes = Counter(m.translation for m in candidates)
        best = max(votes, key=lambda t: (votes[t], -[m.translation for m in candidates].index(t)))
        winner = next(m for m in candidates if m.translation == best)
        others = [t for t in votes if t != best]
        if others:
            note = "; also translated elsewhere on the page as: " + " | ".join(_clip(t) for t in others)
            reason = (winner.reason + note) if winner.reason else note.lstrip("; ")
            winner = Match(winner.segment, winner.translation, winner.status, reason)
        chosen[msgid] = winner
    return chosen


# -- localization-only front matter -----------------------------------------------------------


def localization_extras(source: Document, translated: Document) -> tuple[tuple[str, str], ...]:
    """Front-matter entries only the translation has, as (key, raw YAML value text) in order."""
    if translated.front_matter is None:
        return ()
    # A key the source has in another letter case, or commented out (`#ms.custom:`), is the
    # source's key as a translation tool rewrote it (`MS.Custom:` on a German page), not one of
    # the tool's own: kept, the built page would hold both spellings.
    source_keys = set()
    if source.front_matter is not None:
        source_front = source.text[: source.front_matter.end]
        source_keys = {key.casefold() for key in _COMMENTED_KEY.findall(source_front)}
        source_keys.update(key.casefold() for key, _ in source.front_matter.values)
    raw = _raw_front_entries(translated.text[: translated.front_matter.end])
    return tuple((k, v) for k, v in raw if k.casefold() not in source_keys)


def _raw_front_entries(front_text: str) -> list[tuple[str, str]]:
    lines = _EOL.split(front_text.lstrip("\ufeff"))
    entries = []
    for line in lines[1:]:
        if _FENCE_LINE.match(line):
            break
        match = KEY_LINE.match(line)
        if match:
            entries.append((match.group(1), match.group(2)))
    return entries


def encode_extras(extras: Sequence[tuple[str, str]]) -> str:
    """The PO header value for ``X-Front-Matter-Extra``: an ordered JSON object on one line."""
    return json.dumps(dict(extras), ensure_ascii=False, separators=(", ", ": "))


def decode_extras(metadata: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The extra front-matter entries stored in a PO header (``()`` when none or unreadable)."""
    value = metadata.get(EXTRA_HEADER, "")
    if not value:
        return ()
    try:
        data = json.loads(value)
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple((str(k), str(v)) for k, v in data.items())


def localized_front_matter(front_text: str, extras: Sequence[tuple[str, str]]) -> str:
    """``front_text`` (a page's front matter, fences included) with ``key: value`` lines added.

    Each entry is written as given (raw YAML value text) after the last top-level key line,
    with the front matter's own line ending; a key the front matter already has is
    replaced in place instead. Empty ``front_text`` or no extras give ``front_text`` back.
    """
    if not front_text or not extras:
        return front_text
    lines = front_text.splitlines(keepends=True)
    eol_match = _EOL.search(front_text)
    eol = eol_match.group(0) if eol_match else "\n"
    pending = dict(extras)
    last_key = 0
    closing = len(lines)
    for index, line in enumerate(lines[1:], start=1):
        body = line.rstrip("\r\n")
        if _FENCE_LINE.match(body):
            closing = index
            break
        match = KEY_LINE.match(body)
        if match:
            last_key = index
            if match.group(1) in pending:
                lines[index] = f"{match.group(1)}: {pending.pop(match.group(1))}{line[len(body):]}"
    if not pending:
        return "".join(lines)
    at = last_key + 1 if last_key else closing
    added = [f"{k}: {v}{eol}" if v else f"{k}:{eol}" for k, v in pending.items()]
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += eol
    return "".join(lines[:at] + added + lines[at:])


def localization_trailer(source: Document, translated: Document) -> str:
    """The translated page's closing HTML comments (``<!--HONumber=Jun16_HO4-->``) and the
    whitespace around them, exactly, when the source does not end with the same comments."""
    tail = _closing_comments(translated.text)
    own = _closing_comments(source.text).split()
    if not tail.strip() or own == tail.split():
        return ""
    for closing in re.finditer("-->", tail):  # the source's own closing comments, kept by the
        if tail[: closing.end()].split() == own:  # translation before its marker, stay the source's
            return tail[closing.end() :]
    return tail


def _closing_comments(text: str) -> str:
    end = len(text)
    cut = end
    while True:
        stripped = text[:cut].rstrip(" \t\r\n")
        if not stripped.endswith("-->"):
            break
        opening = stripped.rfind("<!--")
        if opening < 0:
            break
        cut = opening
    if cut == end:
        return ""
    return text[len(text[:cut].rstrip(" \t\r\n")) :]


def localized_body(body: str, trailer: str) -> str:
    """``body`` ending with ``trailer`` in place of its own trailing blank lines."""
    if not trailer:
        return body
    return body.rstrip(" \t\r\n") + trailer


def encode_trailer(trailer: str) -> str:
    """The PO header value for ``X-Body-Trailer``: a JSON string (line endings escaped)."""
    return json.dumps(trailer, ensure_ascii=False)


def decode_trailer(metadata: Mapping[str, str]) -> str:
    try:
        value = json.loads(metadata.get(TRAILER_HEADER, "") or '""')
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def localize_output(front: str, body: str, metadata: Mapping[str, str]) -> tuple[str, str]:
    """For the build: (front matter, body) of a translated page with the localization
    metadata its PO header carries put back: extra front-matter keys and the trailer."""
    return localized_front_matter(front, decode_extras(metadata)), localized_body(body, decode_trailer(metadata))


# -- error tables ------------------------------------------------------------------------------


def _keyed_rows(document: Document) -> dict[tuple[str, int], list[Segment]]:
    """Table-cell segments of error-code rows, by (code, n-th row with that code)."""
    rows: dict[tuple[str, int], list[Segment]] = {}
    seen: Counter[str] = Counter()
    last_line: dict[str, int] = {}
    for segment in document.segments:
        if segment.kind != "table-cell" or not segment.key:
            continue
        if last_line.get(segment.key) != segment.line:
            seen[segment.key] += 1
            last_line[segment.key] = segment.line
        rows.setdefault((segment.key, seen[segment.key]), []).append(segment)
    return rows


def _align_row(source: Document, segments: list[Segment], translated: Document,
               others: list[Segment]) -> list[Match]:
    """Cells by column, then ``<br /><br />`` pieces in order; unequal piece counts are fuzzy."""
    src_cells = _by_column(source, segments)
    tr_cells = _by_column(translated, others)
    matches = []
    for column, pieces in src_cells.items():
        other = tr_cells.get(column, [])
        code = pieces[0].key
        if not other:
            matches.extend(Match(p, "", EMPTY, f"row {code}: this cell has no text in the translation")
                           for p in pieces)
            continue
        reason = ""
        if len(other) != len(pieces):
            reason = (f"row {code}: the cell has {len(pieces)} segment(s) in the source and "
                      f"{len(other)} in the translation")
        for index, piece in enumerate(pieces):
            if index >= len(other):
                matches.append(Match(piece, "", EMPTY, reason))
                continue
            text = other[index].text if index < len(pieces) - 1 or len(other) == len(pieces) else \
                "<br /><br />".join(o.text for o in other[index:])
            problem = reason or _disagreement(_signature(source, piece), _signature(translated, other[index]))
            matches.append(Match(piece, text, FUZZY if problem else ALIGNED,
                                 (f"row {code}: {problem}" if problem and not reason else problem)))
    return matches


def _by_column(document: Document, segments: list[Segment]) -> dict[int, list[Segment]]:
    cells: dict[int, list[Segment]] = defaultdict(list)
    for segment in segments:
        cells[_column_of(document, segment)].append(segment)
    return dict(cells)


def _column_of(document: Document, segment: Segment) -> int:
    text = document.text
    line_start = max(text.rfind("\n", 0, segment.start), text.rfind("\r", 0, segment.start)) + 1
    match = _EOL.search(text, segment.start)
    line = text[line_start : match.start() if match else len(text)]
    column = segment.start - line_start
    for index, (a, b) in enumerate(_cells(line)):
        if a <= column <= b:
            return index
    return -1


@lru_cache(maxsize=4096)
def _cells(line: str) -> tuple[tuple[int, int], ...]:
    """``split_cells`` memoized: every cell of a row asks for the same line."""
    return tuple(split_cells(line))


# -- everything else: a global sequence alignment ---------------------------------------------------


def _shape(document: Document, segment: Segment) -> tuple[str, int]:
    """Kind and level: the heading level (7 for setext), the table column, a number naming an
    HTML block text's elements, or 0."""
    if segment.kind == "heading":
        line_start = max(document.text.rfind("\n", 0, segment.start), document.text.rfind("\r", 0, segment.start)) + 1
        head = document.text[line_start : segment.start].lstrip(" >\t")
        return segment.kind, len(head) - len(head.lstrip("#")) or 7
    if segment.kind in ("table-cell", "table-header"):
        return segment.kind, _column_of(document, segment) + 1
    if segment.kind in ("html", "html-attribute"):  # the elements (and attribute): an <h3> pairs with an <h3>
        return segment.kind, zlib.crc32(f"{segment.key} {segment.column_name}".encode())
    return segment.kind, 0


def _signature(document: Document, segment: Segment, names: frozenset[str] = frozenset(),
               shape: tuple[str, int] | None = None) -> _Signature:
    text = segment.text
    links = sorted(_normal_target(t) for t in _LINK_TARGET.findall(text) + _HREF.findall(text))
    code = sorted(_code_spans(text)[0])
    plain = _code_spans(_LINK_TARGET.sub("](", text))[1]
    numbers = _numbers(_ENTITY.sub(" ", plain))
    kind, level = shape or _shape(document, segment)
    return _Signature(
        kind=kind,
        level=level,
        links=tuple(links),
        code=tuple(code),
        numbers=frozenset(numbers),
        required=frozenset(n for n, must in numbers.items() if must),
        spelled=frozenset(_NUMBER_WORDS[w] for w in _WORD.findall(plain.lower()) if w in _NUMBER_WORDS),
        strong=len(_STRONG.findall(plain)),
        length=len(text),
        names=frozenset(w for w in _NAME.findall(plain) if w in names) if names else frozenset(),
    )


def _numbers(text: str) -> dict[str, bool]:
    """Each number in ``text`` -> whether a translation must keep it.

    ``4.0``, ``4,0``, ``10,000``, ``10 000`` and ``10.000`` all come out as their digit
    runs, so decimal and thousands separators may change; single digits may be spelled.
    """
    found: dict[str, bool] = {}
    for group in _NUMBER.findall(_THOUSANDS.sub("", text)):
        runs = re.split(r"[.,]", group)
        for run in runs:
            value = str(int(run))  # "06" is 6, and so is a full-width "６"
            found[value] = found.get(value, False) or len(value) > 1 or len(runs) > 1
    return found


def _shared_names(source: Document, translated: Document) -> frozenset[str]:
    """Capitalized Latin words found in both pages: names that survive translation."""
    found = [{w for w in _NAME.findall(d.text[d.body_start:]) if not w.islower()} for d in (source, translated)]
    return frozenset(found[0] & found[1])


def _normal_target(target: str) -> str:
    target = target.strip().replace("\\", "/").lower()
    target = target.split("#", 1)[0]
    return _LOCALE_PART.sub("", target)


def _disagreement(a: _Signature, b: _Signature) -> str:
    """Why two paired segments do not look like translations of each other ('' if they do)."""
    problems = []
    if a.links != b.links:
        problems.append(f"link targets differ ({len(a.links)} in the source, {len(b.links)} in the translation)")
    if a.code != b.code:
        problems.append("code spans differ")
    if not _numbers_agree(a, b):
        problems.append("numbers differ")
    return "; ".join(problems)


def _numbers_agree(source: _Signature, translation: _Signature) -> bool:
    """Numbers of 10 and more must survive; a translation may write small ones as words,
    and may write as digits what the source spells out (``two``, ``May``)."""
    return source.required <= translation.numbers <= source.numbers | source.spelled


def _similarity(a: _Signature, b: _Signature, ratio: float) -> float:
    """How plausible it is that ``b`` translates ``a`` (-inf when the shape differs)."""
    if a.shape != b.shape:
        return -math.inf
    score = 1.0
    for weight, x, y in ((1.5, a.links, b.links), (1.5, a.code, b.code), (1.0, sorted(a.names), sorted(b.names))):
        if x or y:
            score += weight * (2 * _overlap(x, y) - 1)
    if a.numbers or b.numbers:
        score += 0.75 if _numbers_agree(a, b) else -0.75
    if a.strong or b.strong:
        score += 0.25 if a.strong == b.strong else -0.25
    expected = math.log(ratio) if ratio > 0 else 0.0
    drift = abs(math.log((b.length + 8) / (a.length + 8)) - expected)
    return score - min(drift, 3.0)


def _overlap(x: Sequence[str], y: Sequence[str]) -> float:
    if not x and not y:
        return 1.0
    common = sum((Counter(x) & Counter(y)).values())
    return common / max(len(x), len(y))


def _align_sequence(source: Document, src: list[Segment], translated: Document,
                    tr: list[Segment]) -> list[Match]:
    shapes_a = [_shape(source, s) for s in src]
    shapes_b = [_shape(translated, s) for s in tr]
    if shapes_a == shapes_b:  # the usual case: one to one, each pair checked
        pairs: list[tuple[int | None, int | None]] = [(i, i) for i in range(len(src))]
        doubtful: dict[int, str] = {}
        problems = [_pair_problem(source, a, translated, b) for a, b in zip(src, tr)]
    else:
        names = _shared_names(source, translated)
        sa = [_signature(source, s, names, shape) for s, shape in zip(src, shapes_a)]
        sb = [_signature(translated, s, names, shape) for s, shape in zip(tr, shapes_b)]
        ratio = (sum(s.length for s in sb) + 1) / (sum(s.length for s in sa) + 1)
        pairs = _global_alignment(sa, sb, ratio)
        doubtful = _doubtful_pairs(pairs, sa, sb, ratio)
        problems = [_disagreement(sa[i], sb[j]) if i is not None and j is not None else "" for i, j in pairs]
    matches = []
    for (i, j), problem in zip(pairs, problems):
        if i is None:
            continue
        segment = src[i]
        if j is None:
            matches.append(Match(segment, "", EMPTY, "no counterpart in the translated page "
                                 "(a block added to the source or dropped by the translation)"))
            continue
        problem = "; ".join(p for p in (doubtful.get(i, ""), problem) if p)
        matches.append(Match(segment, tr[j].text, FUZZY if problem else ALIGNED, problem))
    return matches


def _pair_problem(source: Document, a: Segment, translated: Document, b: Segment) -> str:
    """``_disagreement`` of two segments, skipped when neither has links, code or digits."""
    if not _FEATURES.search(a.text) and not _FEATURES.search(b.text):
        return ""
    return _disagreement(_signature(source, a), _signature(translated, b))


def _doubtful_pairs(pairs: list[tuple[int | None, int | None]], sa: list[_Signature],
                    sb: list[_Signature], ratio: float) -> dict[int, str]:
    """Source index -> why its pairing is uncertain, on a page whose structure differs."""
    gaps = sum(1 for i, j in pairs if i is None or j is None)
    doubtful = {i: f"next to a block added or dropped ({gaps} unpaired segment(s) on the page); "
                   "the pairing could as well shift" for i in _ambiguous_pairs(pairs, sa, sb, ratio)}
    seen = Counter(name for signature in sa for name in signature.names)
    common = frozenset(name for name, count in seen.items() if count > max(2, len(sa) // 10))
    run: list[int] = []
    for k, (i, j) in enumerate(pairs + [(None, None)]):
        if i is not None and j is not None and (not run or pairs[run[-1]] == (i - 1, j - 1)):
            run.append(k)
            continue
        at_edge = bool(run) and (pairs[run[0]] == (0, 0) or pairs[run[-1]] == (len(sa) - 1, len(sb) - 1))
        if 0 < len(run) < _ANCHORED_RUN and not at_edge:
            for member in run:
                a, b = pairs[member]
                assert a is not None and b is not None
                if a not in doubtful and not _evidence(sa[a], sb[b], common):
                    doubtful[a] = (f"between blocks added or dropped ({gaps} unpaired segment(s) on the page); "
                                   "no link, code, number or name confirms the pairing")
        run = [k] if i is not None and j is not None else []
    return doubtful


def _evidence(a: _Signature, b: _Signature, common: frozenset[str]) -> bool:
    """True when something that survives translation confirms a pairing (names used all
    over the page, like the product's, confirm nothing)."""
    if (a.links and _overlap(a.links, b.links) >= 0.5) or (a.code and _overlap(a.code, b.code) >= 0.5):
        return True
    rare_a, rare_b = sorted(a.names - common), sorted(b.names - common)
    if rare_a and _overlap(rare_a, rare_b) >= 0.5:
        return True
    return bool(a.required) and _numbers_agree(a, b)


def _global_alignment(sa: list[_Signature], sb: list[_Signature], ratio: float) -> list[tuple[int | None, int | None]]:
    """Needleman-Wunsch with free gaps: the pairing of greatest total similarity."""
    n, m = len(sa), len(sb)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 pair, 1 skip source, 2 skip translation
    for i in range(1, n + 1):
        move[i][0] = 1
    for j in range(1, m + 1):
        move[0][j] = 2
    for i in range(1, n + 1):
        a = sa[i - 1]
        row, prev = score[i], score[i - 1]
        moves = move[i]
        for j in range(1, m + 1):
            best, how = prev[j], 1
            if row[j - 1] > best:
                best, how = row[j - 1], 2
            b = sb[j - 1]
            if a.kind == b.kind and a.level == b.level:
                s = _similarity(a, b, ratio)
                if s >= _MIN_PAIR_SCORE and prev[j - 1] + s >= best:
                    best, how = prev[j - 1] + s, 0
            row[j] = best
            moves[j] = how
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        how = move[i][j]
        if how == 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs


def _ambiguous_pairs(pairs: list[tuple[int | None, int | None]], sa: list[_Signature],
                     sb: list[_Signature], ratio: float) -> set[int]:
    """Source indexes of pairs that could as plausibly slide across a neighbouring gap.

    For a run of unpaired segments, the pair just before it could instead have paired its
    translation with the run's last source segment (or its source with the run's last
    translated segment); when that scores nearly as well, the pair is uncertain, and so
    on outwards until a pair clearly beats its alternative.
    """
    ambiguous: set[int] = set()
    k = 0
    while k < len(pairs):
        if pairs[k][0] is not None and pairs[k][1] is not None:
            k += 1
            continue
        end = k
        while end < len(pairs) and (pairs[end][0] is None or pairs[end][1] is None):
            end += 1
        gap_src = [i for i, j in pairs[k:end] if j is None]
        gap_tr = [j for i, j in pairs[k:end] if i is None]
        for chain, src_pool, tr_pool in (
            (pairs[k - 1 :: -1] if k else [], gap_src, gap_tr),
            (pairs[end:], gap_src, gap_tr),
        ):
            for i2, j2 in chain:
                if i2 is None or j2 is None:
                    break
                current = _similarity(sa[i2], sb[j2], ratio)
                alternatives = [_similarity(sa[g], sb[j2], ratio) for g in src_pool] + [
                    _similarity(sa[i2], sb[g], ratio) for g in tr_pool]
                if not alternatives or max(alternatives) < current - _AMBIGUITY_MARGIN:
                    break
                ambiguous.add(i2)
                src_pool = src_pool + [i2] if src_pool else []
                tr_pool = tr_pool + [j2] if tr_pool else []
        k = end
    return ambiguous


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
