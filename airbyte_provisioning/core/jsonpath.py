"""Paths inside a JSON document, and their one text form.

A path is a tuple of keys (``str``) and list indexes (``int``). Templates name the config field a
problem is about with it, and plans name the config field that changed::

    >>> format_path(("credentials", "access_token"))
    'credentials.access_token'
    >>> format_path(("custom_queries_array", 0, "query"))
    'custom_queries_array[0].query'
    >>> format_path(())
    '(root)'
"""

from __future__ import annotations

JsonPath = tuple[str | int, ...]

# the text of the empty path: the document itself
ROOT = "(root)"


def format_path(path: JsonPath) -> str:
    """``a.b[0].c``; the empty path is :data:`ROOT`, so a message never starts with ``:``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or ROOT
