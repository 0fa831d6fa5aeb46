"""YAML reading that remembers line numbers, so errors can say ``file:line: message``."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class YamlError(ValueError):
    """A file that is not valid YAML; ``line`` says where the parser stopped."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


_SCALARS = yaml.SafeLoader("")  # only its scalar constructors are used


def load_yaml(text: str):
    """Parse ``text`` into LineDict/LineList/scalars. Raises YamlError with a line number."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(f"invalid YAML: {exc.problem or exc}", line) from exc
    if node is None:
        return None
    return _convert(node)


def _convert(node):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise YamlError(f"duplicate key '{key}'", key_node.start_mark.line + 1)
            out[key] = _convert(value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_convert(n) for n in node.value)
        seq.line = line
        seq.item_lines = [n.start_mark.line + 1 for n in node.value]
        return seq
    # Scalars: let the safe constructor resolve the tag (bool, int, str…).
    return _SCALARS.construct_object(node, deep=True)
