"""Serialize a polib catalog byte for byte as GNU gettext's ``msgcat`` writes it.

In: a ``polib.POFile`` (header comment ``po.header``, header fields ``po.metadata``,
entries in order, obsolete entries anywhere). Out: the PO/POT text, as ``str``, that GNU
``msgcat`` (gettext 0.21 linked with libunistring 1.0, default options: page width 79,
no ``--indent``, no ``--escape``) prints for the same catalog, except that flags GNU
does not know are kept (see below). Writing our files this way makes them fixed points
of ``msgcat``/``msgmerge``/``msguniq`` (up to those flags), so diffs stay quiet.

polib's own ``__str__`` wraps with ``textwrap``; GNU wraps with libunistring's line
breaking (UAX #14 plus display width), which this module reimplements:

* ``_wrap`` follows ``wrap()`` in gettext-tools/src/write-po.c: the string is cut after
  each embedded newline; every piece is escaped (``\\\\ \\" \\a \\b \\f \\n \\r \\t \\v``)
  and broken as *escaped* text, never between a backslash and its letter nor right
  before a final ``\\n``; ``msgid ""`` comes first when the value holds a newline before
  its end, or when a break is needed.
* ``_line_breaks`` follows ``u8_possible_linebreaks_loop`` and
  ``u8_width_linebreaks_internal`` of libunistring 1.0: break opportunities from the
  UAX #14 pair table (spaces, hyphens, ideographs, no break at U+00A0/U+202F...), then a
  greedy fit by display width (East Asian wide = 2 columns, combining marks = 0).
* Flags are normalized as GNU does: ``fuzzy`` first (dropped when msgstr is empty), then
  known ``*-format`` flags in gettext's fixed language order, ``range:``, ``no-wrap``.
  GNU drops every flag it does not know (``md-text``, Weblate's Markdown flag, which our
  earlier versions wrote); so do we, so a file we write is one msgcat leaves unchanged.
* Obsolete entries go last, as ``#~``; GNU drops those whose msgstr is empty.

The two tables below were read out of the installed libunistring 1.0 (the pair table
``unilbrk_table`` and, per code point, the line-break class and ``uc_width`` for UTF-8);
tests/test_poformat.py checks them against that library and against real ``msgcat``.

Not reproduced: the no-break zones GNU adds inside the format directives (``%-g``,
``%(name)s``...) of entries flagged ``c-format``, ``python-format`` and the like; legacy
CJK charsets (EUC-JP, GBK...) where GNU counts ambiguous-width characters as 2 columns.
Catalogs are taken to be UTF-8 (or ASCII). Like GNU's own output, a comment line ending
in a backslash, or holding a carriage return, does not read back the same.
"""

from __future__ import annotations

import base64
import functools
import re
import zlib
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

if TYPE_CHECKING:
    import polib

__all__ = ["format_po", "PAGE_WIDTH"]

PAGE_WIDTH = 79
"""GNU's default ``--width``: PO lines, quotes included, stay within 79 columns."""

_INT_MAX = 2**31 - 1

# ---------------------------------------------------------------------------------------
# Line-breaking classes as numbered by libunistring 1.0. Values 0..32 index the pair
# table; 33..42 are resolved at run time.
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = range(33, 43)
_BA, _HY, _AL, _ID, _HL, _RI, _ZWJ = 3, 5, 20, 23, 28, 29, 30

# Row = class before the opportunity, column = class after it (same order as the rows).
# D: break allowed; I: break allowed only when spaces intervene; P: no break.
_PAIR_ROWS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  #  0 WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  #  1 GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  #  2 B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  #  3 BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",  #  4 BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  #  5 HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD",  #  6 CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD",  #  7 CP
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD",  #  8 CP_EA
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  #  9 EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # 10 IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # 11 NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # 12 OP
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # 13 OP_EA
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII",  # 14 QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",  # 15 IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # 16 NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD",  # 17 PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII",  # 18 PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD",  # 19 SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # 20 AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # 21 H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # 22 H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # 23 ID
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # 24 ID_EP
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD",  # 25 JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",  # 26 JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",  # 27 JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",  # 28 HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",  # 29 RI
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII",  # 30 ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",  # 31 EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",  # 32 EM
)
_PAIR = bytes(".DIP".index(c) for row in _PAIR_ROWS for c in row)
_NCLASS = len(_PAIR_ROWS)

