"""Partner API keys: issued once, kept as hashes in ``<data_dir>/partners.json``, checked per request.

Key concepts: a key is ``cis_`` + 43 random URL-safe characters (256 bits); it is shown
once, when issued, and only its SHA-256 is stored. Its public id, the 8 characters after
the prefix, names it in lists and in the access log. Revoking marks the entry (it stays
listed, and its id is never issued again). The admin commands read, change and write
the file under a lock, atomically; the service re-reads it only when it changes, so a
revoked key is refused from the next request on, without a restart.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, g, request

from cis.errors import CisError
from cis.files import write_atomic
from cis.locks import exclusive
from search_service.errors import ApiError, InvalidApiKey

KEY_PREFIX = "cis_"
ID_LENGTH = 8
KEY_HEADER = "X-API-Key"
# The WSGI environ entry the gunicorn access log prints (``%({cis.partner}e)s``).
LOG_ENVIRON_KEY = "cis.partner"


class PartnerStoreError(CisError):
    """The key store cannot be read, or an admin asked for something it cannot do."""


@dataclass(frozen=True)
class Partner:
    """One issued key: who holds it, its public id and hash, and whether it still opens."""

    id: str
    name: str
    key_sha256: str
    created: str
    revoked: str | None = None

    @property
    def status(self) -> str:
        """``active``, or when the key was revoked."""
        return f"revoked {self.revoked}" if self.revoked else "active"


def hash_key(key: str) -> str:
    """The stored form of a key."""
    # A fast hash is right here, unlike for passwords: a key is 256 random bits, so neither
    # guessing nor precomputed tables can invert its SHA-256, and a deliberately slow hash
    # (bcrypt, scrypt) would only add its cost to every API request.
    return hashlib.sha256(key.encode()).hexdigest()


class PartnerStore:
    """The key store file of a data dir, and the admin operations on it."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "partners.json"
        self.lock = data_dir / "locks" / "partners.lock"

    def partners(self) -> list[Partner]:
        """Every partner ever issued a key, oldest first; none if the file does not exist."""
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))["partners"]
            return [Partner(**entry) for entry in entries]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as error:
            reason = error.strerror if isinstance(error, OSError) else f"not a key store ({error})"
            raise PartnerStoreError(f"{self.path} is unreadable: {reason}") from None

    def add(self, name: str) -> tuple[Partner, str]:
        """Issue a new key to ``name``: the partner entry, and the key (shown only now)."""
        name = name.strip()
        if not name:
            raise PartnerStoreError(
                "a partner needs a name, e.g. `cis partners add 'Ville de Lyon'`"
            )
        with exclusive(self.lock, "another `cis partners` change"):
            partners = self.partners()
            taken = {partner.id for partner in partners}
            key = _new_key()
            # 48-bit ids seldom clash, but an id must name one key; one that begins with "-"
            # would read as an option in `cis partners revoke ID`.
            while _key_id(key) in taken or key.startswith("-", len(KEY_PREFIX)):
                key = _new_key()
            partner = Partner(_key_id(key), name, hash_key(key), _now())
            self._write([*partners, partner])
        return partner, key

    def revoke(self, key_or_id: str) -> Partner:
        """Revoke the key given, or the key of that public id; it is refused from now on."""
        with exclusive(self.lock, "another `cis partners` change"):
            partners = self.partners()
            wanted = hash_key(key_or_id)
            found = [p for p in partners if key_or_id == p.id or wanted == p.key_sha256]
            if not found:
                raise PartnerStoreError(
                    "no such key or key id (see `cis partners list`); nothing revoked"
                )
            if found[0].revoked:
                raise PartnerStoreError(
                    f"key {found[0].id} of {found[0].name} was already revoked on {found[0].revoked}"
                )
            revoked = replace(found[0], revoked=_now())
            self._write([revoked if p is found[0] else p for p in partners])
        return revoked

    def _write(self, partners: list[Partner]) -> None:
        entries = [asdict(partner) for partner in partners]
        write_atomic(self.path, json.dumps({"partners": entries}, indent=2, ensure_ascii=False))


class ActiveKeys:
    """The store's active keys by hash, re-read only when the file changes (a stat a request)."""

    def __init__(self, store: PartnerStore) -> None:
        self.store = store
        self._loaded: tuple[tuple[int, int, int] | None, dict[str, Partner]] = (None, {})

    def find(self, key: str) -> Partner | None:
        """The active partner holding ``key``, or None (unknown or revoked)."""
        # A dict lookup by hash leaks no timing an attacker could use: they cannot choose
        # which hashes their guesses produce.
        return self._current().get(hash_key(key))

    def _current(self) -> dict[str, Partner]:
        signature = self._signature()
        seen, active = self._loaded
        if signature != seen:
            partners = self.store.partners() if signature else []
            active = {p.key_sha256: p for p in partners if not p.revoked}
            self._loaded = (signature, active)  # one assignment: threads see old or new
        return active

    def _signature(self) -> tuple[int, int, int] | None:
        # The atomic rename gives every write a new inode, so even a same-tick write shows.
        try:
            stat = self.store.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def identify_partner() -> None:
    """Before each request: note who sent it, or why its key is refused (raised later)."""
    g.partner, g.key_refusal = None, None
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return
    keys: ActiveKeys = current_app.extensions["cis_partner_keys"]
    try:
        g.partner = keys.find(key)
    except PartnerStoreError as error:
        current_app.logger.error("partner keys cannot be checked: %s", error)
        g.key_refusal = ApiError("partner API keys cannot be checked right now")
        return
    if g.partner is None:
        g.key_refusal = InvalidApiKey(f"{KEY_HEADER}: unknown or revoked key")
    else:
        request.environ[LOG_ENVIRON_KEY] = g.partner.id


def refuse_invalid_key() -> None:
    """Before each request, once it has been counted: a bad key is an error, never anonymous."""
    if g.key_refusal is not None:
        raise g.key_refusal


def current_partner() -> Partner | None:
    """The partner whose valid key came with this request, if any."""
    partner: Partner | None = g.get("partner")
    return partner


def key_was_refused() -> bool:
    """True when this request came with a key that is refused."""
    return g.get("key_refusal") is not None


def _new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _key_id(key: str) -> str:
    return key[len(KEY_PREFIX) : len(KEY_PREFIX) + ID_LENGTH]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
