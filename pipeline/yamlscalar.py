"""Whether a string may be written as a plain YAML scalar: text in, a yes or no out.

A translated front-matter value is written plain when YAML reads it back as the same string
(``render.yaml_scalar``) and quoted otherwise, and QA takes a value that needs quotes for no
finding (``qa.needs_quoting``): both ask this module, so the build and ``pipeline check``
agree on every value.
"""

from __future__ import annotations

import yaml

_STR_TAG = "tag:yaml.org,2002:str"


def reads_back_plain(value: str) -> bool:
    """True when ``key: value`` reads back, with PyYAML's own loader (``yaml.safe_load``: the
    strictest reader of our outputs, see ``render._with_spaces_around``), as the string ``value``.

    Decided from the composed node, not by loading: the resolver says what the scalar would
    become, and constructing it is what fails. ``2016-13-01`` resolves to a timestamp and
    ``!!int abc`` carries an int tag; building those raised ValueError, not YAMLError, which
    ended the build with a traceback. Such a value needs quotes, which is all we need to know.
    A value nested deeper than Python's recursion limit (``[`` x 5,000) needs them too."""
    try:
        root = yaml.compose(f"key: {value}\n", Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return False
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        return False
    key, node = root.value[0]
    return (isinstance(key, yaml.ScalarNode) and key.value == "key"
            and isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG and node.value == value)
