"""The spellings of DocFX's Markdown extensions and of HTML comments, shared by the modules
that read (``source``), check (``qa``, ``sanitize``) and write (``render``, ``pseudo``) them.

Imports nothing: ``pseudo`` must not load what ``source`` loads (markdown-it).
"""

ALERT_KINDS = ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")  # ``> [!NOTE]``, any letter case
ALERT_KIND = "|".join(ALERT_KINDS)  # a regular-expression alternation of them
# "<!--" to the first "-->", as CommonMark 0.31 and the docs platform read a comment (re.DOTALL)
COMMENT = r"<!--.*?-->"
