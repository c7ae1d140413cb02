"""`python -m cis_devtools.fixture_sites generate OUT_DIR [--projects N] [--seed S]` | `serve OUT_DIR`."""

from __future__ import annotations

import argparse
import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path

from cis_devtools.fixture_sites.generate import generate_sites
from cis_devtools.fixture_sites.server import serve_sites


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cis_devtools.fixture_sites")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write the fixture sites to OUT_DIR")
    generate.add_argument("out_dir", type=Path)
    generate.add_argument("--projects", type=int, default=3000)
    generate.add_argument("--seed", type=int, default=2018)
    serve = commands.add_parser("serve", help="serve generated sites until Ctrl-C")
    serve.add_argument("out_dir", type=Path)
    serve.add_argument("--host", default="127.0.0.1")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "generate":
        manifest = generate_sites(args.out_dir, projects=args.projects, seed=args.seed)
        for site in manifest.sites:
            print(f"{site.id}\t{site.project_count} projects\t{site.page_count} pages")
        return 0
    with serve_sites(args.out_dir, args.host) as server:
        for site_id in server.site_ids:
            print(f"{site_id}\t{server.base_url(site_id)}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
