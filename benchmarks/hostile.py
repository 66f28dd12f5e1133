#!/usr/bin/env python3
"""Time our code on hostile inputs of growing size: the cost must grow linearly.

A script to rerun by hand, not a test. A translator writes the msgstr (and its ``#``
comment), so a PO file can hold any text; a pattern that backtracks, or a loop that rescans
what it read, makes one such entry cost minutes of every build and check (an audit found
several: 48 s for 8 KB in a heading). Each case runs at n and 2n characters; the ratio of the
two times is about 2 for linear code, 4 for quadratic and 8 for cubic::

    .venv/bin/python benchmarks/hostile.py            # n = 16,000 and 32,000
    .venv/bin/python benchmarks/hostile.py --size 64000

The tests (``tests/test_qa.py``, ``tests/test_sanitize.py``, ...) hold the same payloads at
64,000 characters and check what they give, not how long they take.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def qa_cases() -> list[tuple[str, Callable[[int], Callable[[], object]]]]:
    from pipeline.qa import accepted_codes, check_message

    def check(msgid: str, make: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
        return lambda n: (lambda: check_message(msgid, make(n), in_table=False, is_front_matter=False, in_body=True))

    return [
        ("qa: comment of blank lines", lambda n: (lambda: accepted_codes("note\n" + "#\n" * (n // 2)))),
        ("qa: '[text](' and spaces", check("Voir [le guide](a.md).", lambda n: "Voir [le guide](" + " " * n)),
        ("qa: '][' and a long label", check("Voir le guide.", lambda n: "][" + "a" * n)),
    ]


def sanitize_cases() -> list[tuple[str, Callable[[int], Callable[[], object]]]]:
    from pipeline.sanitize import sanitize_translation

    return [
        ("sanitize: '<a-a-a...'", lambda n: (lambda: sanitize_translation("Voir.", "<a" + "-a" * (n // 2)))),
        ("sanitize: lines of '['", lambda n: (lambda: sanitize_translation("Voir.", "](\n" + "[a\n" * (n // 3) + "b"))),
        ("sanitize: '`a`<' repeated", lambda n: (lambda: sanitize_translation("Voir.", "`a`<" * (n // 4)))),
        ("sanitize: '<!--' repeated", lambda n: (lambda: sanitize_translation("Voir.", "<!--" * (n // 4)))),
        ("sanitize: '`a`<!--x-->' repeated", lambda n: (lambda: sanitize_translation("Voir.", "`a`<!--x-->" * (n // 11)))),
    ]


def poread_cases() -> list[tuple[str, Callable[[int], Callable[[], object]]]]:
    from pipeline.poread import parse_po

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return [  # n lines, not characters: the PO file is about 4n bytes
        ("poread: continuation lines", lambda n: (lambda: parse_po(header + 'msgid "x"\nmsgstr ""\n' + '"a"\n' * n))),
        ("poread: comment lines", lambda n: (lambda: parse_po(header + "# a\n" * n + 'msgid "x"\nmsgstr "y"\n'))),
    ]


def all_cases() -> list[tuple[str, Callable[[int], Callable[[], object]]]]:
    return [case for group in (qa_cases, sanitize_cases, poread_cases) for case in group()]


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=16_000, help="n, in characters (default 16000)")
    args = parser.parse_args(argv)
    n = args.size
    print(f"{'case':34} {'n':>10} {'2n':>10}  ratio (2 = linear)")
    for name, make in all_cases():
        first, second = seconds(make(n)), seconds(make(2 * n))
        print(f"{name:34} {first * 1000:8.1f}ms {second * 1000:8.1f}ms  {second / max(first, 1e-6):5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