# Per code point, (line-break class << 2) | display width, run-length encoded
# (varint run length, then the value byte), zlib-compressed, base64.
_CHAR_DATA = (
    "eNrtWU1sXFcV7v15P/Nm3tjjxIl/YsdJM27+nMRN82NoaKbFKU5L6ztqS4v0njppqSpRCUUtAgnF"
    "ClVQkSjoTQtIVCpogl3peoWERNUNqhCIBQhYQNUFi7JiwYKugAVq+b7znl07RBXsszhz77s/556/"
    "e865Z2qFaqiX9TX1zZFC/UC11YJyakkt4ndBzasp+TqnRgGfTTr6nHGqPekws6Smptimaly5sFDX"
    "JgoV4HvRLCmnB9g3EFwN7YBtCSMt5QKMmYGa343ZvYDfGy5rGU4OsHAQOVtudao14x4ulG0UkU2L"
    "2GlvHYhw1kdOecz7nYD3lIuKN/g1ixUnuCLVXpNoP1eAuALElNBWRewnL1tvL2tX9+GycWZRn0Nf"
    "5kz7iBstko5a1B1QVTwFRolcLZM9LVgs2qTDczmqimk3WWj/BDG4pk86+1ytECqxU3tV6KVd2KMw"
    "qpwBBFg9hN3j+NLCQ90FHoLwejn0cXHYjeG8mUL1TwO76pN6048Li57uk5oEdOg06bScjHjKBbT5"
    "XcBRysVATjybO0Gv130Cv2Ov+pay8YZYQC92LgZOlL2kidFrnupDZ7dh1ZsgmL3p6wIrsN4UBiMR"
    "dYOzI+IsKD3lkgpXTc5T23AFmxQGwFauI42UyRBPEepIVeTFuPzNud2KS6S1jeNIMG/nOAZdsho8"
    "GqHLotWVRWnpc9z4BmUgcsd3nzyX9IWQInVdo41Be7AczMQVlzBsP7zBHfUGCeGMkhZS4VXJg1AD"
    "7lq1UpOtrRiSLXxF5dnkilj64YYmShmhl1IT/Q05HxJLpe7VR3SDF8z1k2oX1i6GbkOqI+B2zJWa"
    "InWRo06xo29E8pA7ToVmKQ/X8CfW1Kpei1ath37W4lXouqPTttdrWA0IAGNVP5G1tVW1pmWcY+Gq"
    "2J63azM4z8It6JYKAKkKgjacCG4e9RUCLyQhd7iCeTgbgO5TWgfAVRN3HDaU6iLgLfQHaE8peCvC"
    "UkrE2oIsg7afW7OgIyQtoEmjJd3WxejbNbM6jPlU6NWrobRJx0g7K5IJRDon3JPPfObZx59bEtvR"
    "m96I/UNVu+8mc7z3C1X/Psebg5l0ErKegE09hpGQGk8/xFVKJ+hZx41/wJm0jms1QvfRr/kdVG5f"
    "pzWM6KLh00rp7N8lLEWrsZBcX9WpmoO4Ux4DU+UoxA5FOpqQbmOeom+La7Kq4NwTOAvCKvaLwAN/"
    "AdeF7ommjIvdL69ECMOw4mp0O+lMi2rr/uia9RNrNBS1hpm1MzQ2uTTancbppA3iWBVKYDbhWrJK"
    "ExeaAE3g2VvM47Ko/nFxf4G4wEAuYYzTqC4YTJrAodYc+nLBp51c+z77Rhz0Udmt5WLKWD/2B10M"
    "R8pVxgdwoLzkSecAsNTA8xGIvg4HSaWk2BPRjdOEgI+YKIu3lTtffF9Xipqt2rhS8QbsxdgptFR3"
    "U9Yoak20BHNocU0EQzep+i6o+6pmkArAS40xUyPmGsbdBY1waA7BsL8BKQTxoswN9FzI8ELbmGtQ"
    "r5AG9JCq2+wyLlshDnoQi/UwiNqNPizF+AhxvQmwAM0YDxha2lcMkToGgQFbuAGG4iU4C+4eHEQb"
    "lGPA2BhYlwyG5Nv6ZHC2DNaDI9JqYNCy0lTjOAe/tlxf4SCE0gYYw4UYJNUOnpMKBq7VAiNVm1Zr"
    "6oBxAGzk0JjbcAmhJA86x6rTauLnYL2LxbnOVH7SjUO5o/5HPPdBnNcGjmE5I5FMJQKf5Rl2szVC"
    "K9cMA2olXV2gzVTFoS3X58CAMZOpKzpDYM9sxWPgGt2G4Dclz5loWPqQX77DqW55vuri/G4LuIJM"
    "58BAjF1gZJuDEu4EYKQ6V+UhR3LOg0qcrUhHHmEf6M/0ir4CH9K9HUD84IftdePCBbnzmdmU3M1g"
    "mlR3Id1uExDI2r033fHqxyO6Ee7ZXD0jvddBbfekUKiu28EE7BcT/l3NDIket23owNoq3eqDzzrm"
    "BSptwn3sdjXxsx8HM0VzIS4dIRJWHLmg5aptpw1XiXlbSoATrBnpqflqJ/qGoruRq3S/n8jV+hN5"
    "Y/0dlU+sN3K7rpp6Ato5BoA13gg3GT2mTuuJJIcfeyXIFUAfE+2uYybfDuOAvVu+QwGsX0dShhH9"
    "P++wOdcH60dAfg54BCwMc+X6wTwevH86P+++t8oN/4xzs34mr60fgxC+rSkNaGSYcd/t9Mclx02K"
    "GTj8Zck+gjT2v6GyNhKrwI0hLVKSGtKz7nalv2bf0IcuMrG6C+Fat2PEmDvdMObRSxkZRpD2qhYT"
    "1KSzx8GLp7sR7HW/DtxTzxh6bYkYuooDpo/kLi1T0qTDBBCpx2qCcM4U5BDT+b4WqNHzMXljvJCk"
    "hN50D1aflIhlJBkIJLLye4yRTiICdqdGks5E4kAJH5ni3fCOz7sygRRIlcRC8qMem/z8LbgFt+AW"
    "3IJb8P9Aw+9+1vr5567d66/aPMJzPGBSdBlx6DLeLpcRawH49rqC5PLzbtj/DeET+Qrisz8t2dOM"
    "xwNi0bjhQn0Kycqn9KwkIofD9eEiuGna8t8pTJTji7CO9GNWbdsVI43AyEV1QSEhQgrpX5Ki2G0Y"
    "ntUyUSLRFZI6MhKTq9lJjuJ7qmortOPqlB7HizZL5uYyPbc3Mz7M9CYYfOOoiybXFxmBE2YFryM3"
    "Jpt4YvMVVhaMhkBF0+33X4PckCX4ObyMHnflC0m54/hWxYvKT+Fz3g0hw5xEKD+A0D6NDbMuKAL0"
    "IOKU9QekDsgVD/sfkjfG9gOy2PK9iXymLqcPbSlX1bd93+ff1MC8C+TGSJH4WDwslZjFshqA/tGq"
    "LsUDdsu59wN1zZ2oGAr8Ps6mE5Ibn0dubP1OrD3OZz0eyAEe1LYqE0xJ3QFP94KPXua1kT8PS2g7"
    "1vMCF6bqUA32gadiugtrJ4FzwrG61wDBy37JnfEnXQqIQKdFgpZ03tBSITgsVYiy+PqQcL8LOVrN"
    "7fIjjgTM+j1IFZmsl4W6U26oYJpNYpOOqgqsNcnl5srSJbMsp5aRliPHUsvaj0uBMcSaA461gRgM"
    "Ir9jat5nefP2skzUIh5mlyeAp8asUJJ6ldqqTCilxZa8m3F6HRRKSVYqBWXloHwEsOTU2VLEKTXH"
    "klTomW+yNBsIRfpjypMiF8kEbb8sTpr+RiExYLUFXxGrEsW3lD8l9V7Nyhs3yPNeyh4kAenztCdT"
    "YTkrKTQ050QPiiqXAujGBHLmVLeNG0IurIv9sjXewiPL4KQ+be3wR6qCs66Qa8eqzGk/uQZ6kQWz"
    "dBasWubIayaN196iZVK8ZXnkadgR64oNEYKqCiMUwJgLy+plWectVSBqMGkN6C7Ijjs2qtVS6y7V"
    "o/qTUv2lIRx0QhZfGi0penAe9lfOm+KYlG2Q+rMcArZT2OpLWkqabcd6jvKhlNCDNMGhO3hlWqo9"
    "TW2xyMkVldSWNnU3C+RGCqAs3kZFeSQlFlYrZlzQL2dLqUrBFit+pqVUB8rdm0qK2lPOLrZwdVT6"
    "WuSe8V+iaaR1/0vlfrvTP4WJd/FGnzfjB+CmP3pS/x1Hzuvxn0rVyKoTauzXe/3vyvmvuLfu829Z"
    "nMf7J++c9GHphZ58sSyaQOewrVTKqC6RgjG5G8XF3uF+EvjPOZrBF/wDzkq1+Uwft71I4UfwNLR1"
    "r19p+n8dz2N/NczfMd3Dvpb/ddHbLtAANODHOp/z5lgLG2L/ssmvjfgvAju9KZ1MUppDwdv35wP+"
    "GHS8G8+uF9zd/h+k6A7M3+2oQgNDGYbdRcU01HzOjfp75U+T13hJG6C0hkv6kvKPgv77N/6MqG4c"
    "72ajuqfkr1MVWuPqe091f4PqLxKO/ZEbV/lzZ+eqdWdwj+6Up2BTyn68eUMUoh8q/hBDxn8RE/Ct"
    "QktLpQfFn5TEj6iIxP/zrfm2ZnwoWrgfFq4GXnnpvfJdaDcjkPK/IukQUHHIf5r/MrGYxu3z/dB/"
    "UgKzWrTuQX/O/aLcOFltVlVcSCqEZeExZCV9WyHS3LD+RtiYs5WI7BZ8xN1ieKxE1nJ3Yf13sDhT"
    "+R2Z7T2dNXpDmQaoXpM1qF47S3rpwGTTA+0+MTCOPXVdD5LrIwOVne1NfNnk6aWjub1Uy6NLOm9e"
    "CvPX1KV9eSOr5Sq7AEA2sdLM44wFrNFcd5GFAMwKEoQSrugswPpWblgWy0wevHhPWQJjwSuvr4zm"
    "O1aQQqxY7MKKFWJUglV1VQWBzLOvuxelPhh1h/NmN81ZrlMZ5rIxnKKvgNmV0Uyh1Ssp1h3PEKMz"
    "XP3sInDj9JVZZxbMnHW3A+cwxsDJSpCH2EfqNCnsmbzOol7Pgk/Te8E1eo86m0W9Rm57Kh/qNZzt"
    "nXVxL3FhD2Gzh6vb09lDGC+5jvN4JURbyxPykglX2QmMnMs1RrRw2BKO05X9+SM4oQnVQHICUV7r"
    "TaGtCy1mJekledgD1l60Uuu9SnWfcW3xGh9EPe0/+BCUr5e/X796EF5h2j9ZXFX+fVUU/677/wDv"
    "/PHl"
)

