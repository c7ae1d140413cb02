"""What each `cis` sub-command does; heavy imports stay inside the command that needs them."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from cis.settings import PROJECT_ROOT, SETTINGS, Settings

FIXTURE_SOURCES_DIR = PROJECT_ROOT / "crawlers" / "sources_fixtures"
# Fixed ports keep the fixture sites' URLs, hence project ids, the same across demos.
DEMO_SITES_FIRST_PORT = 8101
GUNICORN_CONFIG = PROJECT_ROOT / "search_service" / "gunicorn.conf.py"


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    """Crawl the chosen sources (all by default) and print their reports."""
    from crawlers.report import format_report_table
    from crawlers.run import crawl as run_crawl

    reports = run_crawl(settings, args.sources or None, http_cache=settings.http_cache)
    print(format_report_table(reports))
    return 0 if all(r.status == "ok" for r in reports) else 1


def sources(args: argparse.Namespace, settings: Settings) -> int:
    """Validate every contributor config, or print the last run report of each source."""
    if args.action == "report":
        from crawlers.report import format_report_table, load_reports

        print(format_report_table(load_reports(settings.raw_dir)))
        return 0
    from crawlers.sources import check_sources

    errors = [
        e for folder in (settings.sources_dir, FIXTURE_SOURCES_DIR) for e in check_sources(folder)
    ]
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(errors)} problem(s) in {settings.sources_dir} and {FIXTURE_SOURCES_DIR}")
    return 1 if errors else 0


def index(args: argparse.Namespace, settings: Settings) -> int:
    """Apply the raw store's changes to the live index."""
    from indexer.pipeline import apply_increments

    print(apply_increments(settings).summary())
    return 0


def reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild everything from the raw store and swap it in."""
    from indexer.pipeline import rebuild

    print(rebuild(settings).summary())
    return 0


def dedup(args: argparse.Namespace, settings: Settings) -> int:
    """Print the dedup report (or write it as CSV), or edit a never/always-merge rule."""
    from indexer.dedup_admin import dedup_report, edit_rule

    if args.action == "report":
        print(dedup_report(settings, csv_path=args.csv, every_project=args.all))
    else:
        print(edit_rule(settings, args.action, args.key_a, args.key_b))
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Replace this process with gunicorn serving the search service."""
    from cis.engines import open_engine

    open_engine(settings).health()  # fail now, in one line, rather than in every worker
    env = {**os.environ, "CIS_PORT": str(args.port or settings.port)}
    print(f"serving on http://{settings.host}:{env['CIS_PORT']}", flush=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(GUNICORN_CONFIG),
        "search_service:create_app()",
    ]
    os.execvpe(sys.executable, command, env)


def demo(args: argparse.Namespace, settings: Settings) -> int:
    """Generate and serve the fixture sites, crawl them, reindex, then serve the API."""
    from cis.fixture_sites import generate_sites, serve_sites
    from crawlers.report import format_report_table
    from crawlers.run import crawl as run_crawl

    root = settings.data_dir / "fixture_sites"
    manifest = generate_sites(root, projects=args.projects)
    # The fixture sites are ours, on this machine: no need to wait between requests
    # (robots.txt is obeyed all the same).
    crawl_settings = dataclasses.replace(settings, polite=False)
    with serve_sites(root, first_port=DEMO_SITES_FIRST_PORT) as server:
        base_urls = {site.id: server.base_url(site.id) for site in manifest.sites}
        reports = run_crawl(
            crawl_settings, sorted(base_urls), sources_dir=FIXTURE_SOURCES_DIR, base_urls=base_urls
        )
    print(format_report_table(reports))
    reindex(args, settings)
    return 0 if args.no_serve else serve(args, settings)


def es(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop or describe the local Elasticsearch node."""
    from cis.localnode.node import LocalNode

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
    import shutil

    from cis.engines import open_engine
    from cis.localnode.install import NodeSetupError, find_java

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


def settings_table(args: argparse.Namespace, settings: Settings) -> int:
    """Print the settings as the README's Markdown table."""
    print("| Variable | Default | Meaning |\n|---|---|---|")
    for s in SETTINGS:
        print(f"| `CIS_{s.name.upper()}` | `{s.default}` | {s.help} |")
    return 0
