"""Ingest: files, directories, feeds and stdin to Articles (spec/RECORDS.md, Article input).

``read_articles(paths)`` yields an Article for every article found and an IngestProblem for every
input that cannot be read, and never raises for a user's bad input.
"""

from rasid.ingest.jsonl import RawLine
from rasid.ingest.problem import IngestProblem
from rasid.ingest.reader import read_articles, read_items

__all__ = ["IngestProblem", "RawLine", "read_articles", "read_items"]
