"""Events one domain publishes and the followers other domains register for them.

A side effect in another domain (what happens when a case closes: a beneficiary is registered, a
spot check's conclusion is applied) is a follower, not an import: the publishing module names the
event (a :class:`Topic`) and calls :meth:`Followers.publish`; who follows it is written down in one
place, :mod:`service.followers`, which the services builder runs at start-up. A follower runs in
the publisher's transaction, in the order it was registered; what it raises, the publisher raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

E = TypeVar("E")


class Topic(Generic[E]):
    """One kind of event, by name; ``E`` is what a follower receives."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Topic({self.name!r})"


class Followers:
    """Who follows which event, in the order they were registered."""

    def __init__(self) -> None:
        self._by_topic: dict[str, list[Callable[[Any], None]]] = {}

    def follow(self, topic: Topic[E], follower: Callable[[E], None]) -> None:
        self._by_topic.setdefault(topic.name, []).append(follower)

    def of(self, topic: Topic[E]) -> list[Callable[[E], None]]:
        return list(self._by_topic.get(topic.name, ()))

    def publish(self, topic: Topic[E], event: E) -> None:
        for follower in self.of(topic):
            follower(event)
