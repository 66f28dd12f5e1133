#!/usr/bin/env python3
"""Time the scanners on hostile inputs at n and 2n characters and print the growth ratio.

A script to rerun by hand, not a test (``tests/test_links.py`` checks what these payloads
give). A ratio of about 2 when the input doubles is linear; about 4 is quadratic. Each case is
one function call in this process, the best of ``--runs`` (default 1), so nothing but the
function is timed::

    python3 benchmarks/hostile.py                    # n = 16000 and 32000
    python3 benchmarks/hostile.py --n 16000,32000,64000 --runs 3
    python3 benchmarks/hostile.py --only linkscan    # the cases of one group (comma list)

Groups of cases are functions returning (name, generator) pairs, a generator taking the
length ``n`` and returning the text; ``GROUPS`` lists them with the function they time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def linkscan_cases() -> list[tuple[str, Callable[[int], str]]]:
    """Payloads for ``pipeline.linkscan.scan_text``: one paragraph of link syntax that never
    closes (each ``](`` used to walk the rest of the paragraph or 4,000 characters back)."""
    return [
        ("unclosed '[a](' repeated", _repeat("[a](")),
        ("'](' repeated (no opener)", _repeat("](")),
        ("'[a](' then spaces", lambda n: "[a](" + " " * (n - 4)),
        ("'[a](x (' repeated (title never closed)", _repeat("[a](x (")),
        ("'[a](' lines (one paragraph)", _repeat("[a](\n")),
        ("mixed '[a](' '](' '[b](c d' '\\[' '(('", _repeat("[a](](x[b](c d \\[((")),
        ("'[' then '](' (nested openers)", lambda n: "[" * (n // 3) + _repeat("](")(n - n // 3)),
    ]


def _scan_text() -> Callable[[str], object]:
    from pipeline.linkscan import scan_text

    return scan_text


GROUPS: dict[str, tuple[Callable[[], list[tuple[str, Callable[[int], str]]]], Callable[[], Callable[[str], object]]]] = {
    "linkscan": (linkscan_cases, _scan_text),
}


def _best(function: Callable[[str], object], text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default="16000,32000", help="comma list of input lengths (default 16000,32000)")
    parser.add_argument("--runs", type=int, default=1, help="best of this many calls (default 1)")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma list of groups: " + ", ".join(GROUPS))
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.n.split(",")]
    import pipeline

    print(f"pipeline from {Path(pipeline.__file__).parent}")
    for group in args.only.split(","):
        cases, target = GROUPS[group]
        function = target()
        print(f"\n{group}: " + "  ".join(f"{'n=' + str(size):>10}" for size in sizes) + "   growth ratios")
        for name, generate in cases():
            seconds = [_best(function, generate(size), args.runs) for size in sizes]
            ratios = [later / earlier if earlier > 0 else float("nan") for earlier, later in zip(seconds, seconds[1:])]
            print(f"  {name:<42}" + "".join(f"{s:>10.4f}s" for s in seconds)
                  + "   " + " ".join(f"x{r:.2f}" for r in ratios), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
