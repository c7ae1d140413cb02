"""What every site renderer builds: files, special routes, truth lines; plus HTML helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, TypeVar

T = TypeVar("T")


def origin(site: str) -> str:
    """The placeholder origin written in files; the server swaps in its real base URL."""
    return f"http://{site}.invalid"


@dataclass
class SiteBuild:
    """One site's output: static files, special routes and the truth lines of its listings."""

    files: dict[str, bytes] = field(default_factory=dict)  # path under the site dir → bytes
    # request target ("/api/projects?page=2") → route (see server.Route)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    truth: list[dict[str, Any]] = field(default_factory=list)
    entry_paths: list[str] = field(default_factory=list)

    def add_text(self, path: str, text: str) -> None:
        """Store a UTF-8 text file at `path` (relative to the site root, no leading slash)."""
        self.files[path] = text.encode("utf-8")


def page(title: str, body: str, *, head: str = "", charset: str | None = "utf-8") -> str:
    """A complete HTML5 document."""
    meta = f'<meta charset="{charset}">\n' if charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n{meta}<title>{escape(title)}</title>\n'
        f"{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Split items into pages of `size` (at least one, possibly empty, page)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def robots(*disallowed: str, sitemap: str | None = None) -> str:
    """A robots.txt for every user agent."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    if sitemap:
        lines += ["", f"Sitemap: {sitemap}"]
    return "\n".join(lines) + "\n"
