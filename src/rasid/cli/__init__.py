"""Command-line interface: ``rasid COMMAND``. See ``rasid --help``."""

from __future__ import annotations

import importlib
import sys

from rasid.errors import RasidError

COMMAND_MODULES = ("core", "entities", "extract", "events", "export", "serve", "bench", "train")


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"rasid.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"rasid.cli.{name}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line per error, a traceback only with --debug."""
    from rasid.cli.app import app, err, settings

    args = list(sys.argv[1:] if argv is None else argv)
    settings.debug = "--debug" in args
    _load_commands()
    try:
        rc = app(args=args, standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except RasidError as exc:
        if settings.debug:
            raise
        err.print(f"rasid: error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("rasid: interrupted", markup=False)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a click usage error or an unexpected failure
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            err.print("rasid: aborted", markup=False)
            sys.exit(1)
        if settings.debug:
            raise
        err.print(
            f"rasid: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            markup=False,
        )
        sys.exit(2)
