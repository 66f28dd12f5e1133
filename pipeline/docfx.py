"""The spellings of DocFX's Markdown extensions, of HTML comments and of a pipe table's
delimiter row, shared by the modules that read (``source``, ``linkscan``), check (``qa``,
``sanitize``) and write (``render``, ``pseudo``) them.

Imports nothing but ``re``: ``pseudo`` must not load what ``source`` loads (markdown-it).
"""

import re

ALERT_KINDS = ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")  # ``> [!NOTE]``, any letter case
ALERT_KIND = "|".join(ALERT_KINDS)  # a regular-expression alternation of them
# "<!--" to the first "-->", as CommonMark 0.31 and the docs platform read a comment (re.DOTALL)
COMMENT = r"<!--.*?-->"
# A pipe table's delimiter row after its indentation, as markdig reads one (``pipetable``, rule
# 3): '| --- | :-: |', '--- | ---', ': -- :|--', '| --- | | --- |' (an empty cell); a '|' and a
# '-' in it. The quantifiers are possessive: shared out by backtracking with the row's last
# blanks, "|-" and 16,000 spaces before a letter took a second (quadratic).
_DELIMITER_CELL = r"(?:[ \t]*+(?::[ \t]*+)?-++[ \t]*+(?::[ \t]*+)?|[ \t]*+)"
DELIMITER_ROW = (r"(?=[^\r\n|]*+\|)(?=[^\r\n-]*+-)\|?" + _DELIMITER_CELL + r"(?:\|" + _DELIMITER_CELL
                 + r")*+\|?[ \t]*")
# A DocFX extension: "[!" and its keyword, then a file reference ("[!INCLUDE[title](path)]",
# "[!code-csharp[name](path)]") or the rest of the marker ("[!VIDEO url]", "[!NOTE]",
# "[!div class=...]"). Each pastes a file, embeds a frame or makes a block.
EXTENSION = (r"\[!(?P<keyword>[A-Za-z][\w-]*)[ \t]*"
             r"(?:\[(?:[^\[\]\\]|\\.)*\]\((?P<path>[^()\s]*)\)|(?P<rest>[^\[\]\n]*))\]?")


def extension_key(found: "re.Match[str]") -> str:
    """What an ``EXTENSION`` match does, spelled one way: its keyword in capitals and its file
    (an include's title is not shown) or its argument, ``[!INCLUDE[…](a.md)]``, ``[!NOTE]``."""
    keyword = found.group("keyword").upper()
    if found.group("path") is not None:
        return f"[!{keyword}[…]({found.group('path')})]"
    rest = " ".join(found.group("rest").split())
    return f"[!{keyword}{' ' + rest if rest else ''}]"
