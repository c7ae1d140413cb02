"""Partner API keys: issued once, stored hashed, refused once revoked, never logged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from search_service.partners import KEY_PREFIX, PartnerStore
from tests.factories import catalogue
from tests.served import embedded_index, serving


def cis(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cis_cli.main", "partners", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CIS_DATA_DIR": str(data_dir)},
    )


def add_partner(data_dir: Path, name: str) -> tuple[str, str]:
    """The id and key `cis partners add` prints."""
    result = cis(data_dir, "add", name)
    assert result.returncode == 0, result.stderr
    first_line, key = result.stdout.strip().splitlines()
    return first_line.split()[1], key


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    engine.replace_all(catalogue())
    return create_app({"data_dir": tmp_path}, engine=engine).test_client()


def test_a_new_key_is_printed_once_and_only_its_hash_is_stored(tmp_path: Path) -> None:
    key_id, key = add_partner(tmp_path, "Ville de Lyon")
    assert key.startswith(KEY_PREFIX) and len(key) == len(KEY_PREFIX) + 43
    assert key_id == key[len(KEY_PREFIX) :][:8]
    store = (tmp_path / "partners.json").read_text()
    assert key not in store and key[len(KEY_PREFIX) :] not in store
    [entry] = json.loads(store)["partners"]
    assert (entry["id"], entry["name"], entry["revoked"]) == (key_id, "Ville de Lyon", None)
    listed = cis(tmp_path, "list")
    assert key not in listed.stdout
    assert listed.stdout.splitlines()[0] == "id\tname\tcreated\tstatus"
    assert listed.stdout.splitlines()[1].split("\t") == [
        key_id,
        "Ville de Lyon",
        entry["created"],
        "active",
    ]


def test_keys_are_random_and_one_partner_may_hold_several(tmp_path: Path) -> None:
    store = PartnerStore(tmp_path)
    issued = [store.add("Avise") for _ in range(3)]
    assert len({key for _, key in issued}) == len({partner.id for partner, _ in issued}) == 3
    assert [partner.name for partner in store.partners()] == ["Avise"] * 3


def test_a_key_opens_the_api_and_no_key_is_anonymous(tmp_path: Path, client: FlaskClient) -> None:
    _, key = PartnerStore(tmp_path).add("Ville de Lyon")
    assert client.get("/api/v1/search?q=repair", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/api/v1/search?q=repair").status_code == 200


@pytest.mark.parametrize("key", ["cis_unknown", "", "not even the form of a key"])
def test_an_unknown_key_is_refused_never_served_as_anonymous(client: FlaskClient, key: str) -> None:
    answer = client.get("/api/v1/search?q=repair", headers={"X-API-Key": key})
    assert answer.status_code == 401
    assert answer.json == {
        "error": {"code": "invalid_api_key", "message": "X-API-Key: unknown or revoked key"}
    }


@pytest.mark.parametrize("revoke_by", ["id", "key"])
def test_a_revoked_key_is_refused_from_the_next_request_without_a_restart(
    tmp_path: Path, client: FlaskClient, revoke_by: str
) -> None:
    key_id, key = add_partner(tmp_path, "Ville de Lyon")
    assert client.get("/api/v1/search", headers={"X-API-Key": key}).status_code == 200
    revoked = cis(tmp_path, "revoke", key_id if revoke_by == "id" else key)
    assert revoked.returncode == 0
    assert revoked.stdout.startswith(f"key {key_id} of Ville de Lyon revoked")
    answer = client.get("/api/v1/search", headers={"X-API-Key": key})
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "invalid_api_key"
    assert cis(tmp_path, "list").stdout.splitlines()[1].split("\t")[3].startswith("revoked 20")


def test_revoking_one_key_leaves_the_others_open(tmp_path: Path, client: FlaskClient) -> None:
    store = PartnerStore(tmp_path)
    (old, old_key), (_, new_key) = store.add("Avise"), store.add("Avise")
    store.revoke(old.id)
    assert client.get("/api/v1/search", headers={"X-API-Key": old_key}).status_code == 401
    assert client.get("/api/v1/search", headers={"X-API-Key": new_key}).status_code == 200


def test_a_damaged_store_refuses_keys_but_serves_anonymous_clients(
    tmp_path: Path, client: FlaskClient
) -> None:
    _, key = PartnerStore(tmp_path).add("Avise")
    (tmp_path / "partners.json").write_text("{")
    answer = client.get("/api/v1/search", headers={"X-API-Key": key})
    assert answer.status_code == 500
    assert answer.json["error"]["code"] == "internal_error"
    assert client.get("/api/v1/search").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "  "), "a partner needs a name, e.g. `cis partners add 'Ville de Lyon'`"),
        (
            ("revoke", "cis_unknown"),
            "no such key or key id (see `cis partners list`); nothing revoked",
        ),
        (
            ("revoke", "nosuchid"),
            "no such key or key id (see `cis partners list`); nothing revoked",
        ),
    ],
)
def test_admin_mistakes_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = cis(tmp_path, *args)
    assert (result.returncode, result.stderr, result.stdout) == (
        2,
        f"cis partners: {message}\n",
        "",
    )


def test_revoking_twice_is_one_line_and_exit_2(tmp_path: Path) -> None:
    key_id = PartnerStore(tmp_path).add("Avise")[0].id
    assert cis(tmp_path, "revoke", key_id).returncode == 0
    result = cis(tmp_path, "revoke", key_id)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"cis partners: key {key_id} of Avise was already revoked on 20"
    )
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("action", [("list",), ("add", "Avise"), ("revoke", "someid")])
def test_an_unreadable_store_is_one_line_and_exit_2(
    tmp_path: Path, action: tuple[str, ...]
) -> None:
    store = tmp_path / "partners.json"
    store.write_text('{"partners": [{"name": "no id"}]}')
    result = cis(tmp_path, *action)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cis partners: {store} is unreadable: not a key store (")
    assert len(result.stderr.splitlines()) == 1
    assert store.read_text() == '{"partners": [{"name": "no id"}]}'


@pytest.mark.slow
def test_a_key_never_reaches_gunicorn_s_logs_but_its_id_does(tmp_path: Path) -> None:
    data_dir = embedded_index(tmp_path)
    store = PartnerStore(data_dir)
    (partner, key), (_, revoked_key) = store.add("Ville de Lyon"), store.add("Avise")
    store.revoke(revoked_key)
    with serving(data_dir, "api", CIS_LOG_LEVEL="DEBUG") as [served]:
        assert served.get("/search?q=repair", {"X-API-Key": key}).status == 200
        assert served.get("/search?q=repair", {"X-API-Key": revoked_key}).status == 401
    logs = served.stdout.read_text() + served.stderr.read_text()
    # By status, not order: a worker thread may log after the next request's answer.
    searches = [line for line in logs.splitlines() if '"GET /api/v1/search?q=repair' in line]
    access = {line.split('" ')[1][:3]: line for line in searches}
    assert len(searches) == len(access) == 2
    assert f" {partner.id} [" in access["200"] and " - - [" in access["401"]
    for secret in (key, revoked_key):
        assert secret not in logs
        assert secret[len(KEY_PREFIX) :][8:] not in logs  # nor the secret part alone
