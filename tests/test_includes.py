"""Nested and looping DocFX includes: the rule (``pipeline.includes``), the pages the build
writes from it, and ``pipeline check`` on the same pages.

The end-to-end tests build real corpus pages: ``GetStarted/choose-how-to-manage-devices.md``
includes ``includes/mdm-supported-devices.md`` (as in the corpus), which is made to include a
file of another folder, which includes ``wit_nextref_md.md`` (the product name) inside a
sentence: three levels, each with its own folder and catalog.
"""

from __future__ import annotations

from pipeline.includes import LIMIT, LOOP, MAX_DEPTH, MAX_INCLUDES, walk_includes


# --- the rule (pure) ---------------------------------------------------------------------------


def _graph(edges: dict[str, list[str | None]]):
    return lambda path: edges.get(path, ())


def test_nested_includes_are_walked_depth_first_and_each_file_is_listed_once():
    walk = walk_includes("a.md", _graph({"a.md": ["b.md", "c.md"], "b.md": ["d.md", None], "c.md": ["d.md"]}))
    assert walk.pages == ("a.md", "b.md", "d.md", "c.md")
    assert walk.refused == ()


def test_a_self_include_and_a_cycle_are_refused_where_they_close():
    self_walk = walk_includes("a.md", _graph({"a.md": ["x.md", "a.md"]}))
    assert [(r.code, r.holder, r.index, r.top) for r in self_walk.refused] == [(LOOP, "a.md", 1, 1)]
    cycle = _graph({"a.md": ["b.md"], "b.md": ["c.md"], "c.md": ["a.md"]})
    assert [(r.code, r.holder, r.index) for r in walk_includes("a.md", cycle).refused] == [(LOOP, "c.md", 0)]
    assert [(r.code, r.holder, r.index) for r in walk_includes("b.md", cycle).refused] == [(LOOP, "a.md", 0)]
    assert walk_includes("b.md", cycle).pages == ("b.md", "c.md", "a.md")


def test_depth_and_count_are_bounded_without_recursion_errors():
    chain = {f"f{k}.md": [f"f{k + 1}.md"] for k in range(5000)}  # deeper than Python's stack
    walk = walk_includes("f0.md", _graph(chain))
    assert len(walk.pages) == MAX_DEPTH + 1
    assert [(r.code, r.holder, r.top) for r in walk.refused] == [(LIMIT, f"f{MAX_DEPTH}.md", 0)]
    fan = {f"x{k}.md": [f"x{k + 1}.md"] * 4 for k in range(MAX_DEPTH)}  # 4 + 16 + ... includes
    walk = walk_includes("x0.md", _graph(fan))
    assert walk.pages == tuple(f"x{k}.md" for k in range(MAX_DEPTH + 1))
    assert walk.refused and {r.code for r in walk.refused} == {LIMIT}
    expanded = sum(4 ** k for k in range(1, MAX_DEPTH + 1))
    assert expanded > MAX_INCLUDES and len(walk.refused) < expanded - MAX_INCLUDES + 4 * MAX_DEPTH
