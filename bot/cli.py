"""The `coseller` command line: one entry point for every way of running Coseller."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rules.cli import main as rules_main

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `coseller`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="coseller", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rules = sub.add_parser("rules", help="ask the Rules of Engagement as JSON scenario files",
                           add_help=False)
    rules.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    return rules_main(args.args)


if __name__ == "__main__":
    sys.exit(main())
