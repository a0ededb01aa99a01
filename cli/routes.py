"""`orderbot routes`: the approval route in force, shown or replaced from a TOML file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import Subparsers, UsageError, add_lang, data_command, lang_of
from core import use_cases as uc
from core.db import Database
from core.errors import DomainError, ErrorCode
from templates import render_plain

EXAMPLE = "docs/route.example.toml"


def register(commands: Subparsers) -> None:
    routes = commands.add_parser("routes", help="the approval route: show it, or load a new one from a TOML file")
    actions = routes.add_subparsers(dest="routes_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the route orders are put on when submitted now")
    add_lang(show)
    show.set_defaults(command=data_command(show_route))
    load = actions.add_parser(
        "load", help="replace the route for orders submitted from now on (orders in approval keep their steps)"
    )
    load.add_argument("file", type=Path, metavar="FILE.toml", help=f"the route, as in {EXAMPLE}")
    add_lang(load)
    load.set_defaults(command=data_command(load_route))


async def show_route(args: argparse.Namespace, db: Database) -> int:
    print(render_plain("cli/route.html.j2", lang=lang_of(args), route=await uc.current_route(db)))
    return 0


async def load_route(args: argparse.Namespace, db: Database) -> int:
    try:
        content = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {getattr(error, 'strerror', None) or error}") from error
    try:
        route = await uc.load_route(db, route=uc.read_route_file(content))
    except DomainError as error:
        if error.code is not ErrorCode.ROUTE_INVALID:
            raise
        # Every problem, not the few a chat message has room for: the administrator fixes the file in one go.
        print(
            render_plain("errors/route_invalid.html.j2", lang=lang_of(args), **error.params, shown=1000),
            file=sys.stderr,
        )
        return 2
    print(render_plain("cli/route.html.j2", lang=lang_of(args), route=route, loaded=True))
    return 0
