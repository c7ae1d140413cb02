"""Signed paging cursors: a cursor is the API's own, for this very search, or a 400.

A cursor carries the sort position of a page's last hit. It is signed (HMAC, through
itsdangerous) together with a fingerprint of the search it belongs to, so a forged
cursor, or one taken from another search or another sort, is refused before any engine
sees it. The key is ``CIS_SECRET_KEY``, or one kept in the data folder (``secret_key``)
so that every worker and every restart agrees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import secrets
import tempfile
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer

from cis.settings import ConfigError, Settings
from engines.base import SearchRequest

SECRET_FILE = "secret_key"
MAX_CURSOR_LENGTH = 4_000


def search_fingerprint(request: SearchRequest) -> str:
    """What a cursor must agree with: everything that decides the order of the hits."""
    shape = dataclasses.replace(request, page=1, after=None, facets=(), size=0)
    concepts = [c.phrases for c in request.concepts]
    parts = [concepts, request.name_keys, sorted(request.filters.items()), repr(shape.bbox)]
    parts.append(repr(shape.near))
    text = json.dumps([*parts, shape.radius_km, shape.sort], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class CursorSigner:
    """Encodes and checks the ``cursor`` parameter."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="cis-cursor-v1")

    def encode(self, after: tuple[str | float, ...], request: SearchRequest) -> str:
        """The cursor continuing ``request`` after sort position ``after``."""
        return str(self._serializer.dumps([search_fingerprint(request), list(after)]))

    def decode(self, raw: str, request: SearchRequest) -> tuple[str | float, ...]:
        """The sort position in ``raw``; ValueError unless this API signed it for ``request``."""
        if len(raw) > MAX_CURSOR_LENGTH:
            raise ValueError("not a cursor this API gave out; start with cursor=*")
        try:
            fingerprint, after = self._serializer.loads(raw)
        except (BadSignature, ValueError, TypeError) as error:
            raise ValueError("not a cursor this API gave out; start with cursor=*") from error
        if fingerprint != search_fingerprint(request):
            raise ValueError("this cursor belongs to another search; start with cursor=*")
        return tuple(after)


def load_secret(settings: Settings) -> str:
    """``CIS_SECRET_KEY``, else the data folder's key, created once (mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / SECRET_FILE
    try:
        if not path.exists():
            _create(path)
        return path.read_text(encoding="ascii").strip()
    except OSError as error:
        raise ConfigError(f"cannot keep {path}: {error.strerror}; set CIS_SECRET_KEY") from None


def _create(path: Path) -> None:
    """Write a new key beside ``path`` and hard-link it there.

    Of two workers starting at once, one key wins, and nobody reads a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(32))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        os.unlink(draft)
