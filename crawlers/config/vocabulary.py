"""Validate a contributor's vocabulary: built-in tables by name, its own labels, a CSV.

Key concepts: ``tag_table: Avise`` is the short form of ``vocabulary: {tables: [Avise]}``.
A ``vocabulary.file`` is a CSV beside the config (columns ``label,codes``, codes
space-separated), the draft ``cis tags report --write`` would produce; inline ``labels``
win over the file, the file over the tables. Every code must be a CIS code.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cis.vocabulary import SourceVocabulary, code_labels, tag_table_name, tag_tables
from crawlers.config.reader import Reader

VOCABULARY_KEYS = ("tables", "file", "labels")
CSV_COLUMNS = ("label", "codes")


def parse_vocabulary(reader: Reader, data: Mapping[str, Any], path: Path) -> SourceVocabulary:
    """The ``tag_table`` and ``vocabulary`` keys of one config."""
    raw = reader.mapping(data, "vocabulary")
    reader.check_keys(raw, "vocabulary", VOCABULARY_KEYS)
    named = (reader.text(data, "tag_table"),) if data.get("tag_table") else ()
    tables = [
        table
        for key, names in (
            ("tag_table", named),
            ("vocabulary.tables", reader.strings(raw, "tables", "vocabulary")),
        )
        for name in names
        if (table := _table(reader, key, name))
    ]
    labels = {**_file_labels(reader, raw, path), **_inline_labels(reader, raw)}
    return SourceVocabulary(tuple(dict.fromkeys(tables)), tuple(labels.items()))


def _table(reader: Reader, key: str, name: str) -> str | None:
    table = tag_table_name(name)
    if table is None:
        known = ", ".join(repr(n) for n in sorted(tag_tables()))
        reader.error(key, f"unknown tag table {name!r} (known: {known})")
    return table


def _inline_labels(reader: Reader, raw: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    labels = reader.mapping(raw, "labels", "vocabulary")
    return {
        str(label): _codes(reader, f"vocabulary.labels.{label}", codes)
        for label, codes in labels.items()
    }


def _file_labels(reader: Reader, raw: Mapping[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    name = reader.text(raw, "file", "vocabulary")
    if not name:
        return {}
    file = path.parent / name
    try:
        rows = list(csv.DictReader(file.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reader.error("vocabulary.file", f"cannot read {file.name}: {error}")
        return {}
    if rows and tuple(rows[0]) != CSV_COLUMNS:
        reader.error("vocabulary.file", f"{file.name} needs the columns {', '.join(CSV_COLUMNS)}")
        return {}
    return {
        row["label"].strip(): _codes(reader, f"vocabulary.file:{line}", row["codes"])
        for line, row in enumerate(rows, start=2)
        if (row.get("label") or "").strip()
    }


def _codes(reader: Reader, key: str, value: Any) -> tuple[str, ...]:
    """Space-separated codes (or a list of them), each a CIS code."""
    codes = value.split() if isinstance(value, str) else value
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        reader.error(key, f"expected CIS codes such as 'AGR COH', got {value!r}")
        return ()
    unknown = [code for code in codes if code not in code_labels()]
    if unknown:
        reader.error(key, f"unknown CIS code(s) {', '.join(unknown)} (see cis/data/cis-codes.csv)")
    return tuple(code for code in codes if code in code_labels())
