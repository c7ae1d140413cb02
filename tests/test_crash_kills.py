"""Kill `cis index`, `cis reindex` and `cis crawl` with SIGKILL at many moments while the public searches.

Specification, on both engines: every answer during and after a killed run is a 200
showing the old state or the new one, whole (same total, same first page); the next
run of the same command leaves nothing behind and ends in the very state a run that
was never killed reaches: same live index, byte-identical dedup and index states, and
a raw store the runs never touched.

The moments are spread over the whole run, and as densely over its engine write: an
unkilled run of the same command, timed just before, gives the run's length and the
window of its engine write (from the journal of the ids it is about to touch to the
moment the public sees the new state); half the kills step evenly over the run, half
over that window, timed from the moment the journal appears.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

from cis.raw_store import DESCRIPTION, RawStore
from cis.settings import Settings
from cis_devtools.fixture_sites import SOURCES_DIR, generate_sites, serve_sites
from cis_devtools.fixture_sites.corpus import write_raw_store
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from indexer.index_state import state_files
from indexer.pipeline import apply_increments, rebuild
from search_service import create_app
from tests.test_crawl_stop import descendants, process_stat, wait_until

pytestmark = pytest.mark.slow

KILLS = 20  # per engine and command: half over the whole run, half over its write
PAGE = "/api/v1/search?size=100&facets=domain,source"
AFTER_RUN = "20261102T000000000Z"  # the crawl the killed run indexes
FIRST_GENERATION = "000001"  # the dedup state the live index was prepared with
Job = Callable[..., object]
JOBS: dict[str, Job] = {"index": apply_increments, "reindex": rebuild}


@dataclass(frozen=True)
class View:
    """What the public sees: the total and the first page of ids."""

    total: int
    ids: tuple[str, ...]


@dataclass
class Searcher:
    """Searches in a loop on its own thread, keeping every answer, until stopped."""

    engine: Engine
    answers: list[tuple[int, View | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        client = create_app(engine=self.engine).test_client()
        while not self.stop.is_set():
            self.answers.append(view_of(client.get(PAGE)))


@contextlib.contextmanager
def searching(engine: Engine) -> Iterator[Searcher]:
    """A Searcher running for the block."""
    searcher = Searcher(engine)
    thread = threading.Thread(target=searcher.run, daemon=True)
    thread.start()
    try:
        yield searcher
    finally:
        searcher.stop.set()
        thread.join(timeout=60)


def view_of(response: object) -> tuple[int, View | None]:
    status = response.status_code  # type: ignore[attr-defined]
    if status != 200:
        return status, None
    body = response.get_json()  # type: ignore[attr-defined]
    return status, View(body["total"], tuple(hit["id"] for hit in body["results"]))


def current_view(engine: Engine) -> View:
    status, view = view_of(create_app(engine=engine).test_client().get(PAGE))
    assert status == 200 and view is not None
    return view


def committed_generation(stage: Stage) -> str:
    """The dedup generation the committed index state names."""
    path = state_files(stage.settings, stage.engine.name).index
    return str(json.loads(path.read_text(encoding="utf-8"))["dedup"])


def tree_digest(root: Path) -> dict[str, str]:
    """File path → sha256 of every file under ``root`` (missing root: empty)."""
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def states(settings: Settings) -> dict[str, str]:
    """Digests of the dedup and index states, generation numbers aside.

    A run killed after its commit has finished: the next `cis reindex` then commits one
    generation more than the reference run, with the same content.
    """
    (engine_states,) = (settings.data_dir / "dedup-state").iterdir()
    (generation,) = engine_states.iterdir()  # exactly one: nothing stale is left
    digests = {f"dedup/{name}": digest for name, digest in tree_digest(generation).items()}
    for path in sorted((settings.data_dir / "index-state").iterdir()):
        state = json.loads(path.read_text(encoding="utf-8"))
        assert state.pop("dedup") == generation.name
        digests[f"index/{path.name}"] = hashlib.sha256(json.dumps(state).encode()).hexdigest()
    return digests


@dataclass(frozen=True)
class World:
    """Raw stores of two crawls: the live index holds the first, the run indexes the second."""

    before: Path
    after: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("crash-world")
    write_raw_store(root / "before", projects=80)
    write_raw_store(root / "after", projects=240, run=AFTER_RUN)  # 240 more listings
    return World(root / "before", root / "after")


@dataclass
class Stage:
    """One engine under one alias, with a data folder ready for the run under test.

    The first ``prepare`` builds the live index of the first crawl and keeps a copy (the
    data folder; for Elasticsearch a write-blocked clone of the index); the next ones
    restore that copy, which costs far less than indexing again.
    """

    engine: Engine
    settings: Settings
    env: dict[str, str]
    saved: Path

    def prepare(self, world: World) -> None:
        """The live index and states of the first crawl; the raw store of the second."""
        shutil.rmtree(self.settings.data_dir, ignore_errors=True)
        if self.saved.exists():
            shutil.copytree(self.saved, self.settings.data_dir)
            self._restore_index()
            return
        shutil.copytree(world.before, self.settings.raw_dir)
        rebuild(self.settings, self.engine)
        shutil.rmtree(self.settings.raw_dir)
        shutil.copytree(world.after, self.settings.raw_dir)
        shutil.copytree(self.settings.data_dir, self.saved)
        self._save_index()

    def _save_index(self) -> None:
        if isinstance(self.engine, ElasticsearchEngine):
            client, (live,) = (
                self.engine.client,
                self.engine.client.indices.get_alias(name=self.engine.alias),
            )
            client.indices.put_settings(index=live, settings={"index.blocks.write": True})
            client.indices.clone(index=live, target=self._seed())
            client.indices.put_settings(index=live, settings={"index.blocks.write": None})

    def _restore_index(self) -> None:
        if isinstance(self.engine, ElasticsearchEngine):
            client, alias = self.engine.client, self.engine.alias
            if stale := [n for n in client.indices.get(index=f"{alias}-*") if n != self._seed()]:
                client.indices.delete(index=",".join(stale))
            live = f"{alias}-{time.time_ns() // 1000:020d}"
            client.indices.clone(
                index=self._seed(), target=live, settings={"index.blocks.write": None}
            )
            client.indices.update_aliases(actions=[{"add": {"index": live, "alias": alias}}])

    def _seed(self) -> str:
        assert isinstance(self.engine, ElasticsearchEngine)
        return f"{self.engine.alias}-seed"

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "cis_cli.main", *command],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def journal(self) -> Path:
        """The ids a write is about to touch, recorded before it starts, removed at commit."""
        return state_files(self.settings, self.engine.name).journal

    def leftovers(self) -> list[str]:
        if isinstance(self.engine, SqliteEngine):
            return sorted(p.name for p in self.settings.data_dir.glob("cis.sqlite3*"))
        assert isinstance(self.engine, ElasticsearchEngine)
        names = self.engine.client.indices.get(index=f"{self.engine.alias}-*")
        return sorted(name for name in names if name != self._seed())


@pytest.fixture(params=["sqlite", "elasticsearch"])
def stage(request: pytest.FixtureRequest, tmp_path: Path) -> Stage:
    data = tmp_path / "data"
    env = {"CIS_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    if request.param == "elasticsearch":
        es: ElasticsearchEngine = request.getfixturevalue("es_engine")
        env |= {"CIS_ELASTICSEARCH_URL": es.url, "CIS_INDEX_ALIAS": es.alias}
        return Stage(es, Settings.from_env(env), env, tmp_path / "saved")
    settings = Settings.from_env(env)
    return Stage(SqliteEngine(settings.sqlite_path), settings, env, tmp_path / "saved")


@pytest.mark.parametrize("command", sorted(JOBS))
def test_a_killed_run_serves_old_or_new_whole_and_the_next_run_finishes_it(
    stage: Stage, world: World, command: str
) -> None:
    stage.prepare(world)
    old, raw = current_view(stage.engine), tree_digest(stage.settings.raw_dir)
    duration, write_start, write_end = timeline(stage, stage.start(command), old)
    new, finished = current_view(stage.engine), states(stage.settings)
    assert new != old and new.total > old.total
    # A kill that lands after the commit leaves a finished run: the next one is a second
    # run, which a reindex does not repeat byte for byte (ids come from the first).
    JOBS[command](stage.settings, stage.engine)
    finished_twice = states(stage.settings)

    for moment in kill_moments(duration, write_start, write_end):
        stage.prepare(world)
        with searching(stage.engine) as searcher:
            kill_at(stage, stage.start(command), moment)
            seen_after_kill = current_view(stage.engine)
        answers = searcher.answers
        assert answers and {status for status, _ in answers} == {200}
        assert {view for _, view in answers} <= {old, new}
        assert seen_after_kill in (old, new)

        committed = committed_generation(stage) != FIRST_GENERATION
        JOBS[command](stage.settings, stage.engine)  # the next run, never killed
        assert current_view(stage.engine) == new
        assert states(stage.settings) == (finished_twice if committed else finished)
        assert tree_digest(stage.settings.raw_dir) == raw
        assert stage.leftovers() == stage_live(stage)
        assert stage.engine.remove_leftovers() == []


def timeline(stage: Stage, run: subprocess.Popen[bytes], old: View) -> tuple[float, float, float]:
    """The run's length, and when its engine write starts and shows (polled, bounded).

    The write starts when the journal of ids it will touch appears, and ends when the
    public first sees the new state.
    """
    started, journal = time.perf_counter(), stage.journal()
    write_start = write_end = 0.0
    while run.poll() is None and time.perf_counter() < started + 300:
        now = time.perf_counter() - started
        if not write_start and journal.exists():
            write_start = now
        if write_start and not write_end and current_view(stage.engine) != old:
            write_end = now
        time.sleep(0.002)
    assert run.wait(timeout=10) == 0 and write_start, "the run did not finish, or never wrote"
    return time.perf_counter() - started, write_start, write_end or write_start


@dataclass(frozen=True)
class Moment:
    """When to kill: ``delay`` seconds after the process starts, or after its write starts."""

    delay: float
    in_write: bool


def kill_moments(duration: float, write_start: float, write_end: float) -> list[Moment]:
    """Half the kills evenly over the whole run, half evenly over its engine write.

    Those in the write are timed from the moment its journal appears, not from the start:
    process start-up varies by more than a write lasts.
    """
    half, window = KILLS // 2, write_end - write_start
    over_run = [Moment((i + 0.5) / half * duration, False) for i in range(half)]
    return over_run + [Moment((i + 0.5) / half * window, True) for i in range(KILLS - half)]


def kill_at(stage: Stage, run: subprocess.Popen[bytes], moment: Moment) -> None:
    """SIGKILL ``run`` at ``moment`` (or let it end, if it ends first)."""
    if moment.in_write:
        journal, deadline = stage.journal(), time.perf_counter() + 300
        while not journal.exists() and run.poll() is None and time.perf_counter() < deadline:
            time.sleep(0.001)
    wait_for(run, moment.delay)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)


def wait_for(run: subprocess.Popen[bytes], seconds: float) -> None:
    """Let ``run`` go on for ``seconds`` (or until it ends by itself)."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        run.wait(timeout=seconds)


