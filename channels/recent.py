"""A bounded memory of recently seen keys (conversations, Teams activities): the oldest is
forgotten first, so a flood of new senders cannot grow the server's memory."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Generic, Optional, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: "OrderedDict[str, Any]" = OrderedDict()

    def get(self, key: str, default: Optional[V] = None) -> Optional[V]:
        return self._items.get(key, default)

    def put(self, key: str, value: V) -> None:
        self._items.pop(key, None)
        self._items[key] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen (while it is remembered), False after."""
        if key in self._items:
            return False
        self.put(key, None)
        return True

    def forget(self, key: str) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