# Break codes of the first pass.
_NO, _MAY, _MUST = 0, 1, 2


def _load_char_runs() -> list[tuple[int, int, int, int]]:
    """Decode _CHAR_DATA into runs: (first code point, end, line-break class, width)."""
    raw = zlib.decompress(base64.b64decode("".join(_CHAR_DATA)))
    runs = []
    pos = i = 0
    while i < len(raw):
        length = shift = 0
        while True:
            byte = raw[i]
            i += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        value = raw[i]
        i += 1
        runs.append((pos, pos + length, value >> 2, value & 3))
        pos += length
    if pos != 0x110000:
        raise AssertionError("corrupt character table")
    return runs


def _char_class_regex(
    runs: Iterable[tuple[int, int, int, int]], limit: int, suffix: str = ""
) -> re.Pattern[str]:
    """A regex character class for the code points of ``runs`` below ``limit``.

    With ``limit`` 0x10000, re compiles the class to a bitmap (fast); with astral code
    points it becomes a list of ranges tried one by one, so both variants are kept.
    """
    spans: list[list[int]] = []
    for first, end, _cls, _width in runs:
        end = min(end, limit)
        if first >= end or (first >= 0xD800 and end <= 0xE000):
            continue  # surrogates never reach us
        if spans and spans[-1][1] == first:
            spans[-1][1] = end
        else:
            spans.append([first, end])
    body = "".join(
        re.escape(chr(a)) if b - a == 1 else f"{re.escape(chr(a))}-{re.escape(chr(b - 1))}"
        for a, b in spans
    )
    return re.compile(f"[{body}]{suffix}")


