#!/usr/bin/env python3
"""Time our pipeline against its peers: translate-toolkit, mdpo and po4a.

A script to rerun by hand, not a test. For each corpus size (the real 432-page corpus and
a ten-times copy of it) and each task (extraction of PO templates; write-back of translated
pages from PO files), it runs every tool N times on the same files and prints the median
wall time, the peak memory of one run, what the run produced, and our speed-up.

    python3 benchmarks/peers.py                 # everything (peers installed when missing)
    python3 benchmarks/peers.py --quick         # 1x corpus, one run each
    python3 benchmarks/peers.py --only ours     # only our pipeline
    python3 benchmarks/peers.py --runs 5 --json benchmarks/.peers/results.json

The peers live in benchmarks/.peers/ (git-ignored): two virtualenvs (translate-toolkit
and mdpo both install commands named md2po and po2md) and po4a from Debian's packages.
See benchmarks/README.md for what each tool is asked to do and what the figures mean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import RSS_SOURCE, RunResult, Series, human_mib, run_timed, short_error  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"
VENV_TT = PEERS / "venv-tt"
VENV_MDPO = PEERS / "venv-mdpo"
DEFAULT_CORPUS = Path("/work/shared/corpus/intune-2016/en-us")
DEFAULT_PIPELINE = REPO / ".venv" / "bin" / "pipeline"
TARGET_LOCALE = "fr-FR"
TASKS = ("extract", "writeback")


# --------------------------------------------------------------------------- helpers

def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fill_po_text(text: str) -> str:
    """Copy each msgid into its empty msgstr: an identity translation, so that write-back
    really substitutes every segment. The header, plurals and filled entries are kept."""
    out = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.split("\n")
        i = next((k for k, l in enumerate(lines) if l.startswith("msgid ")), None)
        j = next((k for k, l in enumerate(lines) if l.startswith("msgstr ")), None)
        if i is None or j is None or j < i:
            out.append(block)
            continue
        msgid = lines[i:j]
        empty = lines[j] == 'msgstr ""' and not (j + 1 < len(lines) and lines[j + 1].startswith('"'))
        if msgid == ['msgid ""'] or not empty or any(l.startswith("msgid_plural") for l in msgid):
            out.append(block)
            continue
        out.append("\n".join(lines[:j] + ["msgstr" + msgid[0][len("msgid"):]] + msgid[1:] + lines[j + 1:]))
    return "\n\n".join(out)


def fill_tree(src: Path, dst: Path | None = None, suffix: str = ".po", fill: bool = True) -> int:
    """Fill every .pot/.po under src (into dst with ``suffix``, or in place); with ``fill``
    false, only copy them (empty translations). Returns the count."""
    n = 0
    for p in sorted(list(src.rglob("*.pot")) + list(src.rglob("*.po"))):
        q = p if dst is None else dst / p.relative_to(src).with_suffix(suffix)
        q.parent.mkdir(parents=True, exist_ok=True)
        text = p.read_text(encoding="utf-8", errors="surrogateescape")
        q.write_text(fill_po_text(text) if fill else text, encoding="utf-8", errors="surrogateescape")
        n += 1
    return n


def count_catalogs(folder: Path) -> str:
    files = [p for p in folder.rglob("*") if p.suffix in (".pot", ".po") and p.is_file()] if folder.exists() else []
    entries = 0
    for p in files:
        with open(p, encoding="utf-8", errors="replace") as fh:
            entries += sum(1 for line in fh if line.startswith("msgid "))
    entries -= len(files)  # one header entry a file
    return f"{len(files)} catalogs, {max(entries, 0)} msgids"


def count_files(folder: Path, pattern: str = "*") -> str:
    n = sum(1 for p in folder.rglob(pattern) if p.is_file()) if folder.exists() else 0
    return f"{n} files"


def rm(*paths: Path) -> None:
    for p in paths:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()


def quiet(cmd: list, log: Path, cwd: Path | None = None, timeout: float | None = None,
          env: dict[str, str] | None = None) -> RunResult:
    """An untimed helper command (setup), with the same error reporting."""
    return run_timed(cmd, log=log, cwd=cwd, timeout=timeout, env=env)


# --------------------------------------------------------------------------- the peers' install

def _venv_ok(venv: Path, probe: str) -> bool:
    py = venv / "bin" / "python"
    return py.exists() and subprocess.run([py, "-c", probe], capture_output=True).returncode == 0


def ensure_venv(venv: Path, requirement: str, probe: str) -> str:
    """Create ``venv`` with ``requirement`` unless ``probe`` already imports. Returns an error or ''."""
    if _venv_ok(venv, probe):
        return ""
    say(f"installing {requirement} into {venv.relative_to(REPO)} ...")
    PEERS.mkdir(parents=True, exist_ok=True)
    log = PEERS / f"install-{venv.name}.log"
    if not (venv / "bin" / "python").exists():
        r = quiet([sys.executable, "-m", "venv", str(venv)], log)
        if not r.ok:
            return f"venv creation failed: {r.error}"
    r = quiet([venv / "bin" / "python", "-m", "pip", "install", "--quiet", requirement], log, timeout=1200)
    if not r.ok:
        return f"pip install {requirement} failed: {r.error}"
    return "" if _venv_ok(venv, probe) else f"{requirement} installed but `{probe}` fails (see {log})"


def ensure_po4a() -> str:
    need = ("po4a", "po4a-updatepo", "po4a-translate")
    if all(shutil.which(n) for n in need):
        return ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "po4a is missing and cannot be installed here (needs root and apt-get: apt-get install po4a)"
    say("installing po4a from Debian's packages ...")
    log = PEERS / "install-po4a.log"
    PEERS.mkdir(parents=True, exist_ok=True)
    r = quiet(["apt-get", "install", "-y", "-q", "po4a"], log, timeout=1200)
    if not r.ok:
        quiet(["apt-get", "update", "-q"], PEERS / "apt-update.log", timeout=1200)
        r = quiet(["apt-get", "install", "-y", "-q", "po4a"], log, timeout=1200)
    if not all(shutil.which(n) for n in need):
        return f"apt-get install po4a failed: {r.error}"
    return ""


def version_of(cmd: list) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception as exc:  # noqa: BLE001 - a version is informative only
        return f"? ({exc})"


# --------------------------------------------------------------------------- corpora

@dataclass
class Corpus:
    label: str  # "1x", "10x"
    root: Path  # a throwaway project folder; its pages are in root/"source"
    pages: int = 0

    @property
    def src(self) -> Path:
        return self.root / "source"

    def md_files(self) -> list[Path]:
        return sorted(self.src.rglob("*.md"))


def make_corpus(base: Path, corpus: Path, copies: int) -> Corpus:
    label = f"{copies}x"
    root = base / f"corpus-{label}"
    rm(root)
    if copies == 1:
        shutil.copytree(corpus, root / "source")
    else:
        for k in range(copies):
            shutil.copytree(corpus, root / "source" / f"copy{k:02d}")
    (root / "pipeline.toml").write_text(
        'source = "source"\nlocales = "locales"\nout = "out"\n'
        f'source_locale = "en-US"\ntarget_locales = ["{TARGET_LOCALE}"]\n',
        encoding="utf-8",
    )
    c = Corpus(label, root)
    c.pages = len(c.md_files())
    return c


# --------------------------------------------------------------------------- the tools

MDPO_DRIVER = r'''
"""mdpo's Python API over a folder, one PO file a page (run by benchmarks/peers.py)."""
import json, sys
from pathlib import Path
from mdpo.md2po import markdown_to_pofile
from mdpo.po2md import pofile_to_markdown
mode, src, pos, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
ok, errors = 0, {}
for md in sorted(src.rglob("*.md")):
    rel = md.relative_to(src)
    try:
        if mode == "extract":
            pot = pos / rel.with_suffix(".pot")
            pot.parent.mkdir(parents=True, exist_ok=True)
            markdown_to_pofile(str(md), po_filepath=str(pot), save=True)
        else:
            po = pos / rel.with_suffix(".po")
            if not po.exists():
                raise FileNotFoundError(f"no PO file (its extraction failed)")
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            pofile_to_markdown(str(md), str(po), save=str(dst))
        ok += 1
    except Exception as exc:
        errors.setdefault(f"{type(exc).__name__}: {exc}", []).append(rel.as_posix())
