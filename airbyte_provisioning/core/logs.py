"""Structured JSON logs on stderr, one object per line, secrets scrubbed.

Every record carries the correlation fields the operators alert on (``tenant_id``, ``task_id``,
``correlation_id``, ``provider``, ``source_id``, ``connection_id``) when they are known. Context is
bound with :func:`bind` (a context manager, so fan-out threads each see their own tenant).
Levels are the closed set :class:`Level`: ``logs.log(Level.WARNING, "event", field=value)``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import Any, Literal

from airbyte_provisioning.core.redact import redact_text, redact_value

CONTEXT_FIELDS = (
    "tenant_id",
    "task_id",
    "correlation_id",
    "provider",
    "workspace_id",
    "source_id",
    "destination_id",
    "connection_id",
)
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "log_context", default=None
)
_secrets: list[str] = []
LOGGER_NAME = "airbyte_provisioning"


class Level(IntEnum):
    """The levels the package logs at; the values are the standard library's, so handlers and
    ``logging.getLogger(...).setLevel`` understand them."""

    DEBUG = logging.DEBUG
    INFO = logging.INFO
    WARNING = logging.WARNING
    ERROR = logging.ERROR


LevelName = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        payload.update({k: v for k, v in (_context.get() or {}).items() if v is not None})
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            payload.update(extra)
        if record.exc_info and record.exc_info[1] is not None:
            payload["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        text = json.dumps(redact_value(payload, _secrets), default=str)
        return redact_text(text, _secrets)


class _StderrJsonHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at emit time (tests and wrappers swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def configure(secrets: Iterable[str] = (), level: Level | LevelName = Level.INFO) -> logging.Logger:
    """Route the package's logs to stderr as JSON lines; ``secrets`` are scrubbed from them."""
    _secrets[:] = sorted(set(secrets), key=len, reverse=True)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level if isinstance(level, Level) else Level[level])
    logger.propagate = False
    if not any(isinstance(h, _StderrJsonHandler) for h in logger.handlers):
        handler = _StderrJsonHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    return logger


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def log(level: Level, event: str, **fields: Any) -> None:
    """One JSON line: ``event`` plus the bound context plus ``fields``."""
    get_logger().log(level, event, extra={"fields": fields})


def outcome(failed: bool, event: str, **fields: Any) -> None:
    """The line that closes a step: WARNING when it ``failed`` (so alerting on warnings catches
    it), INFO otherwise."""
    log(Level.WARNING if failed else Level.INFO, event, **fields)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind(**fields: Any) -> Iterator[None]:
    """Add correlation fields to every log record emitted inside the block."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, Any]:
    return dict(_context.get() or {})
