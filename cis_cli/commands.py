"""What each runtime `cis` sub-command does: a short function over the settings."""

from __future__ import annotations

import argparse
import os
import sys

from cis.raw_store import RawStore
from cis.setting_types import PROJECT_ROOT
from cis.settings import SETTINGS, Settings
from cis.source_reports import load_reports
from crawlers.config.loader import check_sources
from crawlers.report import format_report_table
from crawlers.run import crawl as run_crawl
from engines import open_engine
from engines.base import EngineUnavailable, SearchRequest
from indexer.dedup.admin import dedup_report, edit_rule
from indexer.listings.tag_suggestions import draft_csv, format_suggestions, source_suggestions
from indexer.listings.taxonomy import Taxonomy
from indexer.pipeline import apply_increments, rebuild
from search_service.cursors import load_secret
from search_service.partners import PartnerStore

GUNICORN_CONFIG = PROJECT_ROOT / "search_service" / "gunicorn_config.py"


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    """Crawl the chosen sources (all by default) and print their reports."""
    reports = run_crawl(settings, args.sources or None, http_cache=settings.http_cache)
    print(format_report_table(reports))
    return 0 if all(r.status == "ok" for r in reports) else 1


def sources(args: argparse.Namespace, settings: Settings) -> int:
    """Validate every contributor config, or print the last run report of each source."""
    if args.action == "report":
        print(format_report_table(load_reports(settings.raw_dir)))
        return 0
    folders = args.folders or [settings.sources_dir]
    errors = [e for folder in folders for e in check_sources(folder)]
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(errors)} problem(s) in {' and '.join(map(str, folders))}")
    return 1 if errors else 0


def tags(args: argparse.Namespace, settings: Settings) -> int:
    """Print the labels no vocabulary maps, with suggested codes; or write them as a draft."""
    projects = indexed_tags(settings)
    found = source_suggestions(RawStore(settings.raw_dir), args.sources, Taxonomy.load(), projects)
    if args.write is None:
        print(format_suggestions(found))
        return 0
    rows = [row for per_source in found.values() for row in per_source]
    args.write.write_text(draft_csv(rows), encoding="utf-8")
    print(f"{len(rows)} label(s) written to {args.write}: review the codes, then name the file")
    print("in the source's config (vocabulary: {file: …}, crawlers/sources/README.md)")
    return 0


def indexed_tags(settings: Settings) -> list[dict[str, list[str]]]:
    """Each indexed project's raw tags by contributor, the evidence of co-listed projects.

    None, said once, when the index is out of reach: the labels' words alone then speak.
    """
    engine = open_engine(settings)
    try:
        return [project["raw_tags"] for project in engine.scan(SearchRequest())]
    except EngineUnavailable as error:
        print(
            f"index unreachable ({error}): suggestions from the labels' words only", file=sys.stderr
        )
        return []
    finally:
        engine.close()


def index(args: argparse.Namespace, settings: Settings) -> int:
    """Apply the raw store's changes to the live index."""
    print(apply_increments(settings, allow_shrink=args.allow_shrink).summary())
    return 0


def reindex(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild everything from the raw store and swap it in."""
    print(rebuild(settings, allow_shrink=args.allow_shrink).summary())
    return 0


def dedup(args: argparse.Namespace, settings: Settings) -> int:
    """Print the dedup report (or write it as CSV), or edit a never/always-merge rule."""
    if args.action == "report":
        print(dedup_report(settings, csv_path=args.csv, every_project=args.all))
    else:
        print(edit_rule(settings, args.action, args.key_a, args.key_b))
    return 0


def partners(args: argparse.Namespace, settings: Settings) -> int:
    """Issue a key (printed this once), list the keys, or revoke one."""
    store = PartnerStore(settings.data_dir)
    if args.action == "add":
        partner, key = store.add(args.name)
        print(f"key {partner.id} issued to {partner.name}; it is shown only now:\n{key}")
    elif args.action == "revoke":
        partner = store.revoke(args.key)
        print(f"key {partner.id} of {partner.name} revoked: refused from the next request on")
    else:
        listed = store.partners()
        print("id\tname\tcreated\tstatus")
        for partner in listed:
            print(f"{partner.id}\t{partner.name}\t{partner.created}\t{partner.status}")
    return 0


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """Replace this process with gunicorn serving the search service."""
    open_engine(settings).health()  # fail now, in one line, rather than in every worker
    load_secret(settings)  # created once here, not raced for by the workers
    env = {**os.environ, "CIS_PORT": str(args.port or settings.port)}
    base = f"http://{settings.host}:{env['CIS_PORT']}"
    print(
        f"portal on {base}/ — API on {base}/api/v1 (documented at /api/v1/openapi.json)", flush=True
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(GUNICORN_CONFIG),
        "search_service:create_app()",
    ]
    os.execvpe(sys.executable, command, env)


def settings_table(args: argparse.Namespace, settings: Settings) -> int:
    """Print the settings as the README's Markdown table."""
    print("| Variable | Default | Meaning |\n|---|---|---|")
    for s in SETTINGS:
        print(f"| `CIS_{s.name.upper()}` | `{s.default}` | {s.help} |")
    return 0
