"""Time `make build` (`pipeline all`) on the real corpus: cold, no-change, one-PO-change.

A script to rerun by hand, not a test:

    .venv/bin/python benchmarks/build.py                 # 1, 2 and all cores, 3 runs each
    .venv/bin/python benchmarks/build.py --jobs 1,2 --runs 5 --json results.json

Setup (untimed): a throwaway project whose source is the 432 English pages of
`../shared/corpus/intune-2016/en-us/`, with fr-FR, de-DE and ja-JP filled by `pipeline
import` from the real professional translations (so each locale's pages really differ,
as on a translated site), then one `pipeline all` to create the PO files.

Timed, for each worker count, as whole commands (`pipeline -C PROJECT all -j N`, what
`make build` runs, process start included):

- cold: `out/` removed first (so every page x locale x format is rendered again and the
  build cache is gone);
- no change: run again, nothing changed;
- one PO change: one message of one fr-FR page changed, then run again.

Peak memory is the largest resident set of any one process of the run (the command or a
worker), from `getrusage(RUSAGE_CHILDREN)` in a fresh wrapper process per run.
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

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "intune-2016"
PIPELINE = REPO / ".venv" / "bin" / "pipeline"
LOCALES = {"fr-FR": "fr-fr", "de-DE": "de-de", "ja-JP": "ja-jp"}
CHANGED_PAGE = "InTuneDocs/EndUser/you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.po"

_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def run_timed(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command, measured in a fresh wrapper."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *command], check=True, capture_output=True, text=True)
    seconds, rss, code = out.stdout.split()
    if code not in ("0", "1"):  # 1: content findings (the real translations have defects QA reports)
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return float(seconds), int(rss)


def make_project(root: Path) -> Path:
    project = root / "site"
    (project / "locales").mkdir(parents=True)
    (project / "pipeline.toml").write_text(
        f'source = "{(CORPUS / "en-us").as_posix()}"\nsource_locale = "en-US"\n'
        f"target_locales = {json.dumps(list(LOCALES))}\n", encoding="utf-8")
    subprocess.run([str(PIPELINE), "-C", str(project), "extract"], check=True, stdout=subprocess.DEVNULL)
    for locale, folder in LOCALES.items():
        subprocess.run([str(PIPELINE), "-C", str(project), "import", "--locale", locale, "--from", str(CORPUS / folder)],
                       check=True, stdout=subprocess.DEVNULL)
    done = subprocess.run([str(PIPELINE), "-C", str(project), "all"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):  # 1: the published translations' own defects, reported by QA
        raise SystemExit(f"pipeline all exited {done.returncode}")
    return project


def change_one_message(project: Path, round_: int) -> None:
    po = project / "locales" / "fr-FR" / CHANGED_PAGE
    text = po.read_text(encoding="utf-8")
    marker = 'msgstr "'
    at = text.index(marker, text.index("\n\n") + 2) + len(marker)  # first message after the header
    po.write_text(text[:at] + f"[{round_}] " + text[at:], encoding="utf-8")


def measure(project: Path, jobs: int, runs: int) -> dict[str, dict[str, float]]:
    command = [str(PIPELINE), "-C", str(project), "all", "-j", str(jobs)]
    samples: dict[str, list[tuple[float, int]]] = {"cold": [], "no change": [], "one PO change": []}
    for round_ in range(runs):
        shutil.rmtree(project / "out", ignore_errors=True)
        samples["cold"].append(run_timed(command))
        samples["no change"].append(run_timed(command))
        change_one_message(project, round_)
        samples["one PO change"].append(run_timed(command))
    return {
        name: {"median_s": statistics.median(s for s, _ in values), "best_s": min(s for s, _ in values),
               "peak_rss_mb": max(r for _, r in values) / 1024}
        for name, values in samples.items()
    }


def require_inputs() -> None:
    """Stop with a message when our CLI or the corpus is missing."""
    if not PIPELINE.exists():
        raise SystemExit(f"{PIPELINE} is missing: run `make build` first")
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} is missing")


def write_json(path: str | None, figures: object) -> None:
    """The figures as JSON in ``path`` (``--json``), if one was given."""
    if path:
        Path(path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    # As on a user's machine, Python keeps the compiled modules it imports (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make every run of a Python tool compile its modules again)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default=f"1,2,{os.cpu_count() or 1}", help="worker counts (default 1,2,all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    require_inputs()
    jobs = sorted({int(j) for j in args.jobs.split(",")})
    with tempfile.TemporaryDirectory(prefix="pipeline-build-bench-") as tmp:
        started = time.perf_counter()
        project = make_project(Path(tmp))
        print(f"setup (extract, import fr-FR de-DE ja-JP, first build): {time.perf_counter() - started:.1f}s")
        print(f"load average: {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores; "
              "432 pages x 4 locales (en-US source, fr-FR, de-DE, ja-JP) x 3 formats")
        results = {}
        print(f"{'jobs':>4}  {'run':<14} {'median s':>9} {'best s':>7} {'peak MB':>8}")
        for n in jobs:
            results[str(n)] = measure(project, n, args.runs)
            for name, figures in results[str(n)].items():
                print(f"{n:>4}  {name:<14} {figures['median_s']:>9.2f} {figures['best_s']:>7.2f} {figures['peak_rss_mb']:>8.0f}")
    write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
