"""What an error table is: the rule ``source`` (extraction) and ``linkscan`` (the anchors a
page answers) share, so that the rows a build gives an ``id`` are the fragments the check
accepts.

A code is CamelCase with at least two capitals, UPPER_SNAKE, hex, or a number of three or
more digits; a table is an error table when it has at least two body rows and every first
cell is a code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ERROR_CODE = re.compile(
    r"^(?:0x[0-9A-Fa-f]+|-?[0-9]{3,}|[A-Z][A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9_]*|[A-Z]{2,}[a-z]+[A-Za-z0-9_]*"
    r"|[A-Z][A-Z0-9]*_[A-Z0-9_]+)$"
)


def is_error_table(first_cells: Sequence[str]) -> bool:
    """The first cells of a table's body rows make it an error table."""
    return len(first_cells) >= 2 and all(ERROR_CODE.match(cell) for cell in first_cells)
