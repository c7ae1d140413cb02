"""Keep the workers free while the engine does not answer: a per-process circuit breaker.

Key concepts: each engine read is bounded by ``CIS_ENGINE_TIMEOUT``, but a worker has
only a few threads, so requests queued behind reads that wait on a frozen engine would
wait for several timeouts in turn. Once one read has found the engine unavailable, the
breaker opens: engine calls fail at once with EngineUnavailable (a 503) instead of
waiting. Every ``PROBE_INTERVAL_S`` one call, and only one, goes through as a probe; its
success closes the breaker, so the service resumes by itself when the engine does.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

from engines import Engine, EngineUnavailable

PROBE_INTERVAL_S = 1.0


class EngineBreaker:
    """Closed while the engine answers; open (failing fast) after it did not."""

    def __init__(self, probe_interval_s: float = PROBE_INTERVAL_S) -> None:
        self.probe_interval_s = probe_interval_s
        self._lock = threading.Lock()
        self._open = False
        self._next_probe_at = 0.0

    def admit(self) -> None:
        """Return if a call may go to the engine, else raise EngineUnavailable."""
        with self._lock:
            if not self._open:
                return
            now = time.monotonic()
            if now < self._next_probe_at:
                raise EngineUnavailable("the engine did not answer lately; not asked again yet")
            # This call is the probe: the others keep failing fast until it settles.
            self._next_probe_at = float("inf")

    def engine_unavailable(self) -> None:
        """The engine did not answer: fail fast until the next probe."""
        with self._lock:
            self._open = True
            self._next_probe_at = time.monotonic() + self.probe_interval_s

    def engine_answered(self) -> None:
        """The engine answered (possibly with an error of the request's own): close."""
        with self._lock:
            self._open = False


class GuardedEngine:
    """The engine, each method call admitted by ``breaker`` and reporting back to it."""

    def __init__(self, engine: Engine, breaker: EngineBreaker) -> None:
        self._engine = engine
        self._breaker = breaker

    def __getattr__(self, name: str) -> Any:
        # Delegates every engine method, the ones added later included.
        attribute = getattr(self._engine, name)
        if not callable(attribute):
            return attribute
        return self._guarded(attribute)

    def _guarded(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            self._breaker.admit()
            try:
                result = method(*args, **kwargs)
            except EngineUnavailable:
                self._breaker.engine_unavailable()
                raise
            except BaseException:  # even a worker's abort must not leave the probe pending
                self._breaker.engine_answered()
                raise
            self._breaker.engine_answered()
            return result

        return call


def guarded(engine: Engine) -> Engine:
    """``engine`` behind a fresh breaker of its own (one per worker process)."""
    return GuardedEngine(engine, EngineBreaker())
