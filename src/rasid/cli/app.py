"""The typer application and the options every command shares.

Command modules in this package import ``app`` and register their commands; ``rasid.cli.main``
imports them all. The CLI is a thin shell: it parses options, calls the library and prints.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rasid.store import Store

app = typer.Typer(
    name="rasid",
    help="Rasid (راصد): Arabic conflict news to a sourced record of events.",
    no_args_is_help=True,
    # ``rasid --install-completion`` sets up completion of commands and options for the shell
    add_completion=True,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Settings:
    db: str | None = None
    quiet: bool = False
    verbose: bool = False
    debug: bool = False


settings = Settings()


def _print_version(value: bool) -> None:
    if value:
        from rasid import __version__

        out.print(f"rasid {__version__}", markup=False)
        raise typer.Exit(0)


def _fit_output_to_pipe() -> None:
    """Tables written to a pipe or a file are not cut at 80 columns: rich only knows a
    terminal's width, so elsewhere (unless COLUMNS says) lines are as long as their content."""
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = 10_000


@app.callback()
def _root(
    db: str = typer.Option(
        None, "--db", help="SQLite path or postgresql:// URL (default: RASID_DB or the data dir)."
    ),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Only errors."),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="More detail."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print Rasid's version and exit.",
    ),
) -> None:
    """Rasid (راصد): Arabic conflict news to a sourced record of events.

    Global options may come before or after the command: ``rasid --db X events`` and
    ``rasid events --db X`` are the same."""
    _fit_output_to_pipe()
    settings.db = db or os.environ.get("RASID_DB")
    settings.quiet = quiet
    settings.verbose = verbose
    settings.debug = debug or settings.debug
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def open_existing_store() -> Store:
    """The store a reading command reads: it must exist (nothing is created to be read), and
    is brought up to date when it is older than this version of Rasid."""
    from rasid.store import open_store

    return open_store(store_url(), create=False, migrate=True)


def store_url() -> str:
    """The store URL from --db, RASID_DB, or the default SQLite file in the user's data dir."""
    from rasid.store import default_url

    return settings.db or default_url()