_RUNS = _load_char_runs()

# AI, SA and XX behave as AL, CB as ID (libunistring 1.0, non-CJK encodings).
_RESOLVED = bytes(_AL if c in (_AI, _SA, _XX) else _ID if c == _CB else c for c in range(256))
_CLASS = b"".join(bytes((_RESOLVED[cls],)) * (end - first) for first, end, cls, _w in _RUNS)
_WIDTH = b"".join(bytes((width,)) * (end - first) for first, end, _c, width in _RUNS)

# Text without these takes the fast path of _line_breaks: no class that needs more
# state than "last non-space class", no zero-width or control character.
_COMPLEX_RUNS = [
    run
    for run in _RUNS
    if _RESOLVED[run[2]] in (_HL, _RI, _ZWJ, _BK, _CR, _LF, _CM, _ZW) or run[3] == 0
]
_COMPLEX = (_char_class_regex(_COMPLEX_RUNS, 0x10000), _char_class_regex(_COMPLEX_RUNS, 0x110000))
_WIDE = [run for run in _RUNS if run[3] == 2]
_WIDE_RUNS = (_char_class_regex(_WIDE, 0x10000, "+"), _char_class_regex(_WIDE, 0x110000, "+"))


class _Lookup(dict):  # type: ignore[type-arg]
    """``str.translate`` table: code point -> small number from ``table``, memoized."""

    def __init__(self, table: bytes) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, code: int) -> int:
        value = self.table[code]
        self[code] = value
        return value


