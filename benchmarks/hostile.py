#!/usr/bin/env python3
"""Time functions on hostile inputs at size n and 2n: the growth ratio tells the complexity.

A script to rerun by hand, not a test (the tests assert these inputs' results, never their
time). Each case is ``(name, make, function)``: ``make(n)`` builds an input of about n
characters, ``function(input)`` is timed (best of ``--runs``; one run when it takes more
than a second). A ratio t(2n)/t(n) near 2 is linear, near 4 quadratic, near 8 cubic.

    PYTHONPATH=. .venv/bin/python benchmarks/hostile.py                 # n = 16000
    PYTHONPATH=. .venv/bin/python benchmarks/hostile.py --n 2000 --only backtick

To add cases: a function returning such entries, listed in ``all_cases``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable
from typing import Any

Case = tuple[str, Callable[[int], Any], Callable[[Any], Any]]


def slug_cases() -> list[Case]:
    """Heading slugs (audit H1, M1): code spans, underscore emphasis, equal headings."""
    from pipeline.render import finish_html
    from pipeline.slugs import slug_github, unique_slugs

    slug = slug_github.__wrapped__  # without its lru_cache, so that every run does the work
    return [
        ("slug: unclosed backtick run", lambda n: "`" * n + "a", slug),
        ("slug: backtick runs closed only by a shorter one", lambda n: "`" * (n // 2) + "_a_" + "`" * (n // 2 - 1), slug),
        ("slug: '_a ' repeated (never closes)", lambda n: "_a " * (n // 3), slug),
        ("slug: '`' then '_a_ ' repeated", lambda n: "`" + "_a_ " * (n // 4), slug),
        ("slug: nested '__a _b_ c__ '", lambda n: "__a _b_ c__ " * (n // 12), slug),
        ("slug: '[' repeated (link text never closes)", lambda n: "[" * n, slug),
        ("slug: '![' repeated", lambda n: "![" * (n // 2), slug),
        ("unique_slugs: n/4 headings 'Same'", lambda n: ["Same"] * (n // 4), lambda h: unique_slugs(h, slug)),
        ("html ids: n/10 '<h2>A</h2>'", lambda n: "<h2>A</h2>" * (n // 10), finish_html),
    ]


def qa_cases() -> list[Case]:
    """QA of a translation (audit H2, H3, M4)."""
    from pipeline.qa import accepted_codes, check_message

    def check(msgid: str) -> Callable[[str], Any]:
        return lambda msgstr: check_message(msgid, msgstr, in_table=False, is_front_matter=False, in_body=True)

    return [
        ("qa: translator comment of blank lines", lambda n: "note\n" + "#\n" * (n // 2), accepted_codes),
        ("qa: '[text](' and spaces", lambda n: "Voir [le guide](" + " " * n, check("Voir [le guide](a.md).")),
        ("qa: '][' and a long label", lambda n: "][" + "a" * n, check("Voir le guide.")),
        ("qa: one long CamelCase word and '_'", lambda n: "Aa" * (n // 2) + "_", check("Voir le guide.")),
    ]


def sanitize_cases() -> list[Case]:
    """What the build writes of a translation (audit M5, M6 and the low ones)."""
    from pipeline.sanitize import sanitize_translation

    def clean(msgstr: str) -> str:
        return sanitize_translation("Voir.", msgstr)

    return [
        ("sanitize: '<a-a-a...'", lambda n: "<a" + "-a" * (n // 2), clean),
        ("sanitize: lines of '['", lambda n: "](\n" + "[a\n" * (n // 3) + "b", clean),
        ("sanitize: '`a`<' repeated", lambda n: "`a`<" * (n // 4), clean),
        ("sanitize: '<!--' repeated", lambda n: "<!--" * (n // 4), clean),
        ("sanitize: '`a`<!--x-->' repeated", lambda n: "`a`<!--x-->" * (n // 11), clean),
        ("sanitize: a row '|-', blanks and a letter", lambda n: "a | b\n|-" + " " * n + "x", clean),
        ("sanitize: 'w <b>' repeated", lambda n: "w <b>" * (n // 5), clean),  # the text before each '<' copied
    ]


def poread_cases() -> list[Case]:
    """Reading a PO file (audit M2, M8): n lines, not characters (the file is about 4n bytes;
    the obsolete entry's lines are as long as ``update`` wraps them, about 80n bytes)."""
    from pipeline.poread import parse_po

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    wrapped = '#~ "' + "a" * 76 + '"\n'
    return [
        ("poread: continuation lines", lambda n: header + 'msgid "x"\nmsgstr ""\n' + '"a"\n' * n, parse_po),
        ("poread: comment lines", lambda n: header + "# a\n" * n + 'msgid "x"\nmsgstr "y"\n', parse_po),
        ("poread: obsolete continuation lines", lambda n: header + '#~ msgid "x"\n#~ msgstr ""\n' + wrapped * n,
         parse_po),
    ]


def linkscan_cases() -> list[Case]:
    """The link scanner of ``pipeline check`` (audit H4, H5): one paragraph of link syntax that
    never closes (each ``](`` walked the rest of the paragraph, or 4,000 characters back)."""
    from pipeline.linkscan import scan_text

    def repeat(unit: str) -> Callable[[int], str]:
        return lambda n: (unit * (n // len(unit) + 1))[:n]

    return [
        ("linkscan: unclosed '[a](' repeated", repeat("[a]("), scan_text),
        ("linkscan: '](' repeated (no opener)", repeat("]("), scan_text),
        ("linkscan: '[a](' then spaces", lambda n: "[a](" + " " * (n - 4), scan_text),
        ("linkscan: '[a](x (' repeated (title never closed)", repeat("[a](x ("), scan_text),
        ("linkscan: '[a](' lines (one paragraph)", repeat("[a](\n"), scan_text),
        ("linkscan: mixed '[a](' '](' '[b](c d' '\\[' '(('", repeat("[a](](x[b](c d \\[(("), scan_text),
        ("linkscan: '[' then '](' (nested openers)", lambda n: "[" * (n // 3) + repeat("](")(n - n // 3), scan_text),
        # a table and a line of code blanked by the mask (a run of blanks): the delimiter-row
        # finder's three '[ \t]*' were cubic in the run's length until 2026-11-27
        ("linkscan: a table, then one long line of code", lambda n: "|a|b|\n|-|-|\n|c|d|\n\n    " + "x" * n, scan_text),
        # each HTML heading's text runs to the next heading or heading end tag, never further
        ("linkscan: '<h1>a' repeated, one '</h1>'", lambda n: "<div>\n" + "<h1>a" * (n // 5) + "</h1>", scan_text),
    ]


def align_cases() -> list[Case]:
    """The import's alignment of a translated page with its source: code spans in a segment."""
    from pipeline.align import _code_spans
    from pipeline.source import load_document

    return [
        ("align: one backtick run", lambda n: "`" * n, _code_spans),
        # source.is_translatable's '(`+).*?\1' was cubic until 2026-11-27 (6 s for 8,000 in a cell)
        # a paragraph line then 'a|b' over '|-|-|-|' repeated: each line asked the table rule, which
        # walked to the paragraph's end each time (quadratic until 2026-11-27: 43 s at 24 KB)
        ("extract: table-like lines under a paragraph line", lambda n: "text\n" + "a|b\n|-|-|-|\n" * (n // 12),
         lambda text: load_document("p.md", text)),
        ("extract: a table cell of backticks", lambda n: "|a|b|\n|-|-|\n|" + "`" * n + "|\n",
         lambda text: load_document("p.md", text)),
        ("align: '`a' repeated", lambda n: "`a" * (n // 2), _code_spans),
    ]


def html_block_cases() -> list[Case]:
    """The text of a raw HTML block (htmlblocks): one block, no blank line, of n characters."""
    from pipeline.source import load_document

    def extract(text: str) -> Any:
        return load_document("p.md", text)

    return [
        ("html block: nested '<div>' (never closed)", lambda n: "<div>\n" + "<div>" * (n // 5) + "a", extract),
        ("html block: nested '<a>' around '<p>'", lambda n: "<div>\n" + "<a><p>" * (n // 6) + "a", extract),
        ("html block: '<span></span>' then a word", lambda n: "<p>" + "<span></span>" * (n // 13) + "a</p>", extract),
        ("html block: '<p>a' repeated (implied ends)", lambda n: "<div>\n" + "<p>a" * (n // 4), extract),
        ("html block: '<li>a' repeated in one list", lambda n: "<ul>\n" + "<li>a" * (n // 5), extract),
        ("html block: '<a' repeated (no '>')", lambda n: "<div>\n" + "<a" * (n // 2), extract),
        ("html block: '</' repeated", lambda n: "<div>\n" + "</" * (n // 2), extract),
        ("html block: '<!--' repeated", lambda n: "<div>\n" + "<!--" * (n // 4), extract),
        ("html block: a line per '<p>a</p>'", lambda n: "<div>\n" + "<p>a</p>\n" * (n // 9), extract),
        # html.parser scanned to the end for each '<' no '>' follows (CPython's gh-135462) and
        # source.is_translatable's '<[^>]*>' and '\]\([^)]*\)' did too, in every paragraph
        # (quadratic until 2026-11-29: 1.6 s for 32,000 '</')
        ("extract: a paragraph of '</'", lambda n: "Text " + "</" * (n // 2), extract),
        ("extract: a paragraph of ']('", lambda n: "Text " + "](" * (n // 2), extract),
    ]


def container_cases() -> list[Case]:
    """Lines of nested containers and include blanks (review of 2026-11-27: 2**n for n '> ')."""
    from pipeline.render import inline_includes, portable_markdown

    def portable(body: str) -> str:
        return portable_markdown(body, "", lambda path: None)

    return [
        ("portable: a note, then a line of n/2 '> '", lambda n: "> [!NOTE]\n> A note.\n\n" + "> " * (n // 2) + "x\n", portable),
        ("includes: an include under n/2 '> '", lambda n: "> " * (n // 2) + "See [!INCLUDE[a](a.md)]\n",
         lambda body: inline_includes(body, lambda path: "Included.")),
        ("includes: '[!INCLUDE[a](' then blanks", lambda n: "See [!INCLUDE[a](" + " " * n + "x here.\n",
         lambda body: inline_includes(body, lambda path: "Included.")),
    ]


def render_cases() -> list[Case]:
    """A page's translations put in place (``render.apply_translations``), every message of it
    translated: the input is the loaded page and its translations, only their use is timed."""
    from pipeline.render import apply_translations
    from pipeline.source import load_document

    def translated(text: str) -> tuple[Any, dict[str, str]]:
        document = load_document("p.md", text)
        return document, {s.text: s.text.replace("w ", "v ").replace("pic", "image") for s in document.segments}

    def apply(page: tuple[Any, dict[str, str]]) -> Any:
        return apply_translations(*page)

    return [
        # each tag's translated alt was put into the run's translation by a replace() over the
        # whole run, and the sanitizer copied the text before each '<' (quadratic until
        # 2026-11-27: 6.7 s for 32,000 tags, now 0.36 s)
        ("apply: a <p> of 'w <img alt=\"pic\">' (one run)",
         lambda n: translated("<p>" + 'w <img alt="pic"> ' * (n // 18) + "</p>\n"), apply),
        ("apply: a <p> of 'w <img alt=\"pic N\">', N distinct",
         lambda n: translated("<p>" + "".join(f'w <img alt="pic {i}"> ' for i in range(n // 22)) + "</p>\n"), apply),
        ("apply: paragraphs of 'w [x](a.md)'", lambda n: translated("w [x](a.md)\n\n" * (n // 13)), apply),
    ]


def all_cases() -> list[Case]:
    return [*slug_cases(), *qa_cases(), *sanitize_cases(), *poread_cases(), *linkscan_cases(), *align_cases(),
            *html_block_cases(), *container_cases(), *render_cases()]


def best_time(function: Callable[[Any], Any], value: Any, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(value)
        best = min(best, time.perf_counter() - start)
        if best > 1.0:
            break
    return best


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=16000, help="the smaller size (default 16000)")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--only", default="", help="cases whose name contains this text")
    args = parser.parse_args(argv)
    print(f"{'case':52} {'n':>7} {'t(n) s':>9} {'t(2n) s':>9} {'ratio':>6}")
    for name, make, function in all_cases():
        if args.only in name:
            small, large = (best_time(function, make(size), args.runs) for size in (args.n, 2 * args.n))
            print(f"{name:52} {args.n:7} {small:9.4f} {large:9.4f} {large / max(small, 1e-9):6.1f}", flush=True)


if __name__ == "__main__":
    main()
