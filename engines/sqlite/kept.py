"""What readers of one file keep between reads: least recently used out, bounded in bytes.

Key concepts: the live file is never written in place (a write swaps in a new file with
new bitmap stamps, ``engines.sqlite.facet_bits``), so an answer computed from it holds until
the stamp changes; keys start with the stamp, and entries of replaced files age out.
Each key is computed by one thread at a time: the threads asking for an answer being
computed wait for it instead of computing it again (a burst of one new query costs one
pass). Elasticsearch's request cache does the same for the other engine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

Answer = TypeVar("Answer")
# Per process: kept matches weigh ~1.6 MB for a query matching 100,000 projects.
BUDGET_BYTES = 64 << 20


class Kept:
    """Answers by key, the least recently used dropped once their bytes pass the budget."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._answers: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._answers)

    def get(
        self, key: Hashable, compute: Callable[[], Answer], nbytes: Callable[[Answer], int]
    ) -> Answer:
        """The answer kept under ``key``, else ``compute()``'s, kept (``nbytes`` its weight)."""
        while True:
            with self._lock:
                if (found := self._answers.get(key)) is not None:
                    self._answers.move_to_end(key)
                    answer: Answer = found[0]
                    return answer
                computing = self._computing.get(key)
                if computing is None:
                    computing = self._computing[key] = threading.Lock()
                    computing.acquire()
                    break
            with computing:  # another thread computes it: wait, then look again
                pass
        try:
            answer = compute()
            self._keep(key, answer, nbytes(answer))
        finally:
            with self._lock:
                del self._computing[key]
            computing.release()
        return answer

    def _keep(self, key: Hashable, answer: object, size: int) -> None:
        with self._lock:
            self._answers[key] = (answer, size)
            self._bytes += size
            while self._bytes > self.budget_bytes and len(self._answers) > 1:
                _, (_, dropped) = self._answers.popitem(last=False)
                self._bytes -= dropped
