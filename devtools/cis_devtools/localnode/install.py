"""Find a JDK, fetch the Elasticsearch integ-test zip with Maven, unpack it once.

The Maven artifact ``org.elasticsearch.distribution.integ-test-zip:elasticsearch`` is a
real server without a bundled JDK; Maven's local repository is the download cache.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from cis.errors import CisError

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch"
MAVEN_REPOSITORY = Path.home() / ".m2" / "repository"


class NodeSetupError(CisError):
    """The local node cannot be installed or started; the message says what to do."""


def required_java(es_version: str) -> int:
    """Minimum Java major for an Elasticsearch version (8.x: 17, 9.x: 21)."""
    return 21 if int(es_version.split(".")[0]) >= 9 else 17


def find_java(java_home: str, es_version: str) -> Path:
    """The JDK home to run the node with, checked against the version it needs."""
    java = Path(java_home) / "bin" / "java" if java_home else _java_on_path()
    if not java.exists():
        raise NodeSetupError(f"no java at {java}: install a JDK or set CIS_JAVA_HOME")
    major = java_major(java)
    if major < required_java(es_version):
        raise NodeSetupError(
            f"Elasticsearch {es_version} needs Java {required_java(es_version)}+, "
            f"{java} is Java {major}: set CIS_JAVA_HOME to a newer JDK"
        )
    return java.parent.parent


def _java_on_path() -> Path:
    found = shutil.which("java")
    if found is None:
        raise NodeSetupError("no `java` on PATH: install a JDK 17+ or set CIS_JAVA_HOME")
    return Path(found).resolve()


def java_major(java: Path) -> int:
    """Major version printed by ``java -version``."""
    output = subprocess.run([str(java), "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if match is None:
        raise NodeSetupError(f"cannot read the version of {java}: {output.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def fetch_zip(es_version: str) -> Path:
    """The distribution zip, from the local Maven repository or Maven Central."""
    cached = _cached_zip(es_version)
    if cached.exists():
        return cached
    if shutil.which("mvn") is None:
        raise NodeSetupError(
            "Maven (`mvn`) is needed to download Elasticsearch; install it, "
            "or point CIS_ELASTICSEARCH_URL at an existing cluster"
        )
    command = ["mvn", "-q", "-B", "dependency:get", f"-Dartifact={ARTIFACT}:{es_version}:zip"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not cached.exists():
        tail = (result.stdout + result.stderr).strip()[-800:]
        raise NodeSetupError(f"`{' '.join(command)}` failed:\n{tail}")
    return cached


def _cached_zip(es_version: str) -> Path:
    group, artifact = ARTIFACT.split(":")
    folder = MAVEN_REPOSITORY.joinpath(*group.split("."), artifact, es_version)
    return folder / f"{artifact}-{es_version}.zip"


def unpack(zip_path: Path, es_home: Path, es_version: str) -> Path:
    """The unpacked distribution under ``es_home`` (unpacked once, then reused)."""
    target = es_home / f"elasticsearch-{es_version}"
    if (target / "lib").is_dir():
        return target
    partial = es_home / f".unpacking-{es_version}"
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(partial)
    (partial / f"elasticsearch-{es_version}").rename(target)
    partial.rmdir()
    for script in (target / "bin").iterdir():
        script.chmod(0o755)  # zipfile drops the executable bit
    return target
