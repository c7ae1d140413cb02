"""The `cis` command: crawl, index, serve, and run a local Elasticsearch.

Each sub-command is a short function over the settings; known failures end in a
one-line message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cis.errors import CisError
from cis.settings import Settings
from cis_cli import commands

try:
    from cis_cli import dev_commands
except ModuleNotFoundError as missing:  # a runtime-wheel install: no development tools
    if missing.name != "cis_devtools":
        raise
    dev_commands = None  # type: ignore[assignment]

Handler = Callable[[argparse.Namespace, Settings], int]
RULE_ACTIONS = {
    "never": "never merge these two listings (applies at the next `cis index`)",
    "always": "always merge these two listings (applies at the next `cis index`)",
    "forget": "drop the rule about these two listings",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(
        prog="cis", description="CIS, the social-innovation metasearch."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    crawl = _add(sub, "crawl", commands.crawl, "crawl contributor sites into the raw store")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    sources = _add(
        sub, "sources", commands.sources, "check contributor configs, or report source health"
    )
    sources.add_argument("action", choices=["check", "report"])
    sources.add_argument(
        "folders", nargs="*", type=Path, metavar="FOLDER", help="check: (default: CIS_SOURCES_DIR)"
    )
    _add(sub, "index", commands.index, "apply new, changed and vanished projects to the live index")
    _add(sub, "reindex", commands.reindex, "rebuild the whole index from the raw store, swap it in")
    _add_dedup(sub)
    serve = _add(sub, "serve", commands.serve, "serve the search API with gunicorn")
    serve.add_argument("--port", type=int, help="port (default: CIS_PORT)")
    _add(sub, "settings", commands.settings_table, "print every setting as a Markdown table")
    if dev_commands is not None:
        _add_development(sub)
    return parser


def _add_development(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    assert dev_commands is not None
    demo = _add(sub, "demo", dev_commands.demo, "crawl the fixture sites, index them, serve")
    demo.add_argument("--projects", type=int, default=600, help="fixture projects to generate")
    demo.add_argument("--no-serve", action="store_true", help="stop after indexing")
    demo.add_argument("--port", type=int, help="port (default: CIS_PORT)")
    es = _add(sub, "es", dev_commands.es, "run a local Elasticsearch node (needs a JDK and Maven)")
    es.add_argument("action", choices=["check", "start", "stop", "status"])


def _add_dedup(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dedup = _add(sub, "dedup", commands.dedup, "review merged projects, set merge rules")
    actions = dedup.add_subparsers(dest="action", required=True, metavar="ACTION")
    report = actions.add_parser("report", help="print merged projects and refused links")
    report.add_argument("--csv", type=Path, metavar="PATH", help="write the report as CSV")
    report.add_argument("--all", action="store_true", help="every project, merged or not")
    for action, help_text in RULE_ACTIONS.items():
        rule = actions.add_parser(action, help=help_text, description=help_text)
        rule.add_argument("key_a", metavar="KEY_A", help="a listing key: source|url")
        rule.add_argument("key_b", metavar="KEY_B", help="another listing key")


def _add(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cis` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.handler(args, settings))
    except CisError as error:
        print(f"cis {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
