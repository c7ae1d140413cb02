"""Validate one field selector mapping (css, xpath or path, plus cleanup options)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from cssselect import SelectorError
from lxml import etree
from parsel import css2xpath

from crawlers.config.model import FieldSpec, Scope, SelectorKind
from crawlers.config.reader import Reader

# parsel's XPath extensions (re:test, re:match…) must validate too.
XPATH_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
FIELD_KEYS = ("css", "xpath", "path", "attr", "many", "join", "regex", "split", "strip", "scope")


def parse_field(reader: Reader, raw: Any, key: str) -> FieldSpec | None:
    """One selector mapping (exactly one of css, xpath, path, plus cleanup options)."""
    if not isinstance(raw, dict):
        reader.error(key, "expected a mapping such as {css: 'h1::text'} or {xpath: '//h1'}")
        return None
    reader.check_keys(raw, key, FIELD_KEYS)
    chosen = [k for k in ("css", "xpath", "path") if k in raw]
    if len(chosen) != 1:
        reader.error(key, "give exactly one of css, xpath or path")
        return None
    selector_kind = cast(SelectorKind, chosen[0])
    expr = reader.text(raw, selector_kind, key, required=True)
    _check_expression(reader, f"{key}.{selector_kind}", selector_kind, expr)
    regex = reader.text(raw, "regex", key) or None
    check_regex(reader, f"{key}.regex", regex)
    return FieldSpec(
        kind=selector_kind,
        expr=expr,
        attr=reader.text(raw, "attr", key) or None,
        many=reader.flag(raw, "many", key),
        join=_join(reader, raw, key),
        regex=regex,
        split=reader.text(raw, "split", key) or None,
        strip=reader.flag(raw, "strip", key, default=True),
        scope=_scope(reader, raw, key),
    )


def _scope(reader: Reader, raw: Mapping[str, Any], key: str) -> Scope | None:
    scope = reader.text(raw, "scope", key)
    if scope not in ("", "listing", "detail"):
        reader.error(f"{key}.scope", f"{scope!r} is not listing or detail")
    return cast(Scope, scope) if scope in ("listing", "detail") else None


def _join(reader: Reader, raw: Mapping[str, Any], key: str) -> str:
    join = raw.get("join", " ")
    if not isinstance(join, str):
        reader.error(f"{key}.join", f"expected a string, got {join!r}")
        return " "
    return join


def _check_expression(reader: Reader, key: str, kind: SelectorKind, expr: str) -> None:
    try:
        if kind == "css":
            css2xpath(expr)
        elif kind == "xpath":
            etree.XPath(expr, namespaces=XPATH_NAMESPACES)
    except (SelectorError, etree.XPathError) as error:
        reader.error(key, f"invalid {kind} expression {expr!r}: {error}")


def check_regex(reader: Reader, key: str, regex: str | None) -> None:
    """Record an error under ``key`` if ``regex`` does not compile."""
    if regex is not None:
        try:
            re.compile(regex)
        except re.error as error:
            reader.error(key, f"invalid regex {regex!r}: {error}")
