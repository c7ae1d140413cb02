"""The development sub-commands: `cis demo` over the fixture sites, `cis es` for a local node.

They need the development tools (``cis_devtools``, installed by ``make setup``), which the
runtime wheel leaves out.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil

from cis.settings import Settings
from cis_cli.commands import serve
from cis_devtools.fixture_sites import SOURCES_DIR, generate_sites, serve_sites
from cis_devtools.localnode.install import NodeSetupError, find_java
from cis_devtools.localnode.node import LocalNode
from crawlers.report import format_report_table
from crawlers.run import crawl as run_crawl
from engines import open_engine
from indexer.pipeline import rebuild

# Fixed ports keep the fixture sites' URLs, hence project ids, the same across demos.
DEMO_SITES_FIRST_PORT = 8101


def demo(args: argparse.Namespace, settings: Settings) -> int:
    """Generate and serve the fixture sites, crawl them, reindex, then serve the portal and the API."""
    root = settings.data_dir / "fixture_sites"
    manifest = generate_sites(root, projects=args.projects)
    # The fixture sites are ours, on this machine: no need to wait between requests
    # (robots.txt is obeyed all the same).
    crawl_settings = dataclasses.replace(settings, polite=False)
    with serve_sites(root, first_port=DEMO_SITES_FIRST_PORT) as server:
        base_urls = {site.id: server.base_url(site.id) for site in manifest.sites}
        reports = run_crawl(
            crawl_settings, sorted(base_urls), sources_dir=SOURCES_DIR, base_urls=base_urls
        )
    print(format_report_table(reports))
    # The demo's fixture world replaces whatever an earlier demo indexed, smaller or not.
    print(rebuild(settings, allow_shrink=True).summary())
    return 0 if args.no_serve else serve(args, settings)


def es(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop or describe the local Elasticsearch node."""
    node = LocalNode(settings)
    if args.action == "check":
        print(check_elasticsearch_prerequisites(settings))
    elif args.action == "start":
        info = node.start()
        print(
            f"Elasticsearch {settings.es_version} green at {info.url} (pid {info.pid}, {info.started_in_s} s)"
        )
        print(f"use it with: export CIS_ELASTICSEARCH_URL={info.url}")
    elif args.action == "stop":
        print("stopped" if node.stop() else "not running")
    else:
        status = node.status()
        print(f"running at {status.url} (pid {status.pid})" if status else "not running")
        return 0 if status else 1
    return 0


def check_elasticsearch_prerequisites(settings: Settings) -> str:
    """What the tests will use for Elasticsearch; raises NodeSetupError when nothing fits."""
    if settings.elasticsearch_url:
        open_engine(settings).health()
        return f"Elasticsearch: existing cluster at {settings.elasticsearch_url}"
    java_home = find_java(settings.java_home, settings.es_version)
    if shutil.which("mvn") is None:
        raise NodeSetupError(
            "Maven (`mvn`) is needed to download Elasticsearch; install it "
            "(apt install maven) or set CIS_ELASTICSEARCH_URL to an existing cluster"
        )
    return f"Elasticsearch {settings.es_version}: local node with the JDK at {java_home}, via Maven"
