"""Stopping `cis crawl` stops its whole process tree and commits nothing; one crawl per source.

Each test runs ``python -m cis_cli.main crawl slow`` as a real subprocess against a local
site that answers robots.txt and never answers a page, so the crawl is surely in flight
when it is stopped. Processes are looked up in /proc, and waited for with deadlines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cis.raw_store import RawStore
from cis.source_reports import load_reports
from cis_devtools.misbehaving_sites import StallingSite, write_source
from crawlers.child import Inherited, run_child
from crawlers.locks import locked_sources
from tests.factories import GOOD_RUN, publish_good_run

DEADLINE_S = 60.0  # generous: the machine may be busy; the polls return as soon as they can


@dataclass
class Crawl:
    """A `cis crawl slow` subprocess, and what it runs against."""

    process: subprocess.Popen[str]
    site: StallingSite
    data_dir: Path
    tree: set[tuple[int, str]]  # (pid, start time) of the processes below it, once fetching


def wait_until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"still waiting, after {DEADLINE_S} s, for {what}"
        time.sleep(0.05)


def process_stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a process, None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rpartition(")")[2].split()  # the command name may hold spaces
    return int(fields[1]), fields[0], fields[19]


def descendants(root: int) -> set[tuple[int, str]]:
    """Live (pid, start time) processes below ``root``."""
    stats = {
        int(p.name): process_stat(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()
    }
    found: set[tuple[int, str]] = set()
    parents = {root}
    while parents:
        children = {pid for pid, s in stats.items() if s and s[0] in parents and s[1] != "Z"}
        found |= {(pid, stats[pid][2]) for pid in children if stats[pid]}  # type: ignore[index]
        parents = children
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def alive(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Those of ``processes`` still running (a zombie has stopped; the same pid reused is not it)."""
    running = set()
    for pid, started in processes:
        stat = process_stat(pid)
        if stat is not None and stat[1] != "Z" and stat[2] == started:
            running.add((pid, started))
    return running


def start_crawl(tmp_path: Path, site: StallingSite) -> Crawl:
    write_source(tmp_path / "sources", "bad", site.url)
    env = {
        **os.environ,
        "CIS_DATA_DIR": str(tmp_path / "data"),
        "CIS_SOURCES_DIR": str(tmp_path / "sources"),
        "CIS_POLITE": "0",
        "CIS_CRAWL_TIMEOUT": "120",  # the page would hang for minutes if nothing stopped it
        "CIS_LOG_LEVEL": "CRITICAL",
    }
    command = [sys.executable, "-m", "cis_cli.main", "crawl", "bad"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_until(lambda: "/projets/" in site.paths, "the crawler to request the page")
    return Crawl(process, site, tmp_path / "data", descendants(process.pid))


@pytest.fixture
def store(tmp_path: Path) -> RawStore:
    """The raw store of the crawls, where source ``bad`` has a last good run."""
    store = RawStore(tmp_path / "data" / "raw")
    publish_good_run(store, "bad")
    return store


@pytest.fixture
def running(tmp_path: Path, store: RawStore) -> Iterator[Crawl]:
    """A crawl of source ``bad`` (last good run: GOOD_RUN), waiting on its page."""
    with StallingSite(answer_robots=True) as site:
        crawl = start_crawl(tmp_path, site)
        try:
            yield crawl
        finally:  # whatever the test found, leave none of the processes it started
            if crawl.process.poll() is None:
                crawl.process.kill()
            for pid, _ in alive(crawl.tree):
                os.kill(pid, signal.SIGKILL)
            crawl.process.communicate()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_crawl_and_its_child_and_commits_nothing(
    running: Crawl, store: RawStore, stop: signal.Signals
) -> None:
    tree = running.tree
    assert any("spawn_main" in command_line(pid) for pid, _ in tree), "no crawler child"
    running.process.send_signal(stop)
    _, stderr = running.process.communicate(timeout=DEADLINE_S)
    assert running.process.returncode == 128 + stop
    assert stderr.strip().splitlines() == [
        f"cis crawl: stopped by {stop.name}: the crawler was killed; "
        "its unfinished sources keep their last good run"
    ]
    wait_until(lambda: not alive(tree), "every process of the crawl to be gone")
    assert store.latest_run("bad") == GOOD_RUN
    [report] = load_reports(store.root)
    assert (report.status, report.reason) == ("failed", f"killed by {stop.name} before finishing")


def test_when_the_parent_is_killed_its_crawler_dies_too_and_commits_nothing(
    running: Crawl, store: RawStore
) -> None:
    tree = running.tree
    assert any("spawn_main" in command_line(pid) for pid, _ in tree), "no crawler child"
    running.process.kill()  # SIGKILL: the parent gets no chance to stop anything
    running.process.wait(timeout=DEADLINE_S)
    wait_until(lambda: not alive(tree), "the orphaned crawler to die")
    assert store.latest_run("bad") == GOOD_RUN
    [report] = load_reports(store.root)
    assert report.reason == "unfinished: killed or crashed before its end (or still running)"
    with locked_sources(running.data_dir / "locks", ["bad"]):
        pass  # the lock died with the processes


def test_a_second_crawl_of_a_source_being_crawled_is_refused(running: Crawl) -> None:
    env = {**os.environ, "CIS_DATA_DIR": str(running.data_dir),
           "CIS_SOURCES_DIR": str(running.data_dir.parent / "sources")}  # fmt: skip
    second = subprocess.run(
        [sys.executable, "-m", "cis_cli.main", "crawl", "bad"],
        capture_output=True, text=True, timeout=DEADLINE_S, env=env,
    )  # fmt: skip
    assert second.returncode == 2
    [line] = second.stderr.splitlines()
    assert line.startswith(
        f"cis crawl: source 'bad' is already being crawled (by pid {running.process.pid}"
    )
    assert running.site.paths.count("/projets/") == 1  # the second crawl fetched nothing
    assert running.process.poll() is None  # and left the first one alone


def test_a_crawler_started_after_its_parent_died_exits_at_once() -> None:
    # Parent pid 1 is never ours: die_with_parent must see its parent is gone and exit.
    code = "from crawlers.child import die_with_parent; die_with_parent(1); print('alive')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=DEADLINE_S
    )
    assert (result.returncode, result.stdout) == (1, "")


def write_inherited_paths(parent_pid: int, locks: Inherited, out: str) -> None:
    """A crawler child's stand-in: write what each inherited lock descriptor points at."""
    Path(out).write_text("\n".join(os.readlink(f"/proc/self/fd/{fd}") for fd in locks.fds))


def test_the_crawler_child_inherits_the_source_locks(tmp_path: Path) -> None:
    # So a lock lasts while either process lives, even if the parent dies first.
    out = tmp_path / "inherited.txt"
    with locked_sources(tmp_path / "locks", ["beta", "alpha"]) as fds:
        assert run_child(write_inherited_paths, (Inherited(fds), str(out)), "test-child") == 0
    assert out.read_text().splitlines() == [
        str(tmp_path / "locks" / "alpha.lock"),
        str(tmp_path / "locks" / "beta.lock"),
    ]
