"""Start, watch and stop one single-node Elasticsearch on 127.0.0.1.

Key concepts: the unpacked distribution is shared and read-only; each node gets its
own folder (config, data, logs, tmp) selected with ``ES_PATH_CONF``, so `cis es start`
and a test session can run side by side. Elasticsearch refuses to run as root, so a
root caller runs it as ``nobody`` through ``setpriv``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from cis.settings import Settings
from cis_devtools.localnode.install import NodeSetupError, fetch_zip, find_java, unpack

START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
NODE_SETTINGS = """\
cluster.name: cis-{name}
node.name: cis-{name}
network.host: 127.0.0.1
http.port: {port}
transport.port: {transport_port}
discovery.type: single-node
xpack.security.enabled: false
xpack.ml.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: {folder}/data
path.logs: {folder}/logs
"""


@dataclass(frozen=True)
class NodeInfo:
    """A running node: where it answers and which process it is."""

    name: str
    url: str
    pid: int
    started_in_s: float


class LocalNode:
    """One named local node under ``settings.es_home``."""

    def __init__(self, settings: Settings, name: str = "dev") -> None:
        self.settings = settings
        self.name = name
        self.folder = settings.es_home / "nodes" / name

    @property
    def state_file(self) -> Path:
        """Where the running node's pid, port and URL are recorded."""
        return self.folder / "node.json"

    def status(self) -> NodeInfo | None:
        """The running node, or None (a stale state file is removed)."""
        if not self.state_file.exists():
            return None
        info = NodeInfo(**json.loads(self.state_file.read_text()))
        if _alive(info.pid) and cluster_status(info.url) is not None:
            return info
        self.state_file.unlink()
        return None

    def start(self) -> NodeInfo:
        """Install if needed, start, and wait until the cluster is green."""
        if running := self.status():
            return running
        java_home = find_java(self.settings.java_home, self.settings.es_version)
        install = unpack(
            fetch_zip(self.settings.es_version), self.settings.es_home, self.settings.es_version
        )
        port = self.settings.es_port or free_port()
        if not port_is_free(port):
            raise NodeSetupError(f"port {port} is taken: set CIS_ES_PORT to a free port or 0")
        self._prepare_folder(install, port)
        started = time.monotonic()
        process = self._launch(install, java_home)
        info = NodeInfo(self.name, f"http://127.0.0.1:{port}", process.pid, 0.0)
        self._wait_green(info, process)
        info = NodeInfo(info.name, info.url, info.pid, round(time.monotonic() - started, 1))
        self.state_file.write_text(json.dumps(asdict(info)))
        return info

    def stop(self) -> bool:
        """Stop the node if it runs; True when one was stopped."""
        info = self.status()
        if info is None:
            return False
        _terminate(info.pid)
        self.state_file.unlink(missing_ok=True)
        return True

    def remove(self) -> None:
        """Stop and delete this node's folder (data included)."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _prepare_folder(self, install: Path, port: int) -> None:
        config = self.folder / "config"
        for sub in ("data", "logs", "tmp"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        if not config.exists():
            shutil.copytree(install / "config", config)
        transport_port = free_port()
        (config / "elasticsearch.yml").write_text(
            NODE_SETTINGS.format(
                name=self.name, port=port, transport_port=transport_port, folder=self.folder
            )
        )
        if os.geteuid() == 0:
            _give_to_nobody(self.settings.es_home)

    def _launch(self, install: Path, java_home: Path) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "ES_JAVA_HOME": str(java_home),
            "ES_PATH_CONF": str(self.folder / "config"),
            "ES_TMPDIR": str(self.folder / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.settings.es_heap} -Xmx{self.settings.es_heap}",
        }
        command = [str(install / "bin" / "elasticsearch")]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
            env["HOME"] = str(self.folder)
        log = (self.folder / "logs" / "console.log").open("wb")
        return subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait_green(self, info: NodeInfo, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NodeSetupError(
                    f"Elasticsearch exited with {process.returncode}:\n{self._log_tail()}"
                )
            if cluster_status(info.url) == "green":
                return
            time.sleep(0.25)
        _terminate(info.pid)
        raise NodeSetupError(
            f"Elasticsearch not green after {START_TIMEOUT_S} s:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        log = self.folder / "logs" / "console.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


def cluster_status(url: str) -> str | None:
    """Cluster health colour, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health?timeout=1s", timeout=3) as response:
            return str(json.load(response)["status"])
    except (OSError, ValueError, KeyError):
        return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True when nothing listens on ``port`` of 127.0.0.1."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # it was our own child, and it has just been reaped
    except ChildProcessError:
        pass  # not our child: started by an earlier `cis es start`
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(pid: int) -> None:
    # The node runs in its own session: signal the whole group (launcher + JVM).
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)


def _give_to_nobody(folder: Path) -> None:
    subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
