"""Run Debian's nginx in front of a local service, configured from the production template.

Key concepts: deploy/nginx/cis.conf.template is the ``server`` block the production
stack runs (the official image fills in its ``${CIS_...}`` placeholders from the
environment). Here the same template gets local values, inside a minimal main config
whose every path (pid, logs, temporary files) is under one folder, so a test runs its
own nginx as a plain subprocess, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from cis_devtools.localnode.node import free_port
from cis_devtools.servers.process import ServerProcess, stop_process

NGINX = Path("/usr/sbin/nginx")  # Debian's nginx-light (devtools/bin/system-packages)
START_TIMEOUT_S = 15
PLACEHOLDER = re.compile(r"\$\{(CIS_[A-Z_]+)\}")
MAIN_CONFIG = """\
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


class NginxError(RuntimeError):
    """nginx did not start (its error log says why)."""


def render_template(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``${CIS_...}`` replaced by its value (a missing one is an error)."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise NginxError(f"no value for ${{{match.group(1)}}} of the nginx template")
        return values[match.group(1)]

    return PLACEHOLDER.sub(value, template)


class NginxProxy(ServerProcess):
    """nginx on 127.0.0.1, proxying to ``upstream`` (host:port) as configured by ``template``."""

    def __init__(self, template: Path, upstream: str, folder: Path) -> None:
        self.template = template
        self.upstream = upstream
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where nginx answers."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Write the configuration, start nginx and wait until it accepts connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        values = {"CIS_API_UPSTREAM": self.upstream, "CIS_NGINX_LISTEN": f"127.0.0.1:{self.port}"}
        site = render_template(self.template.read_text(), values)
        (self.folder / "site.conf").write_text(site)
        (self.folder / "nginx.conf").write_text(MAIN_CONFIG.format(folder=self.folder))
        error_log = self.folder / "error.log"
        directives = f"daemon off; pid {self.folder}/nginx.pid; error_log {error_log};"
        command = [str(NGINX), "-e", str(error_log), "-p", f"{self.folder}/"]
        command += ["-c", str(self.folder / "nginx.conf"), "-g", directives]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        self._wait_until_listening(self.process)

    def stop(self) -> None:
        """Stop nginx (a fast shutdown: open connections are closed)."""
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None

    def _wait_until_listening(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NginxError(f"nginx exited with {process.returncode}: {self._log_tail()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise NginxError(f"nginx not listening after {START_TIMEOUT_S} s: {self._log_tail()}")

    def _log_tail(self) -> str:
        log = self.folder / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
