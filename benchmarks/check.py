#!/usr/bin/env python3
"""Time `pipeline check` on the real corpus in four locales, cold and after small changes.

A script to rerun by hand, not a test:

    python3 benchmarks/check.py              # 3 runs of each situation
    python3 benchmarks/check.py --runs 5 --json results.json

Setup (untimed): a throwaway project whose source is a copy of the 432 English pages of
`../shared/corpus/intune-2016/en-us/` (a copy, so that a page can be edited), with the Intune
site map, and fr-FR, de-DE and ja-JP filled by `pipeline import` from the real professional
translations; then `pipeline all`.

Timed, as whole commands (`pipeline -C PROJECT check`, process start included), each after
`pipeline all` has built the change (untimed):

- cold, `-j 1` and default jobs: `out/.cache/links*.json` and `check-*.json` (the stored reports, the
  files' known digests) removed;
- nothing changed: the same command again (the stored report is printed);
- one PO change: one fr-FR message changed;
- one page edited: a word of one English page changed;
- a page added: a new English page (every built page's file list changes).

After each timed run the report is compared with `pipeline check --no-cache -j 1`
(untimed), which reuses nothing: a difference is printed and the script exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import CORPUS, LOCALES, PIPELINE, require_inputs, write_json  # noqa: E402
from links import SITE_MAP  # noqa: E402

EDITED = "InTuneDocs/EndUser/you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md"
PO_PAGE = "InTuneDocs/EndUser/TOC.po"


def pipeline(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PIPELINE), "-C", str(project), *args], capture_output=True, text=True)


def make_project(root: Path) -> Path:
    project = root / "site"
    shutil.copytree(CORPUS / "en-us", project / "source")
    (project / "locales").mkdir()
    site_map = "\n".join(f'"{prefix}" = "{folder}"' for prefix, folder in (e.split("=", 1) for e in SITE_MAP))
    (project / "pipeline.toml").write_text(
        f'source = "source"\nsource_locale = "en-US"\ntarget_locales = {json.dumps(list(LOCALES))}\n\n'
        f"[site_map]\n{site_map}\n", encoding="utf-8")
    pipeline(project, "extract")
    for locale, folder in LOCALES.items():
        pipeline(project, "import", "--locale", locale, "--from", str(CORPUS / folder))
    build(project)
    return project


def build(project: Path) -> None:
    done = pipeline(project, "all")
    if done.returncode not in (0, 1):  # 1: the published translations' own defects, reported by QA
        raise SystemExit(f"pipeline all exited {done.returncode}: {done.stderr[-500:]}")


def timed_check(project: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = pipeline(project, "check", *args)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"pipeline check exited {done.returncode}: {done.stderr[-500:]}")
    fresh = pipeline(project, "check", "--no-cache", "-j", "1", *args)
    if fresh.stdout != done.stdout:
        raise SystemExit(f"the check with its caches ({' '.join(args)}) differs from --no-cache")
    return seconds, done.stdout


def forget(project: Path) -> None:
    """Drop what the check stored: scans and results (``links.json`` and each locale's
    ``links-<locale>.json``), the stored runs and the files' known digests."""
    cache = project / "out" / ".cache"
    for path in [*cache.glob("links*.json"), *cache.glob("check-*.json")]:
        path.unlink(missing_ok=True)


def edit_po(project: Path, round_: int) -> None:
    po = project / "locales" / "fr-FR" / PO_PAGE
    text = po.read_text(encoding="utf-8")
    at = text.index('msgstr "', text.index("\n\n") + 2) + len('msgstr "')  # first message after the header
    po.write_text(text[:at] + f"[{round_}] " + text[at:], encoding="utf-8")


def edit_page(project: Path, round_: int) -> None:
    page = project / "source" / EDITED
    page.write_text(page.read_text(encoding="utf-8").replace("Intune", f"Intune{round_}", 1), encoding="utf-8")


def add_page(project: Path, round_: int) -> None:
    (project / "source" / "InTuneDocs" / f"added-{round_}.md").write_text(
        f"# Added {round_}\n\nSee [the page]({EDITED.split('/', 1)[1]}).\n", encoding="utf-8")


def measure(project: Path, runs: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in (
        "cold -j 1", "cold", "nothing changed", "one PO change", "one page edited", "a page added")}
    for round_ in range(runs):
        forget(project)
        samples["cold -j 1"].append(timed_check(project, "-j", "1")[0])
        forget(project)
        samples["cold"].append(timed_check(project)[0])
        samples["nothing changed"].append(timed_check(project)[0])
        for name, change in (("one PO change", edit_po), ("one page edited", edit_page), ("a page added", add_page)):
            change(project, round_)
            build(project)
            samples[name].append(timed_check(project)[0])
    return samples


def main() -> int:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine (see build.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    require_inputs()
    with tempfile.TemporaryDirectory(prefix="pipeline-check-bench-") as tmp:
        started = time.perf_counter()
        project = make_project(Path(tmp))
        print(f"setup (copy, extract, import fr-FR de-DE ja-JP, first build): {time.perf_counter() - started:.1f}s")
        print(f"load average: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores; 432 pages x 4 locales x 3 formats; "
              f"each report equal to --no-cache's")
        samples = measure(project, args.runs)
    print(f"{'pipeline check':<18} {'median s':>9} {'best s':>7}")
    for name, values in samples.items():
        print(f"{name:<18} {statistics.median(values):>9.2f} {min(values):>7.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    write_json(args.json, samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