_CLASS_OF = _Lookup(_CLASS)
_WIDTH_OF = _Lookup(_WIDTH)


def _break_opportunities(text: str) -> bytearray:
    """Per character of ``text``: may a line start there? (_NO, _MAY or _MUST).

    libunistring 1.0 ``u8_possible_linebreaks_loop``: UAX #14 via a pair table, with
    LB8a (no break after ZWJ), LB9/LB10 (combining marks), LB21a (Hebrew + hyphen) and
    LB30a (regional indicator pairs) done by hand.
    """
    pair = _PAIR
    out = bytearray(len(text))
    last = _BK  # class of the last character that is not a space or combining mark
    prev = _BK  # class of the previous character
    prev2 = _BK  # class of the character before that
    seen_space = False
    ri_run = 0  # regional indicators immediately before
    for i, cls in enumerate(text.translate(_CLASS_OF).encode("latin-1")):
        if _BK <= cls <= _LF:  # BK, CR, LF: mandatory break
            # (a raw CR LF pair, which libunistring keeps together, never occurs here)
            out[i] = _MUST
            prev2, prev, last = prev, cls, _BK
            seen_space = False
            ri_run = 0
            continue
        if cls == _SP:
            seen_space = True
        elif cls == _ZW:
            last = _ZW
            seen_space = False
        elif cls == _CM or cls == _ZWJ:
            if last == _BK:
                last = _AL
                seen_space = False
            elif last == _ZW or seen_space:
                out[i] = _MAY
                last = _AL
                seen_space = False
        else:
            if last == _BK or prev == _ZWJ:
                pass
            elif last == _ZW:
                out[i] = _MAY
            elif prev2 == _HL and (prev == _HY or prev == _BA):
                pass
            elif last == _RI and cls == _RI:
                if seen_space or not ri_run & 1:
                    out[i] = _MAY
            else:
                kind = pair[last * _NCLASS + cls]
                if kind == 1 or (kind == 2 and seen_space):
                    out[i] = _MAY
            last = cls
            seen_space = False
        ri_run = ri_run + 1 if cls == _RI else 0
        prev2, prev = prev, cls
    return out