def stage_live(stage: Stage) -> list[str]:
    """What must remain after a clean run: the live file, or the one index behind the alias."""
    if isinstance(stage.engine, SqliteEngine):
        return ["cis.sqlite3"]
    assert isinstance(stage.engine, ElasticsearchEngine)
    return sorted(stage.engine.client.indices.get_alias(name=stage.engine.alias))


CRAWLED = "fx-html"


@pytest.fixture(scope="module")
def crawled_sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A sources folder with the fixture site ``CRAWLED``, served on 127.0.0.1 meanwhile."""
    root = tmp_path_factory.mktemp("crash-sites")
    generate_sites(root / "sites", projects=60)
    with serve_sites(root / "sites") as server:
        (root / "sources").mkdir()
        config = (SOURCES_DIR / f"{CRAWLED}.yaml").read_text(encoding="utf-8")
        served = re.sub(r"(?m)^base_url: .*$", f"base_url: {server.base_url(CRAWLED)}", config)
        (root / "sources" / f"{CRAWLED}.yaml").write_text(served, encoding="utf-8")
        yield root / "sources"


def latest_items(raw_dir: Path) -> list[str]:
    """The items of ``CRAWLED``'s last good run, their fetch times aside."""
    store = RawStore(raw_dir)
    return sorted(
        json.dumps({**item, "fetched_at": ""}, sort_keys=True)
        for item in store.latest_items(CRAWLED)
    )


