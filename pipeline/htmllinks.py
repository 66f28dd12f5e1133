"""Links and ids of one built HTML page, parsed with lxml, as a ``linkscan.PageScan``.

In: the text of an HTML page (``out/html/<locale>/<page>.html``). Out: a ``PageScan`` whose
links are the ``href``/``src`` attributes of ``a``, ``area``, ``link``, ``img``, ``source``
and ``iframe`` elements (kind ``html``), whose explicit anchors are every ``id`` and every
``<a name>``, with no headings (an HTML heading's id is already an ``id``) and nothing
malformed (a browser parses any HTML). Positions: 1-based line of the element's start tag
(lxml's ``sourceline``) and the character column of its ``<``. Pure.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from .linkscan import Link, PageScan

_LINK_ATTRIBUTE = {"a": "href", "area": "href", "link": "href", "img": "src", "source": "src", "iframe": "src"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def scan_html(text: str) -> PageScan:
    """Links and ids of an HTML page (see the module docstring)."""
    if not text.strip():
        return PageScan((), (), (), frozenset())
    lines = _NEWLINE.split(text)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return PageScan((), (), (), frozenset())
    links: list[Link] = []
    ids: set[str] = set()
    searched_from: dict[int, int] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        identifier = element.get("id")
        if identifier:
            ids.add(identifier)
        if tag == "a" and element.get("name"):
            ids.add(element.get("name") or "")
        attribute = _LINK_ATTRIBUTE.get(tag)
        value = element.get(attribute) if attribute else None
        if value is None or not value.strip():
            continue
        line = element.sourceline or 1
        column = _column(lines, line, tag, searched_from)
        links.append(Link(value.strip(), line, column, element.text_content().strip() if tag == "a" else
                          element.get("alt", ""), tag == "img", "html"))
    return PageScan(tuple(links), (), (), frozenset(ids))


def _column(lines: list[str], line: int, tag: str, searched_from: dict[int, int]) -> int:
    """Column of the next ``<tag`` on ``line`` (successive elements on a line in order)."""
    if not 1 <= line <= len(lines):
        return 1
    text = lines[line - 1]
    start = searched_from.get(line, 0)
    match = re.compile(rf"<{re.escape(tag)}\b", re.IGNORECASE).search(text, start)
    if match is None:
        return 1
    searched_from[line] = match.end()
    return match.start() + 1