def _general_breaks(
    escaped: str, no_break: set[int], width: int, start_column: int
) -> list[int]:
    """libunistring 1.0 ``u8_width_linebreaks_internal``, character by character.

    Greedy by display width: a line is broken at the last opportunity before the piece
    that overflows it; a mandatory break (U+2028...) restarts at column 0.
    """
    opportunities = _break_opportunities(escaped)
    for i in no_break:
        opportunities[i] = _NO
    widths = escaped.translate(_WIDTH_OF).encode("latin-1")
    breaks: list[int] = []
    last_break = -1
    column = start_column
    piece = 0
    for i, kind in enumerate(opportunities):
        if kind:
            if last_break >= 0 and column + piece > width:
                if not breaks or breaks[-1] != last_break:
                    breaks.append(last_break)
                column = 0
            if kind == _MUST:
                last_break = -1
                column = 0
                piece = 0
                continue
            last_break = i
            column += piece
            piece = 0
        piece += widths[i]
    if last_break >= 0 and column + piece > width:
        if not breaks or breaks[-1] != last_break:
            breaks.append(last_break)
    return breaks


def _simple_opportunity(text: str, i: int) -> bool:
    """Break opportunity before ``text[i]`` in text that _COMPLEX does not match.

    Without combining marks, joiners, Hebrew, regional indicators or mandatory breaks,
    libunistring's state reduces to: the class of the last non-space character before
    ``i`` and whether spaces came after it.
    """
    if text[i] == " ":
        return False
    classes = _CLASS
    cls = classes[ord(text[i])]
    if text[i - 1] != " ":
        return _PAIR[classes[ord(text[i - 1])] * _NCLASS + cls] == 1
    j = i - 2
    while j >= 0 and text[j] == " ":
        j -= 1
    return j >= 0 and _PAIR[classes[ord(text[j])] * _NCLASS + cls] != 3


def _line_breaks(escaped: str, width: int, start_column: int, ends_in_newline: bool,
                 first_only: bool = False) -> list[int]:
    """Indexes of ``escaped`` where GNU starts a new line; empty when it all fits.
    ``first_only``: stop at the first one (enough to know whether any is needed).

    write-po.c forbids a break between a backslash and the escaped character, and
    before a final ``\\n``. For common text this is equivalent to _general_breaks but
    goes line by line: find how far the line reaches, then look back for the last
    opportunity (or, failing that, forward for the first one).
    """
    n = len(escaped)
    wide: list[tuple[int, int]] = []  # spans of two-column characters
    simple = escaped.isascii() and escaped.isprintable()
    if simple:
        if start_column + n <= width:
            return []
    elif not _COMPLEX[astral := _ASTRAL.search(escaped) is not None].search(escaped):
        wide = [match.span() for match in _WIDE_RUNS[astral].finditer(escaped)]
        if start_column + n + sum(end - first for first, end in wide) <= width:
            return []
        simple = True
    no_break = set()
    backslash = escaped.find("\\")
    while backslash >= 0:
        no_break.add(backslash + 1)
        backslash = escaped.find("\\", backslash + 2)
    if ends_in_newline:
        no_break.add(n - 2)
    if not simple:
        found = _general_breaks(escaped, no_break, width, start_column)
        return found[:1] if first_only else found
    breaks: list[int] = []
    line_start = 0
    column = start_column
    first_wide = 0  # first span of ``wide`` that ends after line_start
    while True:
        # fits: the last position whose column is still within the line.
        budget = width - column
        if budget < 0:
            fits = line_start - 1
        else:
            while first_wide < len(wide) and wide[first_wide][1] <= line_start:
                first_wide += 1
            fits, k = line_start, first_wide
            while True:
                if k < len(wide) and wide[k][0] <= fits:
                    take = min(budget // 2, wide[k][1] - fits)
                    fits += take
                    budget -= 2 * take
                    if fits < wide[k][1]:
                        break
                    k += 1
                else:
                    stop = wide[k][0] if k < len(wide) else n
                    take = min(budget, stop - fits)
                    fits += take
                    budget -= take
                    if fits < stop or fits == n:
                        break
        if fits >= n:
            return breaks
        cut = -1
        for i in range(fits, line_start, -1):
            if i not in no_break and _simple_opportunity(escaped, i):
                cut = i
                break
        else:
            for i in range(max(fits + 1, line_start + 1), n):
                if i not in no_break and _simple_opportunity(escaped, i):
                    cut = i
                    break
            if cut < 0:
                return breaks
        breaks.append(cut)
        if first_only:
            return breaks
        line_start = cut
        column = 0


# The escapes GNU writes; the backslash goes first so that it is not doubled twice.
_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\a", "\\a"),
    ("\b", "\\b"),
    ("\f", "\\f"),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\v", "\\v"),
)
_NEEDS_ESCAPE = re.compile(r'[\\"\a\b\f\n\r\t\v]')  # in a class, \b is backspace
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text):
        for char, escape in _ESCAPES:
            text = text.replace(char, escape)
    return text


