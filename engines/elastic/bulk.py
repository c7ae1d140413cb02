"""What goes into a bulk load, and what came back: documents, actions, rejections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cis.analysis import analyse
from cis.facets import search_text, spelling_text
from cis.records import Project
from cis.text import fold, sort_key
from engines.base import RejectedDocuments
from engines.derived import contributor_count, title_words


@dataclass
class BulkOutcome:
    """What one bulk load did: actions done, deletes of ids already gone, rejections."""

    done: int = 0
    missing: int = 0
    rejected: list[str] = field(default_factory=list)  # "<id>: <error type>: <reason>"

    def add(self, success: bool, info: dict[str, Any]) -> None:
        """Count one action's answer."""
        operation, result = next(iter(info.items()))
        if success:
            self.done += 1
        elif operation == "delete" and result.get("status") == 404:
            self.missing += 1
        else:
            error = result.get("error") or {}
            reason = error.get("reason", "?") if isinstance(error, dict) else str(error)
            kind = error.get("type", "error") if isinstance(error, dict) else "error"
            self.rejected.append(f"{result.get('_id', '?')}: {kind}: {reason}")


def es_document(project: Project) -> dict[str, Any]:
    """The stored document: the project plus its hidden search, sort and count fields."""
    return {
        **project,
        "stem": search_text(project),
        "fold": {"title": fold(project["title"])},
        "spell": spelling_text(project),
        "title_key": analyse(project["title"]),
        "organisation_key": analyse(project.get("organisation") or ""),
        "sort_title": sort_key(project["title"]),
        "listed_by": contributor_count(project),
        "title_words": title_words(project),
    }


def index_actions(projects: Iterable[Project]) -> Iterator[dict[str, Any]]:
    """One bulk ``index`` action per project, its document ready to store."""
    return ({"_id": p["id"], "_source": es_document(p)} for p in projects)


def refuse_rejections(*outcomes: BulkOutcome) -> None:
    """Raise RejectedDocuments, naming the first reasons, if any action was rejected."""
    rejected = [reason for outcome in outcomes for reason in outcome.rejected]
    if rejected:
        total = sum(o.done + o.missing + len(o.rejected) for o in outcomes)
        raise RejectedDocuments(len(rejected), total, rejected)
