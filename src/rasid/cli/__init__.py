"""Command-line interface: ``rasid COMMAND``. See ``rasid --help``.

Conventions (click's, as sqlite-utils and Datasette follow them): a usage error prints the usage
and exits 2; a Rasid error prints one line and exits 1; the global options (``--db``, ``-q``,
``-v``, ``--debug``) are accepted before or after the command.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from rasid.errors import RasidError

COMMAND_MODULES = (
    "core",
    "entities",
    "extract",
    "events",
    "export",
    "serve",
    "bench",
    "train",
    "watch",
)

# global options of ``rasid`` (see ``rasid.cli.app._root``), with whether they take a value
GLOBAL_OPTIONS: dict[str, bool] = {
    "--db": True,
    "-q": False,
    "--quiet": False,
    "-v": False,
    "--verbose": False,
    "--debug": False,
}


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"rasid.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"rasid.cli.{name}":
                raise


def hoist_global_options(args: list[str]) -> list[str]:
    """The arguments with the global options moved in front of the command, so that
    ``rasid ingest --db X FILE`` reads as ``rasid --db X ingest FILE``. Nothing after ``--``
    moves, and an option's value stays with it."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if name in GLOBAL_OPTIONS:
            takes_value = GLOBAL_OPTIONS[name] and "=" not in arg
            front.append(arg)
            if takes_value and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _is_click_exception(exc: BaseException) -> bool:
    # typer >= 0.29 carries its own copy of click (typer._click), older ones use click: both
    # raise exceptions of a class named ClickException that know how to show themselves
    return any(c.__name__ == "ClickException" for c in type(exc).__mro__) and hasattr(exc, "show")


def _exit_code(exc: BaseException) -> int | None:
    """The code of typer's or click's Exit, None for any other exception."""
    if type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
        return int(exc.exit_code)
    return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line per error, a traceback only with --debug."""
    from rasid.cli.app import app, err, settings

    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    settings.debug = "--debug" in args
    _load_commands()
    try:
        rc = app(args=args, standalone_mode=False, prog_name="rasid")
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
    except Exception as exc:
        code = _exit_code(exc)
        if code is not None:
            sys.exit(code)
        if _is_click_exception(exc):
            shown: Any = exc
            shown.show()
            sys.exit(int(getattr(exc, "exit_code", 2)))
        if type(exc).__name__ == "Abort":
            err.print("rasid: aborted", markup=False)
            sys.exit(1)
        if settings.debug:
            raise
        err.print(
            f"rasid: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            markup=False,
        )
        sys.exit(2)