def _wrap(lines: list[str], prefix: str, keyword: str, value: str, wrap: bool) -> None:
    """Append ``keyword "value"`` as PO lines, wrapped like write-po.c ``wrap()``."""
    if not value:  # every msgstr of a template: one line, whatever the width
        lines.append(f'{prefix}{keyword} ""')
        return
    # Columns are counted from just after the opening quote of a continuation line.
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if wrap else _INT_MAX) - 1 - after_break
    parts = value.split("\n")
    portions = [part + "\n" for part in parts[:-1]]
    if parts[-1] or not portions:
        portions.append(parts[-1])
    first_line = True
    last = len(portions) - 1
    for index, portion in enumerate(portions):
        escaped = _escape(portion)
        newline = portion.endswith("\n")
        start = len(keyword) + 1 if first_line else 0
        if first_line and escaped and (
            index < last or start > width or _line_breaks(escaped, width, start, newline, first_only=True)
        ):
            lines.append(f'{prefix}{keyword} ""')
            first_line, start = False, 0
        # still on the keyword's line: it fits there whole (or is empty), no break
        breaks = [] if first_line else _line_breaks(escaped, width, start, newline)
        head = f'{prefix}{keyword} "' if first_line else f'{prefix}"'
        first_line = False
        begin = 0
        for cut in breaks:
            lines.append(f'{head}{escaped[begin:cut]}"')
            head = f'{prefix}"'
            begin = cut
        lines.append(f'{head}{escaped[begin:]}"')


# ---------------------------------------------------------------------------------------
# Flags: what GNU keeps of a "#," line, and in which order it prints it.

_FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl",
    "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp",
)  # fmt: skip
_FORMAT_INDEX = {name: i for i, name in enumerate(_FORMAT_LANGUAGES)}
_FLAG_SEPARATORS = re.compile(r"[\n \t\r\f\v,]+")
_RANGE = re.compile(r"([0-9]+)\.\.([0-9]+)")


def _parse_range(token: str) -> tuple[int, int] | None:
    match = _RANGE.match(token)
    if match is None or int(match[1]) > int(match[2]):
        return None
    return int(match[1]), int(match[2])


class _Flags(NamedTuple):
    fuzzy: bool
    formats: dict[int, str]  # index in _FORMAT_LANGUAGES -> flag as GNU prints it
    range: tuple[int, int] | None
    no_wrap: bool


def _parse_flags(flags: Iterable[str]) -> _Flags:
    """Read flags the way GNU po_parse_comment_special does (the unknown ones are dropped)."""
    fuzzy = False
    formats: dict[int, str] = {}
    arg_range: tuple[int, int] | None = None
    wrap: bool | None = None
    tokens = [token for token in _FLAG_SEPARATORS.split(",".join(flags)) if token]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "fuzzy":
            fuzzy = True
            continue
        if token.endswith("-format"):
            lang = token[: -len("-format")]
            shown: str | None = token
            if lang.startswith("no-"):
                lang = lang[3:]
            elif lang.startswith("possible-"):
                lang = lang[9:]
                shown = f"{lang}-format"
            elif lang.startswith("impossible-"):
                lang, shown = lang[11:], None
            if lang in _FORMAT_INDEX:
                if shown is None:
                    formats.pop(_FORMAT_INDEX[lang], None)
                else:
                    formats[_FORMAT_INDEX[lang]] = shown
                continue
        if token == "range:":
            if i < len(tokens):
                parsed = _parse_range(tokens[i])
                i += 1
                if parsed is not None:
                    arg_range = parsed
            continue
        if token == "wrap":
            wrap = True
        elif token == "no-wrap":
            wrap = False
    return _Flags(fuzzy, formats, arg_range, wrap is False)


# ---------------------------------------------------------------------------------------
# Entries and the whole file.


def _comment_lines(lines: list[str], mark: str, text: str | None) -> None:
    if not text:
        return
    for line in text.split("\n"):
        lines.append(f"{mark} {line}" if line else mark)


