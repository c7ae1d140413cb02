"""The `cis` command: crawl, index, serve, issue partner keys, and run a local Elasticsearch.

Each sub-command is a short function over the settings (``commands``, and
``dev_commands`` where the development tools are installed); known failures end in a
one-line message and a non-zero exit code, never a traceback. The command modules are
imported only once the arguments parsed: they pull in Scrapy, Elasticsearch and
datasketch (1.4 s), which ``--help`` and a mistyped argument need not wait for.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TypeAlias

from cis.errors import CisError
from cis.setting_types import port_number, positive_count
from cis.settings import Settings

DEVELOPMENT_COMMANDS = frozenset({"demo", "es"})
# Commands that write under CIS_DATA_DIR (and the dedup rule actions): it is checked first.
DATA_WRITERS = frozenset({"crawl", "index", "reindex", "demo"})
RULE_ACTIONS = {
    "never": "never merge these two listings (applies at the next `cis index`)",
    "always": "always merge these two listings (applies at the next `cis index`)",
    "forget": "drop the rule about these two listings",
}


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit 2), like every CIS error."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` and where to find the usage, then exit 2."""
        # argparse's default prints the whole usage first; one line stays readable in logs.
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


# Sub-parsers are built by the class of their parent: one-line errors all the way down.
Subcommands: TypeAlias = "argparse._SubParsersAction[OneLineErrorParser]"


def _argument(parse: Callable[[str], int]) -> Callable[[str], int]:
    """An argparse ``type=`` from a settings parser, so both say the same about a bad value."""

    def read(text: str) -> int:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{error}, got {text!r}") from None

    return read


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = OneLineErrorParser(prog="cis", description="CIS, the social-innovation metasearch.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    crawl = _add(sub, "crawl", "crawl", "crawl contributor sites into the raw store")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    sources = _add(sub, "sources", "sources", "check contributor configs, or report source health")
    sources.add_argument("action", choices=["check", "report"])
    sources.add_argument(
        "folders", nargs="*", type=Path, metavar="FOLDER", help="check: (default: CIS_SOURCES_DIR)"
    )
    tags = _add(sub, "tags", "tags", "list the labels no vocabulary maps, with suggested codes")
    tags.add_argument("action", choices=["report"])
    tags.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    tags.add_argument("--write", type=Path, metavar="PATH", help="write a label,codes draft there")
    index = _add(
        sub, "index", "index", "apply new, changed and vanished projects to the live index"
    )
    reindex = _add(
        sub, "reindex", "reindex", "rebuild the whole index from the raw store, swap it in"
    )
    for writer in (index, reindex):
        writer.add_argument(
            "--allow-shrink",
            action="store_true",
            help="write even if it removes more than CIS_SHRINK_LIMIT of the live index, or all of it",
        )
    _add_dedup(sub)
    _add_partners(sub)
    serve = _add(sub, "serve", "serve", "serve the search API with gunicorn")
    serve.add_argument("--port", type=_argument(port_number), help="port (default: CIS_PORT)")
    _add(sub, "settings", "settings_table", "print every setting as a Markdown table")
    if importlib.util.find_spec("cis_devtools") is not None:  # absent from the runtime wheel
        _add_development(sub)
    return parser


def _add_development(sub: Subcommands) -> None:
    demo = _add(sub, "demo", "demo", "crawl the fixture sites, index them, serve")
    demo.add_argument(
        "--projects",
        type=_argument(positive_count),
        default=600,
        help="fixture projects to generate",
    )
    demo.add_argument("--no-serve", action="store_true", help="stop after indexing")
    demo.add_argument("--port", type=_argument(port_number), help="port (default: CIS_PORT)")
    es = _add(sub, "es", "es", "run a local Elasticsearch node (needs a JDK and Maven)")
    es.add_argument("action", choices=["check", "start", "stop", "status"])


def _add_dedup(sub: Subcommands) -> None:
    dedup = _add(sub, "dedup", "dedup", "review merged projects, set merge rules")
    actions = dedup.add_subparsers(dest="action", required=True, metavar="ACTION")
    report = actions.add_parser("report", help="print merged projects and refused links")
    report.add_argument("--csv", type=Path, metavar="PATH", help="write the report as CSV")
    report.add_argument("--all", action="store_true", help="every project, merged or not")
    for action, help_text in RULE_ACTIONS.items():
        rule = actions.add_parser(action, help=help_text, description=help_text)
        rule.set_defaults(writes=True)
        rule.add_argument("key_a", metavar="KEY_A", help="a listing key: source|url")
        rule.add_argument("key_b", metavar="KEY_B", help="another listing key")


def _add_partners(sub: Subcommands) -> None:
    partners = _add(sub, "partners", "partners", "issue, list and revoke partner API keys")
    actions = partners.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="issue a key to a partner and print it, once")
    add.add_argument("name", metavar="NAME", help="who the key is for, e.g. 'Ville de Lyon'")
    revoke = actions.add_parser("revoke", help="refuse a key from the next request on")
    revoke.add_argument("key", metavar="KEY_OR_ID", help="the key, or its id from `list`")
    for writer in (add, revoke):
        writer.set_defaults(writes=True)
    actions.add_parser("list", help="print each key's id, partner, date and status (never a key)")


def _add(
    sub: Subcommands,
    name: str,
    handler: str,
    help_text: str,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler, writes=name in DATA_WRITERS)
    return parser


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.writes:  # fail in one line now, not in every file write of a long run
        settings.check_data_dir()
    if args.command in DEVELOPMENT_COMMANDS:
        from cis_cli import dev_commands

        return int(getattr(dev_commands, args.handler)(args, settings))
    from cis_cli import commands

    return int(getattr(commands, args.handler)(args, settings))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `cis` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except CisError as error:
        print(f"cis {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
