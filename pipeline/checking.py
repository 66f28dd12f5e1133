"""``pipeline check``: links and translation QA over the sources and every built locale.

(Placeholder: the full command is being written; see the issue "Link validation for CI".)
"""

from __future__ import annotations

import argparse

from .config import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pipeline check``."""


def run_check(settings: Settings, args: argparse.Namespace) -> int:
    """Run the checks, print the report, return the exit status (0 clean, 1 findings, 2 usage)."""
    return 0