def _reference_lines(lines: list[str], occurrences: Iterable[tuple[str, Any]]) -> None:
    """``#:`` lines, filled up to PAGE_WIDTH bytes like message_print_comment_filepos.

    GNU keeps a reference only once (it skips repeats when reading) and prints paths
    without leading ``./``.
    """
    line = "#:"
    column = 2
    any_reference = False
    seen: set[tuple[str, str]] = set()
    for path, lineno in occurrences:
        number = "" if lineno is None else str(lineno)
        if number.isascii() and number.isdigit():
            number = str(int(number))
        elif number:
            path, number = f"{path}:{number}", ""
        if (path, number) in seen:
            continue
        seen.add((path, number))
        while path.startswith("./"):
            path = path[2:]
        reference = f"{path}:{number}" if number else path
        length = len(reference.encode("utf-8")) + 1
        if column > 2 and column + length > PAGE_WIDTH:
            lines.append(line)
            line = "#:"
            column = 2
        line += " " + reference
        column += length
        any_reference = True
    if any_reference:
        lines.append(line)


def _msgstr_forms(entry: Any) -> list[str] | None:
    """The plural msgstr forms in index order, or None for a singular entry."""
    if not entry.msgid_plural:
        return None
    forms = entry.msgstr_plural or {0: ""}
    return [forms[key] for key in sorted(forms, key=int)]


@functools.lru_cache(maxsize=256)
def _flag_line(flags: tuple[str, ...], translated: bool, obsolete: bool) -> tuple[str | None, bool]:
    """The ``#,`` line GNU prints for an entry's flags (None: no line) and whether its strings
    wrap. Worked out once per distinct flag list: the same few recur in every entry."""
    parsed = _parse_flags(flags)
    shown = ["fuzzy"] if parsed.fuzzy and translated else []
    shown += [parsed.formats[i] for i in sorted(parsed.formats)]
    if parsed.range is not None and not obsolete:
        shown.append(f"range: {parsed.range[0]}..{parsed.range[1]}")
    if parsed.no_wrap:
        shown.append("no-wrap")
    return ("#, " + ", ".join(shown) if shown else None), not parsed.no_wrap


def _entry_lines(entry: Any, obsolete: bool) -> list[str]:
    lines: list[str] = []
    forms = _msgstr_forms(entry)
    first_msgstr = forms[0] if forms is not None else (entry.msgstr or "")
    _comment_lines(lines, "#", entry.tcomment)
    _comment_lines(lines, "#.", entry.comment)
    _reference_lines(lines, entry.occurrences or ())
    flag_line, wrap = _flag_line(tuple(entry.flags or ()), bool(first_msgstr), obsolete)
    if flag_line:
        lines.append(flag_line)
    previous_prefix = "#~| " if obsolete else "#| "
    for keyword, value in (
        ("msgctxt", entry.previous_msgctxt),
        ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural),
    ):
        if value is not None:
            _wrap(lines, previous_prefix, keyword, value, wrap)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        _wrap(lines, prefix, "msgctxt", entry.msgctxt, wrap)
    _wrap(lines, prefix, "msgid", entry.msgid, wrap)
    if forms is None:
        _wrap(lines, prefix, "msgstr", entry.msgstr or "", wrap)
    else:
        _wrap(lines, prefix, "msgid_plural", entry.msgid_plural, wrap)
        for index, form in enumerate(forms):
            _wrap(lines, prefix, f"msgstr[{index}]", form, wrap)
    return lines


def format_po(po: "polib.POFile") -> str:
    """The text GNU msgcat prints for ``po``: header entry, entries, then obsolete ones.

    The header entry is ``po.metadata_as_entry()`` (polib's field order, ``fuzzy`` when
    ``po.metadata_is_fuzzy``) with ``po.header`` as its comment. Obsolete entries with an
    empty msgstr are left out, as GNU does. The result ends with a newline; encode it
    as UTF-8.
    """
    header = po.metadata_as_entry()
    header.tcomment = po.header or ""
    blocks = [_entry_lines(header, obsolete=False)]
    blocks += [_entry_lines(entry, obsolete=False) for entry in po if not entry.obsolete]
    for entry in po:
        if entry.obsolete:
            forms = _msgstr_forms(entry)
            if (forms[0] if forms is not None else entry.msgstr):
                blocks.append(_entry_lines(entry, obsolete=True))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
