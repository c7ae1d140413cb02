"""What a dead and a hanging site cost `cis crawl`, with the default crawl bounds.

    python -m benchmarks.unreachable

Runs ``python -m cis_cli.main crawl`` (default settings: polite, CIS_CRAWL_TIMEOUT,
CIS_CRAWL_RETRIES) against a port that refuses connections, then against a server that
accepts them and never answers; prints the wall clock of each command, child start-up
included, the requests the hanging site received and the failure reason reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cis_devtools.misbehaving_sites import StallingSite, dead_site, write_source


def crawl_seconds(url: str, folder: Path) -> tuple[float, str]:
    """Wall-clock seconds of `cis crawl` of a source at ``url``, and its report table."""
    write_source(folder / "sources", "bench", url)
    env = {
        **os.environ,
        "CIS_DATA_DIR": str(folder / "data"),
        "CIS_SOURCES_DIR": str(folder / "sources"),
        "CIS_LOG_LEVEL": "CRITICAL",
    }
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "cis_cli.main", "crawl", "bench"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.monotonic() - start, result.stdout.strip()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with dead_site() as url:
            seconds, table = crawl_seconds(url, Path(tmp) / "dead")
        print(f"dead site (connection refused): {seconds:.1f} s\n{table}\n")
        with StallingSite() as site:
            seconds, table = crawl_seconds(site.url, Path(tmp) / "hanging")
            print(f"hanging site (accepts, never answers): {seconds:.1f} s\n{table}")
            print(f"requests received: {site.paths}")


if __name__ == "__main__":
    main()
