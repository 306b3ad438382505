"""Safe YAML loading in two steps, node tree then data, for the merge driver: libyaml composes
the tree (with each node's position, which yamlsplice needs) and a small builder turns it
into data several times faster than PyYAML's generic constructor. Strict like schema.py: a key
given twice in one mapping, a `<<:` merge key or a recursive alias is refused."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from typing import Any

_STR = "tag:yaml.org,2002:str"


class Unreadable(ValueError):
    """Text the driver does not merge as YAML data."""


def compose(text: str) -> Any:
    """The node tree of `text` (None for an empty document)."""
    try:
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise Unreadable(str(exc)) from None


def build(node: Any) -> Any:
    """The data of a node tree: what `yaml.safe_load` gives for the same text."""
    try:
        return _build(node)
    except (yaml.YAMLError, RecursionError, TypeError) as exc:
        raise Unreadable(str(exc)) from None


def load(text: str) -> Any:
    return build(compose(text))


def _build(node: Any) -> Any:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        return _constructor().construct_object(node)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item) for item in node.value]
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _build(key_node)
        if key_node.tag == "tag:yaml.org,2002:merge" or key in out:
            raise Unreadable(
                f"key {key!r} is given twice or merged in (line {key_node.start_mark.line + 1})"
            )
        out[key] = _build(value_node)
    return out


@functools.cache
def _constructor() -> yaml.constructor.SafeConstructor:
    return yaml.constructor.SafeConstructor()
