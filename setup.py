"""Optional mypyc compilation of the pipeline's hot modules (about 1.3x the articles per second).

Off unless RASID_MYPYC=1 at install time; then ``pip install [-e] .`` compiles the modules below
into C extensions next to their sources. Any failure (no compiler, no Python headers, a mypyc
error) leaves the pure-Python package as it is, with a warning. After editing a compiled module,
re-run the install (or ``RASID_MYPYC=0`` reinstall and delete ``src/**/*.so``): a stale .so
shadows its .py.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HOT = [
    "rasid/context_names.py",
    "rasid/data/__init__.py",
    "rasid/doc.py",
    "rasid/entities.py",
    "rasid/events/__init__.py",
    "rasid/events/propose.py",
    "rasid/events/arguments.py",
    "rasid/events/context.py",
    "rasid/events/lexicon.py",
    "rasid/events/rules.py",
    "rasid/events/setting.py",
    "rasid/events/speech.py",
    "rasid/figures.py",
    "rasid/ingest/assemble.py",
    "rasid/ingest/boilerplate.py",
    "rasid/ingest/captions.py",
    "rasid/ingest/dateline.py",
    "rasid/ingest/jsonl.py",
    "rasid/ingest/lang.py",
    "rasid/kb/__init__.py",
    "rasid/kb/load.py",
    "rasid/kb/match.py",
    "rasid/kb/matcher.py",
    "rasid/kb/morph.py",
    "rasid/merge.py",
    "rasid/numbers.py",
    "rasid/pipeline.py",
    "rasid/provisional.py",
    "rasid/records.py",
    "rasid/summary.py",
    "rasid/text/__init__.py",
    "rasid/text/charsets.py",
    "rasid/text/normalize.py",
    "rasid/text/segment.py",
    "rasid/time.py",
    "rasid/timex/__init__.py",
    "rasid/timex/calendar.py",
    "rasid/timex/lexicon.py",
    "rasid/timex/resolve.py",
    "rasid/timex/rules.py",
]

GROUP = "rasid_native"  # the shared library: src/rasid_native__mypyc.*.so


def _remove_compiled() -> None:
    """Delete the extensions of an earlier build: a stale one would shadow its source."""
    for path in HOT:
        for so in Path("src", path).parent.glob(Path(path).stem + ".*.so"):
            so.unlink()
    for so in Path("src").glob(f"{GROUP}__mypyc.*.so"):
        so.unlink()


def _warn(msg: str) -> None:
    print(f"rasid: {msg}; installing pure Python", file=sys.stderr)


class OptionalBuildExt(build_ext):
    """Build every compiled module or none: a half-built set would import-fail."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:  # one C file per module: compile them on every core
            self.parallel = os.cpu_count() or 1

    def build_extensions(self) -> None:
        # mypyc puts most modules in one extension of many C files, which build_ext compiles
        # one after another: compile the files of each extension on every core instead
        compile_one = self.compiler.compile
        jobs = self.parallel if isinstance(self.parallel, int) and self.parallel > 1 else 1

        def compile_all(sources: list[str], *args: object, **kwargs: object) -> list[str]:
            with ThreadPoolExecutor(jobs) as pool:
                done = pool.map(lambda src: compile_one([src], *args, **kwargs), sources)
                return [obj for objs in done for obj in objs]

        self.compiler.compile = compile_all
        self.parallel = False  # one extension at a time, its files in parallel
        super().build_extensions()

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # compiler missing or failing: fall back, never fail the install
            _warn(f"mypyc build failed ({exc})")
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            _remove_compiled()
            self.extensions = []


def _ext_modules() -> list[object]:
    _remove_compiled()  # every install starts from the pure-Python package
    if os.environ.get("RASID_MYPYC", "0") != "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not installed")
        return []
    try:
        return list(
            mypycify(
                [f"src/{path}" for path in HOT],
                opt_level="3",
                multi_file=True,  # one C file per module, so that build_ext -j can use every core
                group_name=GROUP,
            )
        )
    except BaseException as exc:  # mypyc reports type errors with SystemExit
        _warn(f"mypyc failed ({exc!r})")
        return []


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