def test_a_killed_crawl_takes_its_tree_along_and_the_next_crawl_commits_whole(
    stage: Stage, world: World, crawled_sources: Path, tmp_path: Path
) -> None:
    stage.prepare(world)
    stage.env |= {"CIS_SOURCES_DIR": str(crawled_sources), "CIS_POLITE": "0"}
    saved_raw = shutil.copytree(stage.settings.raw_dir, tmp_path / "saved-raw")
    old, store = current_view(stage.engine), RawStore(stage.settings.raw_dir)
    started = time.perf_counter()
    assert stage.start("crawl", CRAWLED).wait(timeout=300) == 0
    duration, crawled = time.perf_counter() - started, latest_items(stage.settings.raw_dir)
    assert crawled != latest_items(saved_raw)

    for kill in range(KILLS):
        shutil.rmtree(stage.settings.raw_dir)
        shutil.copytree(saved_raw, stage.settings.raw_dir)
        with searching(stage.engine) as searcher:
            run = stage.start("crawl", CRAWLED)
            wait_for(run, (kill + 0.5) / KILLS * duration)
            tree = descendants(run.pid)
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=60)
            wait_until(partial(all_gone, tree), "the killed crawl's processes to be gone")
        assert {view for _, view in searcher.answers} == {old}  # a crawl never touches the index
        assert {status for status, _ in searcher.answers} == {200}
        if store.latest_run(CRAWLED) == RawStore(saved_raw).latest_run(CRAWLED):
            assert committed_files(stage.settings.raw_dir) == committed_files(saved_raw)
        else:  # killed after its commit: a whole run
            assert latest_items(stage.settings.raw_dir) == crawled

        assert stage.start("crawl", CRAWLED).wait(timeout=300) == 0  # the next crawl
        assert latest_items(stage.settings.raw_dir) == crawled
        assert not list(stage.settings.raw_dir.rglob("*.tmp"))


def committed_files(raw_dir: Path) -> dict[str, str]:
    """Digests of the committed runs and LATEST pointers.

    Reports and the source's description aside: every crawl writes them as it starts, so
    that a source whose runs all fail is still reported and named.
    """
    return {
        name: digest
        for name, digest in tree_digest(raw_dir).items()
        if not name.endswith((".report.json", ".tmp", f"/{DESCRIPTION}"))
    }


def all_gone(tree: set[tuple[int, str]]) -> bool:
    """Whether none of ``tree``'s processes lives on (same pid and start time)."""
    return not any((stat := process_stat(pid)) and stat[2] == start for pid, start in tree)
