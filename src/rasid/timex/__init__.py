"""Internals of ``rasid.time``: word tables, calendar arithmetic, grammar and handlers."""