print(json.dumps({"ok": ok, "failed": sum(map(len, errors.values())),
                  "errors": {k: v[:3] for k, v in errors.items()}}))
'''


class Tool:
    name = ""
    peer = True
    tasks: tuple[str, ...] = TASKS
    what: dict[str, str] = {}  # task -> the command, as documented

    def __init__(self, args: argparse.Namespace, base: Path) -> None:
        self.args, self.base = args, base
        self.unavailable = ""
        self.version = ""

    def work(self, c: Corpus) -> Path:
        return c.root / f"peer-{self.name}"

    def prepare(self, task: str, c: Corpus) -> str:
        """Untimed, once before the runs of a task. Returns an error or ''."""
        return ""

    def reset(self, task: str, c: Corpus) -> None:
        """Untimed, before each run: remove what the previous run wrote."""

    def command(self, task: str, c: Corpus) -> list:
        raise NotImplementedError

    def cwd(self, c: Corpus) -> Path:
        return self.work(c)

    def env(self) -> dict[str, str] | None:
        return None

    def produced(self, task: str, c: Corpus, log: Path) -> str:
        return ""

    def _extract_once(self, c: Corpus, marker: Path) -> str:
        """Run the extraction untimed when write-back needs its output and it is not there."""
        if marker.exists():
            return ""
        self.reset("extract", c)
        self.work(c).mkdir(parents=True, exist_ok=True)
        r = quiet(self.command("extract", c), self.work(c) / "setup-extract.log", cwd=self.cwd(c), env=self.env())
        return "" if r.ok else f"extraction (needed for write-back) failed: {r.error}"


class PotTreeTool(Tool):
    """A peer that writes a POT a page under pot/ and writes back from a PO tree under po/."""

    def reset(self, task, c):
        w = self.work(c)
        rm(w / ("pot" if task == "extract" else "out"))
        w.mkdir(parents=True, exist_ok=True)

    def prepare(self, task, c):
        if task == "writeback":
            err = self._extract_once(c, self.work(c) / "pot")
            if err:
                return err
            rm(self.work(c) / "po")
            fill_tree(self.work(c) / "pot", self.work(c) / "po", fill=not self.args.empty_po)
        return ""


class TranslateToolkit(PotTreeTool):
    name = "translate-toolkit"
    what = {
        "extract": "md2po --progress=none -P -i SRC -o POT/",
        "writeback": "po2md --progress=none -t SRC -i PO/ -o OUT/",
    }

    def command(self, task, c):
        w, b = self.work(c), VENV_TT / "bin"
        if task == "extract":
            return [b / "md2po", "--progress=none", "-P", "-i", c.src, "-o", w / "pot"]
        return [b / "po2md", "--progress=none", "-t", c.src, "-i", w / "po", "-o", w / "out"]

    def produced(self, task, c, log):
        w = self.work(c)
        return count_catalogs(w / "pot") if task == "extract" else count_files(w / "out", "*.md") + " .md"


class Mdpo(PotTreeTool):
    name = "mdpo"
    what = {
        "extract": "python: mdpo.md2po.markdown_to_pofile(page, po_filepath=POT, save=True) for each page",
        "writeback": "python: mdpo.po2md.pofile_to_markdown(page, PO, save=OUT) for each page",
    }

    def driver(self) -> Path:
        p = self.base / "mdpo_driver.py"
        if not p.exists():
            p.write_text(MDPO_DRIVER, encoding="utf-8")
        return p

    def command(self, task, c):
        w, py = self.work(c), VENV_MDPO / "bin" / "python"
        if task == "extract":
            return [py, self.driver(), "extract", c.src, w / "pot", "-"]
        return [py, self.driver(), "writeback", c.src, w / "po", w / "out"]

    def produced(self, task, c, log):
        w = self.work(c)
        done = count_catalogs(w / "pot") if task == "extract" else count_files(w / "out", "*.md") + " .md"
        try:
            report = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
            if report.get("failed"):
                first = next(iter(report["errors"].items()))
                done += f"; {report['failed']} pages failed ({first[0][:60]} in {first[1][0]})"
        except (OSError, ValueError, IndexError, StopIteration):
            pass
        return done


class MdpoCli(Tool):
    name = "mdpo-cli"
    tasks = ("extract",)
    what = {"extract": "md2po -q -s -p ALL.pot PAGE... (mdpo's command, every page into one catalog)"}

    def reset(self, task, c):
        rm(self.work(c) / "all.pot")
        self.work(c).mkdir(parents=True, exist_ok=True)

    def command(self, task, c):
        return [VENV_MDPO / "bin" / "md2po", "-q", "-s", "-p", self.work(c) / "all.pot", *c.md_files()]

    def produced(self, task, c, log):
        return count_catalogs(self.work(c)) if (self.work(c) / "all.pot").exists() else ""


class Po4a(Tool):
    name = "po4a"
    what = {
        "extract": "po4a --no-translations --force po4a.cfg  ([type: text] PAGE opt:\"-o markdown\" a page, one catalog)",
        "writeback": "po4a --no-update --force po4a.cfg",
    }

    def folder(self, c: Corpus, task: str) -> Path:
        # each task has its own folder, so that an extraction run never touches write-back's PO
        return self.work(c) / task

    def cfg(self, c: Corpus, task: str) -> Path:
        w = self.folder(c, task)
        cfg = w / "po4a.cfg"
        if not cfg.exists():
            w.mkdir(parents=True, exist_ok=True)
            lang = TARGET_LOCALE.replace("-", "_")
            lines = [
                f"[po4a_langs] {lang}",
                f"[po4a_paths] {w}/pot/all.pot $lang:{w}/po/$lang.po",
                "[options] -M UTF-8 -L UTF-8 -k 0",
            ]
            for md in c.md_files():
                rel = md.relative_to(c.src).as_posix()
                lines.append(f'[type: text] {md} $lang:{w}/out/$lang/{rel} opt:"-o markdown"')
            cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return cfg

    def reset(self, task, c):
        w = self.folder(c, task)
        if task == "extract":
            rm(w / "pot", w / "po")
            (w / "pot").mkdir(parents=True)
            (w / "po").mkdir(parents=True)  # po4a's msginit does not create it
        else:
            rm(w / "out")

    def prepare(self, task, c):
        cfg = self.cfg(c, task)
        if task == "writeback":
            w = self.folder(c, task)
            rm(w / "pot", w / "po")
            (w / "pot").mkdir(parents=True)
            (w / "po").mkdir(parents=True)
            r = quiet(["po4a", "--no-translations", "--force", cfg], w / "setup-extract.log", cwd=w)
            if not r.ok:
                return f"extraction (needed for write-back) failed: {r.error}"
            lang = TARGET_LOCALE.replace("-", "_")
            (w / "po" / f"{lang}.po").unlink(missing_ok=True)
            fill_tree(w / "pot", w / "po", fill=not self.args.empty_po)
            (w / "po" / "all.po").rename(w / "po" / f"{lang}.po")
        return ""

    def command(self, task, c):
        flag = "--no-translations" if task == "extract" else "--no-update"
        return ["po4a", flag, "--force", self.cfg(c, task)]

    def cwd(self, c):
        return self.work(c)

    def produced(self, task, c, log):
        w = self.folder(c, task)
        return count_catalogs(w / "pot") if task == "extract" else count_files(w / "out", "*.md") + " .md"


class Po4aUpdatepo(Tool):
    name = "po4a-updatepo"
    tasks = ("extract",)
    what = {"extract": "po4a-updatepo -f text -o markdown -M UTF-8 -m PAGE... -p ALL.pot (POT only, no PO)"}

    def reset(self, task, c):
        rm(self.work(c) / "all.pot")
        self.work(c).mkdir(parents=True, exist_ok=True)

    def command(self, task, c):
        masters = [a for md in c.md_files() for a in ("-m", md)]
        return ["po4a-updatepo", "-f", "text", "-o", "markdown", "-M", "UTF-8", *masters,
                "-p", self.work(c) / "all.pot"]

    def produced(self, task, c, log):
        return count_catalogs(self.work(c)) if (self.work(c) / "all.pot").exists() else ""


class Ours(Tool):
    name = "ours"
    peer = False
    what = {"extract": "pipeline -C PROJECT extract", "writeback": "pipeline -C PROJECT build"}

    snapshot: Path | None = None  # with --ours-rev: the committed pipeline/ package, exported here

    def proj(self, c: Corpus) -> Path:
        """Our project folder: the corpus folder itself (its pipeline.toml)."""
        return c.root

    def cwd(self, c):
        return self.proj(c)

    def env(self):
        if self.snapshot is None:
            return None
        return {**os.environ, "PYTHONPATH": str(self.snapshot)}

    def cli(self) -> list:
        if self.snapshot is None:
            return [self.args.pipeline]
        python = self.args.pipeline.parent / "python"
        return [python, "-c", "import sys; sys.argv[0] = 'pipeline'; from pipeline.cli import main; sys.exit(main())"]

    def take_snapshot(self, rev: str) -> str:
        """Export ``rev``'s pipeline/ so that files being edited in the work tree do not leak in."""
        dest = self.base / f"{self.name}-src"
        rm(dest)
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "pipeline"], capture_output=True)
        if archive.returncode:
            return f"git archive {rev} failed: {archive.stderr.decode(errors='replace').strip()}"
        untar = subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, capture_output=True)
        if untar.returncode:
            return f"tar failed: {untar.stderr.decode(errors='replace').strip()}"
        self.snapshot = dest
        return ""

    def reset(self, task, c):
        # cold runs: extract's memo of content hashes (out/.cache/sync.json) goes too, and
        # build's cache lives under out/, so neither run can skip work a previous run did
        if task == "extract":
            rm(self.proj(c) / "locales" / "pot", self.proj(c) / "out" / ".cache" / "sync.json")
        else:
            rm(self.proj(c) / "out")

    def prepare(self, task, c):
        if task != "writeback":
            return ""
        exe = self.cli()
        if not any((self.proj(c) / "locales" / "pot").rglob("*.pot")):
            r = quiet([*exe, "-C", self.proj(c), "extract"], self.proj(c) / "setup-extract.log", cwd=self.proj(c), env=self.env())
            if not r.ok:
                return f"`pipeline extract` (needed for build) failed: {r.error}"
        r = quiet([*exe, "-C", self.proj(c), "update"], self.proj(c) / "setup-update.log", cwd=self.proj(c), env=self.env())
        if not r.ok:
            return f"`pipeline update` (makes the {TARGET_LOCALE} PO files for build) failed: {r.error}"
        if not self.args.empty_po:
            n = fill_tree(self.proj(c) / "locales" / TARGET_LOCALE) if (self.proj(c) / "locales" / TARGET_LOCALE).is_dir() else 0
            if not n:
                return f"`pipeline update` wrote no PO file under locales/{TARGET_LOCALE}/"
        return ""

    def command(self, task, c):
        return [*self.cli(), "-C", self.proj(c), "extract" if task == "extract" else "build"]

    def produced(self, task, c, log):
        if task == "extract":
            return count_catalogs(self.proj(c) / "locales" / "pot")
        out = self.proj(c) / "out"
        per: dict[str, int] = {}
        for p in out.rglob("*") if out.exists() else []:
            if p.is_file() and not p.relative_to(out).parts[0].startswith("."):
                top = p.relative_to(out).parts[0]
                per[top] = per.get(top, 0) + 1
        return f"{sum(per.values())} files ({', '.join(f'{k} {v}' for k, v in sorted(per.items()))})"


class SideProject(Ours):
    """Our tool on its own project folder beside the corpus (`peer-<name>/`), same pages."""

    def proj(self, c):
        p = c.root / f"peer-{self.name}"
        if not (p / "pipeline.toml").exists():
            p.mkdir(parents=True, exist_ok=True)
            text = (c.root / "pipeline.toml").read_text(encoding="utf-8")
            (p / "pipeline.toml").write_text(text.replace('source = "source"', 'source = "../source"'), encoding="utf-8")
        return p

    def work(self, c):
        return self.proj(c)


class OursWarm(SideProject):
    """Our incremental runs: extract and build again over a project where nothing changed
    since the previous run (build's cache and extract's memo in out/.cache/ are kept)."""

    name = "ours-warm"
    what = {"extract": "pipeline -C PROJECT extract, again, nothing changed",
            "writeback": "pipeline -C PROJECT build, again, nothing changed"}

    def reset(self, task, c):
        pass

    def prepare(self, task, c):
        p = self.proj(c)
        if task == "writeback":
            err = super().prepare(task, c)
            if err:
                return err
        r = quiet(self.command(task, c), p / f"setup-first-{task}.log", cwd=p, env=self.env())
        return "" if r.ok else f"the first (cold) `pipeline {task}` failed: {r.error}"


class OursMarkdown(SideProject):
    """Write-back of the same kind of output as the peers: only the translated pages in
    their original Markdown format (`build --format frontmatter`), cold."""

    name = "ours-md"
    tasks = ("writeback",)
    what = {"writeback": "pipeline -C PROJECT build --format frontmatter"}

    def command(self, task, c):
        return [*self.cli(), "-C", self.proj(c), "build", "--format", "frontmatter"]


TOOLS = [Ours, OursWarm, OursMarkdown, TranslateToolkit, Mdpo, MdpoCli, Po4a, Po4aUpdatepo]
OURS = {"ours", "ours-warm", "ours-md"}


# --------------------------------------------------------------------------- running

@dataclass
class Row:
    tool: str
    task: str
    corpus: str
    pages: int
    series: Series
    note: str = ""
    produced: str = ""
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.skipped and self.series.ok


def measure_all(tools: list[Tool], c: Corpus, runs: int, slow: float, timeout: float,
                skip: dict[tuple[str, str], str]) -> list[Row]:
    """Every (tool, task) on one corpus, round-robin: run 1 of each, then run 2 of each, ...
    so that a burst of load from other work on the machine falls on all tools alike."""
    items: list[tuple[Tool, str, Row]] = []
    for t in tools:
        for task in t.tasks:
            row = Row(t.name, task, c.label, c.pages, Series())
            row.skipped = t.unavailable or skip.get((t.name, task), "")
            items.append((t, task, row))
    done: set[int] = set()
    for k in range(runs):
        for n, (tool, task, row) in enumerate(items):
            if row.skipped or n in done:
                continue
            if k == 0:
                tool.work(c).mkdir(parents=True, exist_ok=True)
                try:
                    err = tool.prepare(task, c)
                except Exception as exc:  # noqa: BLE001 - a peer that breaks is reported, not fatal
                    err = f"setup raised {type(exc).__name__}: {exc}"
                if err:
                    row.skipped = err
                    say(f"  {tool.name:18} {task:9} {c.label:>4} skipped: {short_error(err)[:150]}")
                    continue
            tool.reset(task, c)
            log = tool.work(c) / f"{task}.log"
            r = run_timed(tool.command(task, c), log=log, cwd=tool.cwd(c), timeout=timeout, env=tool.env())
            row.series.runs.append(r)
            say(f"  {tool.name:18} {task:9} {c.label:>4} run {k + 1}/{runs}: {r.seconds:8.2f} s"
                f"  cpu {r.cpu_seconds:7.2f} s  {human_mib(r.max_rss_kib):>5} MiB"
                f"{'  FAILED: ' + short_error(r.error)[:120] if not r.ok else ''}")
            if not r.ok:
                done.add(n)
            elif tool.peer and c.label != "1x" and r.seconds > slow and k + 1 < runs:
                row.note = f"1 run only (first run > {slow:.0f} s)"
                done.add(n)
    for tool, task, row in items:
        if row.series.runs:
            row.produced = tool.produced(task, c, tool.work(c) / f"{task}.log")
    return [row for _, _, row in items]


def compared_rows(path: Path, rows: list[Row], corpora: set[str]) -> list[Row]:
    """Peers' rows from an earlier --json file, for the (tool, task, corpus) not measured now."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        say(f"--compare {path}: cannot read it ({exc}); no saved figures used")
        return []
    measured = {(r.tool, r.task, r.corpus) for r in rows}
    out = []
    for d in data.get("results", []):
        key = (d.get("tool"), d.get("task"), d.get("corpus"))
        if d.get("tool") in OURS or key in measured or d.get("corpus") not in corpora:
            continue
        times = d.get("times_s") or []
        cpus = d.get("cpu_s") or [0.0] * len(times)
        rss = int((d.get("max_rss_mib") or 0) * 1024)
        row = Row(d["tool"], d["task"], d["corpus"], d.get("pages", 0),
                  Series([RunResult(t, rss, 0, c) for t, c in zip(times, cpus)]),
                  note=f"saved figure from {path.name} ({data.get('started', '?')})",
                  produced=d.get("produced", ""))
        if not d.get("ok") or not times:
            row.skipped = f"{d.get('error') or 'failed'} (saved figure from {path.name})"
        out.append(row)
    return out


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def report(rows: list[Row]) -> tuple[str, list[dict]]:
    lines, summary = [], []
    head = f"{'tool':18} {'task':9} {'corpus':>6} {'pages':>5} {'runs':>4} {'median s':>9} {'min s':>8} {'cpu s':>7} {'peak MiB':>8}  {'ours faster':>11}  produced / note"
    lines += [head, "-" * len(head)]
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.task, r.corpus), []).append(r)
    for (task, corpus), group in groups.items():
        ours = next((r for r in group if r.tool == "ours" and r.ok), None)
        peers_ok = [r for r in group if r.tool not in OURS and r.ok]
        warm = next((r for r in group if r.tool == "ours-warm" and r.ok), None)
        fastest = min(peers_ok, key=lambda r: r.series.median, default=None)
        for r in group:
            if r.skipped:
                lines.append(f"{r.tool:18} {task:9} {corpus:>6} {r.pages:>5} {'-':>4} {'skipped':>9} {'':8} {'':7} {'':8}  {'':11}  {short_error(r.skipped)[:200]}")
                continue
            s = r.series
            ratio = s.median / ours.series.median if (ours and r.ok and r.tool not in OURS) else None
            status = "" if r.ok else "FAILED: " + short_error(s.error)[:200]
            extra = "; ".join(x for x in (r.produced, r.note, status) if x)
            lines.append(
                f"{r.tool:18} {task:9} {corpus:>6} {r.pages:>5} {len(s.runs):>4} "
                f"{s.median if r.ok else float('nan'):>9.2f} {min(s.times) if s.runs else float('nan'):>8.2f} "
                f"{s.cpu_median:>7.2f} "
                f"{human_mib(s.max_rss_kib):>8}  {fmt_ratio(ratio):>11}  {extra}"
            )
        if ours and fastest:
            x = fastest.series.median / ours.series.median
            fastest_cpu = min(peers_ok, key=lambda r: r.series.cpu_median)
            xc = fastest_cpu.series.cpu_median / max(ours.series.cpu_median, 1e-9)
            verdict = "meets" if x >= 10 else "MISSES"
            lines.append(f"  => {task} {corpus}: ours {ours.series.median:.2f} s vs fastest peer {fastest.tool} "
                         f"{fastest.series.median:.2f} s: {x:.2f}x ({verdict} the 10x goal); by CPU time "
                         f"{ours.series.cpu_median:.2f} s vs {fastest_cpu.tool} {fastest_cpu.series.cpu_median:.2f} s: {xc:.2f}x")
            summary.append({"task": task, "corpus": corpus, "ours_s": ours.series.median,
                            "fastest_peer": fastest.tool, "fastest_peer_s": fastest.series.median,
                            "speedup_vs_fastest": x, "goal_10x_met": x >= 10,
                            "ours_cpu_s": ours.series.cpu_median, "fastest_peer_by_cpu": fastest_cpu.tool,
                            "fastest_peer_cpu_s": fastest_cpu.series.cpu_median, "speedup_vs_fastest_cpu": xc})
        same_kind = next((r for r in group if r.tool == "ours-md" and r.ok), None)
        if same_kind and fastest:
            xm = fastest.series.median / same_kind.series.median
            lines.append(f"  => {task} {corpus}, the peers' kind of output only (translated Markdown): ours-md "
                         f"{same_kind.series.median:.2f} s vs fastest peer {fastest.series.median:.2f} s: {xm:.2f}x")
            summary.append({"task": task, "corpus": corpus, "ours_md_s": same_kind.series.median,
                            "fastest_peer": fastest.tool, "speedup_same_output_vs_fastest": xm})
        if warm and fastest:
            xw = fastest.series.median / warm.series.median
            lines.append(f"  => {task} {corpus}, nothing changed since the last run: ours-warm {warm.series.median:.2f} s "
                         f"vs fastest peer (cold) {fastest.series.median:.2f} s: {xw:.2f}x")
            summary.append({"task": task, "corpus": corpus, "ours_warm_s": warm.series.median,
                            "fastest_peer": fastest.tool, "fastest_peer_s": fastest.series.median,
                            "speedup_warm_vs_fastest_cold": xw})
        lines.append("")
    return "\n".join(lines), summary


def main(argv: list[str] | None = None) -> int:
    # As on a user's machine, Python keeps the compiled modules it imports (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make every run of a Python tool compile its modules again)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs a measurement; the median is reported (default 3)")
    ap.add_argument("--sizes", default="1,10", help="corpus copies to measure, comma-separated (default 1,10)")
    ap.add_argument("--quick", action="store_true", help="short rerun: the 1x corpus only, one run each")
    ap.add_argument("--only", default="", help="comma-separated tools: " + ", ".join(t.name for t in TOOLS))
    ap.add_argument("--json", type=Path, help="save every run and the summary to this file")
    ap.add_argument("--compare", type=Path, metavar="FILE",
                    help="a --json file of an earlier run: its peers' figures fill in the tools not run now "
                         "(e.g. --only ours --compare benchmarks/.peers/results.json)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"folder of Markdown pages (default {DEFAULT_CORPUS})")
    ap.add_argument("--pipeline", type=Path, default=DEFAULT_PIPELINE, help="our CLI (default .venv/bin/pipeline)")
    ap.add_argument("--slow", type=float, default=20.0, help="a peer slower than this (s) on a copied corpus gets one run only (default 20)")
    ap.add_argument("--timeout", type=float, default=1200.0, help="seconds before one run is killed (default 1200)")
    ap.add_argument("--ours-rev", metavar="REV", help="run our pipeline/ as committed at REV (e.g. HEAD), "
                    "exported to the work folder, instead of the live work tree that others may be editing")
    ap.add_argument("--empty-po", action="store_true", help="write back from empty PO files instead of identity-filled ones")
    ap.add_argument("--no-install", action="store_true", help="do not install missing peers")
    ap.add_argument("--workdir", type=Path, help="where to lay the corpus copies (default: a fresh temp folder, removed after)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (to look at the outputs)")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "1", 1
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = wanted - {t.name for t in TOOLS}
    if unknown:
        ap.error(f"unknown tool(s) in --only: {', '.join(sorted(unknown))}")
    if not args.corpus.is_dir():
        ap.error(f"no corpus folder {args.corpus}")

    base = args.workdir or Path(tempfile.mkdtemp(prefix="peers-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    tools = [T(args, base) for T in TOOLS if not wanted or T.name in wanted]

    # Install what is missing; a peer that cannot be had is reported, not fatal.
    names = {t.name for t in tools}
    errs = {}

    def have(present, install) -> str:
        if present():
            return ""
        return "not installed (--no-install)" if args.no_install else install()

    tt_probe, mdpo_probe = "import translate.storage.markdown", "import mdpo.md2po, mdpo.po2md"
    if "translate-toolkit" in names:
        errs["translate-toolkit"] = have(lambda: _venv_ok(VENV_TT, tt_probe),
                                         lambda: ensure_venv(VENV_TT, "translate-toolkit[markdown]", tt_probe))
    if names & {"mdpo", "mdpo-cli"}:
        errs["mdpo"] = errs["mdpo-cli"] = have(lambda: _venv_ok(VENV_MDPO, mdpo_probe),
                                               lambda: ensure_venv(VENV_MDPO, "mdpo", mdpo_probe))
    if names & {"po4a", "po4a-updatepo"}:
        errs["po4a"] = errs["po4a-updatepo"] = have(
            lambda: all(shutil.which(n) for n in ("po4a", "po4a-updatepo", "po4a-translate")), ensure_po4a)
    for t in tools:
        t.unavailable = errs.get(t.name, "")
        if isinstance(t, Ours) and not os.access(args.pipeline, os.X_OK):
            t.unavailable = f"our CLI {args.pipeline} is missing"
        elif isinstance(t, Ours) and args.ours_rev:
            t.unavailable = t.take_snapshot(args.ours_rev)

    versions = {}
    if "translate-toolkit" in names and not errs.get("translate-toolkit"):
        versions["translate-toolkit"] = version_of([VENV_TT / "bin" / "md2po", "--version"])
    if names & {"mdpo", "mdpo-cli"} and not errs.get("mdpo"):
        versions["mdpo"] = version_of([VENV_MDPO / "bin" / "md2po", "--version"])
    if names & {"po4a", "po4a-updatepo"} and not errs.get("po4a"):
        versions["po4a"] = version_of(["po4a", "--version"])
    if any(isinstance(t, Ours) and not t.unavailable for t in tools):
        git = ["git", "-C", str(REPO)]
        rev = subprocess.run([*git, "rev-parse", "--short", args.ours_rev or "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        if args.ours_rev:
            versions["ours"] = f"pipeline/ as committed at {rev} (exported snapshot)"
        else:
            dirty = subprocess.run([*git, "status", "--porcelain", "--", "pipeline"],
                                   capture_output=True, text=True).stdout.strip()
            versions["ours"] = f"the work tree at {rev}" + (
                f", with uncommitted changes in {len(dirty.splitlines())} file(s) of pipeline/" if dirty else "")

    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load = os.getloadavg()
    say(f"work folder {base}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    rows: list[Row] = []
    failed_small: dict[tuple[str, str], str] = {}
    try:
        for copies in sizes:
            say(f"laying out the {copies}x corpus ...")
            c = make_corpus(base, args.corpus, copies)
            for row in measure_all(tools, c, args.runs, args.slow, args.timeout, failed_small):
                if not row.ok and (row.tool, row.task) not in failed_small:
                    failed_small[(row.tool, row.task)] = f"not run: failed on the {row.corpus} corpus"
                rows.append(row)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
        elif args.keep:
            say(f"outputs kept in {base}")

    if args.compare:
        rows += compared_rows(args.compare, rows, {f"{n}x" for n in sizes})
    table, summary = report(rows)
    print(f"# peers benchmark {started}, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load average at start {load[0]:.2f}; runs={args.runs}; PO for write-back: "
          f"{'empty' if args.empty_po else 'identity-filled (msgstr = msgid)'}")
    for k, v in versions.items():
        print(f"#   {k}: {v}")
    print(f"#   peak memory: {RSS_SOURCE}")
    print()
    print(table)
    ours_rows = [r for r in rows if r.tool in OURS and r.series.runs]
    if ours_rows:
        peak = max(r.series.max_rss_kib for r in ours_rows)
        print(f"our peak memory (largest max RSS of one `pipeline` run): {peak / 1024:.0f} MiB")

    if args.json:
        data = {
            "started": started, "host": platform.node(), "cpus": os.cpu_count(), "load_at_start": load,
            "runs": args.runs, "rss_source": RSS_SOURCE, "po_for_writeback": "empty" if args.empty_po else "identity-filled",
            "versions": versions, "commands": {t.name: t.what for t in tools},
            "results": [
                {"tool": r.tool, "task": r.task, "corpus": r.corpus, "pages": r.pages,
                 "median_s": r.series.median if r.ok else None, "times_s": r.series.times,
                 "cpu_s": [run.cpu_seconds for run in r.series.runs],
                 "max_rss_mib": round(r.series.max_rss_kib / 1024, 1), "ok": r.ok,
                 "error": r.skipped or r.series.error, "produced": r.produced, "note": r.note}
                for r in rows
            ],
            "summary": summary,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
        say(f"results saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
