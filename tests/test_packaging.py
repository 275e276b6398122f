"""Packaging (``pyproject.toml``, ``rasid.extras``): every package Rasid imports is declared, in
the core or in the extra of the part that imports it; none is declared for nothing; the core
runs without the extras and names the one a command needs; ``pip install .`` gives a working
``rasid``."""

from __future__ import annotations

import ast
import functools
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from rasid.extras import EXTRAS

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "rasid"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# the parts of the package that belong to an extra; everything else is the core
PARTS = {
    "web": ("web/",),
    "cluster": ("cluster.py",),
    "watch": ("watch/", "cli/watch.py"),
    "train": ("events/train.py", "merge_train.py", "ner/clusters.py"),
}
# declared, and used without an import statement of their own
NOT_IMPORTED = {
    "psycopg": "SQLAlchemy's driver, loaded for postgresql+psycopg:// URLs",
    "dask": "declared as dask[distributed]; Rasid imports distributed",
    "binary": "psycopg[binary]: the name of psycopg's extra (its compiled build), no package",
}
# the extras each part of the code may use
ALLOWED = {
    "core": ("core",),
    "web": ("core", "web"),
    "cluster": ("core", "cluster"),
    "watch": ("core", "watch"),
    "train": ("core", "train"),
}
BLOCKED = ("fastapi", "uvicorn", "jinja2", "starlette", "distributed", "dask", "psycopg")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirement: str) -> set[str]:
    """The distributions a requirement line declares: its own, and those its extras are named
    after (``dask[distributed]`` brings ``distributed``)."""
    match = re.match(r"([A-Za-z0-9._-]+)(?:\[([^\]]*)\])?", requirement)
    assert match, requirement
    extras = (match.group(2) or "").split(",")
    return {_canonical(match.group(1))} | {_canonical(e) for e in extras if e.strip()}


def _declared() -> dict[str, set[str]]:
    extras = PROJECT["optional-dependencies"]
    out = {"core": set().union(*(_names(r) for r in PROJECT["dependencies"]))}
    out |= {name: set().union(*(_names(r) for r in reqs)) for name, reqs in extras.items()}
    return out


def _imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"rasid", "__future__"}


def _part(path: Path) -> str:
    rel = path.relative_to(SRC).as_posix()
    return next((p for p, prefixes in PARTS.items() if rel.startswith(prefixes)), "core")


@functools.cache
def _packages() -> dict[str, list[str]]:
    return packages_distributions()


def _distributions(module: str) -> set[str]:
    found = _packages().get(module)
    assert found, f"{module} is imported but not installed"
    return {_canonical(d) for d in found}


def test_every_import_of_the_package_is_declared_where_it_is_used() -> None:
    declared = _declared()
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        part = _part(path)
        allowed = set().union(*(declared[x] for x in ALLOWED[part]))
        for module in _imports(path):
            if not _distributions(module) & allowed:
                missing.append(f"{path.relative_to(ROOT)}: {module} ({part})")
    assert missing == []


def test_every_import_of_the_tests_and_benchmarks_is_declared() -> None:
    declared = set().union(*_declared().values())
    local = {p.stem for p in (ROOT / "tests").glob("*.py")} | {
        p.stem for p in (ROOT / "bench").glob("*.py")
    }
    missing = []
    for path in sorted([*(ROOT / "tests").glob("*.py"), *(ROOT / "bench").glob("*.py")]):
        for module in _imports(path) - local:
            if not _distributions(module) & declared:
                missing.append(f"{path.relative_to(ROOT)}: {module}")
    assert missing == []


def test_no_package_is_declared_for_nothing() -> None:
    used = set()
    for path in SRC.rglob("*.py"):
        for module in _imports(path):
            used |= _distributions(module)
    declared = _declared()
    for part in ("core", *EXTRAS, "train"):
        unused = declared[part] - used - set(NOT_IMPORTED)
        assert unused == set(), part


def test_dev_installs_every_extra() -> None:
    """./run demo, ./run test and .ci/run install .[dev]: it must bring every part."""
    dev = PROJECT["optional-dependencies"]["dev"]
    brought = next(r for r in dev if r.startswith("rasid["))
    assert set(brought[6:-1].split(",")) == {*EXTRAS, "train"}
    assert "'.[dev]'" in (ROOT / "run").read_text(encoding="utf-8")


def _core_only(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``rasid ARGS`` in a process where the extras' packages cannot be imported."""
    code = (
        "import sys\n"
        f"for m in {BLOCKED!r}: sys.modules[m] = None\n"
        "from rasid.cli import main\n"
        f"sys.argv = ['rasid', *{list(args)!r}]\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_core_runs_without_the_extras(tmp_path: Path) -> None:
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(
        '{"id": "a1", "published": "2024-02-08", "text": "قتل جنديان في هجوم على قاعدة عين'
        ' الأسد في العراق."}\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "r.sqlite")
    assert _core_only("--version", cwd=tmp_path).returncode == 0
    done = _core_only("--db", db, "ingest", str(corpus), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = _core_only("--db", db, "export", "--format", "acled", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for args, extra in (
        (("--db", db, "serve"), "web"),
        (("--db", "postgresql://nobody@127.0.0.1:1/none", "events"), "postgres"),
        (("--db", db, "ingest", "--cluster", "tcp://127.0.0.1:1", str(corpus)), "cluster"),
    ):
        done = _core_only(*args, cwd=tmp_path)
        assert done.returncode == 1, (args, done.stderr)
        assert f"pip install 'rasid[{extra}]'" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_pip_install_gives_a_working_rasid(tmp_path: Path) -> None:
    """``pip install .`` (a wheel, not the checkout) into a fresh virtualenv, offline: the
    dependencies come from this environment's site-packages through a .pth file."""
    import shutil
    import site
    import venv

    # built from a copy: the build writes build/ and *.egg-info beside its sources
    tree = tmp_path / "tree"
    shutil.copytree(
        SRC, tree / "src" / "rasid", ignore=shutil.ignore_patterns("__pycache__", "*.so")
    )
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, tree / name)
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    bindir = env / "bin"
    (purelib,) = (env / "lib").glob("python*/site-packages")
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(bindir / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            str(tree),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RASID_MYPYC": "0"},
    )
    assert install.returncode == 0, install.stderr
    version = subprocess.run(
        [str(bindir / "rasid"), "--version"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0, version.stderr
    assert PROJECT["version"] in version.stdout
    where = subprocess.run(
        [str(bindir / "python"), "-c", "import rasid.kb, rasid.schemas; print(rasid.__file__)"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(purelib)), where.stdout
