"""Start, wait for and stop a throwaway ``redis-server`` (Debian's) on 127.0.0.1.

Key concepts: each server gets a free port and its own folder (its working dir and log)
and keeps nothing on disk (``--save ''``, no append-only file); it is up when it answers
PING, and is stopped with SIGTERM, then SIGKILL past a deadline.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

from cis_devtools.localnode.node import free_port
from cis_devtools.servers.process import ServerProcess, stop_process

START_TIMEOUT_S = 10
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")


class RedisServerError(RuntimeError):
    """redis-server is missing, or did not answer PING in time."""


class RedisServer(ServerProcess):
    """One redis-server process; use it as a context manager, or ``start()`` and ``stop()``."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cis-redis-"))
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The storage URI clients use (database 0)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        """Start the server and wait until it answers PING; its URL."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisServerError("redis-server not found: run devtools/bin/system-packages")
        self.port = free_port()
        log = (self.folder / "redis.log").open("wb")
        address = ["--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder)]
        self._process = subprocess.Popen(
            [binary, *address, *NO_PERSISTENCE, "--daemonize", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()  # the child holds its own copy
        self._wait_for_ping()
        return self.url

    def stop(self) -> None:
        """Stop the server (SIGTERM, SIGKILL past the deadline) and remove its folder."""
        if self._process is not None:
            stop_process(self._process)
            self._process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def _wait_for_ping(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._fail(f"redis-server exited with {self._process.returncode}")
            if answers_ping(self.port):
                return
            time.sleep(0.05)
        self._fail(f"redis-server did not answer PING within {START_TIMEOUT_S} s")

    def _fail(self, problem: str) -> NoReturn:
        log = (self.folder / "redis.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise RedisServerError(f"{problem}:\n{log}")


def answers_ping(port: int) -> bool:
    """True when a Redis server on ``port`` of 127.0.0.1 answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")  # an inline command: no client library needed
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False
