"""Apply one configured selector (CSS, XPath or dotted path) and its cleanup steps."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import html_text
from parsel import Selector

from crawlers.config.model import FieldSpec

Value = str | list[str]


def clean(values: Iterable[str], spec: FieldSpec) -> Value | None:
    """Regex, split, strip and join raw values as ``spec`` says; None when nothing is left."""
    out: list[str] = []
    for value in values:
        if spec.regex is not None:
            match = re.search(spec.regex, value, re.MULTILINE)
            if match is None:
                continue
            value = match.group(1) if match.groups() else match.group(0)
        parts = value.split(spec.split) if spec.split else [value]
        out.extend(_collapsed(part) if spec.strip else part for part in parts)
    out = [value for value in out if value and not value.isspace()]
    if not out:
        return None
    return out if spec.many or spec.split else spec.join.join(out)


def _collapsed(text: str) -> str:
    """Whitespace collapsed within each line; line breaks (a ``<br>``, a block) kept as one."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def select_html(node: Selector, spec: FieldSpec) -> Value | None:
    """Run a css/xpath ``spec`` against ``node`` (a page or a listing item)."""
    matches = node.css(spec.expr) if spec.kind == "css" else node.xpath(spec.expr)
    return clean((text for match in matches if (text := _match_text(match, spec))), spec)


def _match_text(match: Selector, spec: FieldSpec) -> str | None:
    if spec.attr is not None:
        return match.attrib.get(spec.attr)
    if isinstance(match.root, str | float | int):
        return str(match.root)
    # An element: its visible text, laid out as a browser would: a line break for a <br>
    # or between blocks (an address's street and town stay apart), spaces inline.
    return str(html_text.selector_to_text(match, guess_layout=True))


def select_path(record: Any, spec: FieldSpec) -> Value | None:
    """Read a dotted ``path`` spec ("a.b", or alternatives "published|updated") from a record."""
    for path in spec.expr.split("|"):
        values = clean(walk_path(record, path.strip()), spec)
        if values is not None:
            return values
    return None


def walk_path(value: Any, path: str) -> Iterator[str]:
    """Scalar leaves at ``path`` ("a.b", "tags.term", "images.0.url") as strings.

    A list met on the way maps the rest of the path over its elements; a numeric part
    indexes it instead. Keys that themselves contain dots (CSV headers) match whole.
    """
    if not path:
        yield from _leaves(value)
        return
    if isinstance(value, Mapping) and path in value:
        yield from _leaves(value[path])
        return
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        if head.isdigit():
            if int(head) < len(value):
                yield from walk_path(value[int(head)], rest)
            return
        for element in value:
            yield from walk_path(element, path)
    elif isinstance(value, Mapping) and head in value:
        yield from walk_path(value[head], rest)


def get_path(value: Any, path: str) -> Any:
    """The raw value at a dotted ``path`` (no list mapping), None when absent."""
    for part in path.split(".") if path else []:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for element in value:
            yield from _leaves(element)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)
