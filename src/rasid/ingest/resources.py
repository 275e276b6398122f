"""Data files shipped with the ingest package, read once on first use."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any


@cache
def read_data_lines(name: str) -> tuple[str, ...]:
    """The non-empty, non-comment lines of data file ``name`` (``#`` starts a comment line)."""
    text = files("rasid.ingest").joinpath(name).read_text(encoding="utf-8")
    lines = (line.rstrip("\n\r") for line in text.splitlines())
    return tuple(line for line in lines if line.strip() and not line.lstrip().startswith("#"))


@cache
def read_data_yaml(name: str) -> Any:
    """The parsed YAML of data file ``name``."""
    import yaml

    text = files("rasid.ingest").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
