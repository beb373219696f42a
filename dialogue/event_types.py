"""Rasa finds the class of a stored event by its type name; this remembers the answer instead of searching again.

Rasa 3.6's `Event.resolve_by_type` walks the whole tree of Event subclasses (and asks `inspect.isabstract` of each)
for every event it deserialises, and it deserialises every event of the session on every turn: at 300 events that
search was about 19 of the 21 ms it took to rebuild the tracker, and it grew with the session. Type names do not
change once the classes are imported, so the first answer per name is kept; names Rasa does not know (and the
`default` it falls back to for them) still take Rasa's own path, unchanged.
"""

from __future__ import annotations

from typing import Optional

from rasa.shared.core.events import Event

_resolved: dict[str, type[Event]] = {}
_rasa_resolve_by_type = Event.resolve_by_type


def resolve_by_type(type_name: str, default: Optional[type[Event]] = None) -> Optional[type[Event]]:
    """The Event class with this type name, as Rasa's own lookup answers, found once per name."""
    found = _resolved.get(type_name)
    if found is None:
        found = _rasa_resolve_by_type(type_name, default)
        if found is not None and found.type_name == type_name:
            _resolved[type_name] = found
    return found


def install_event_type_cache() -> None:
    """Make Rasa's event deserialisation use the remembered lookup (in this process, before Rasa loads a tracker)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
