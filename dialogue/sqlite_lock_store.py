"""Conversation locks in a SQLite file, so several Rasa workers on one machine can share them with no Redis.

Rasa serves with more than one Sanic worker only with a lock store every worker sees (an in-memory one is per
process); the production profile uses Redis, and the embedded profile uses this, next to the tracker store's file.
Issuing a ticket reads, changes and writes the lock: here that happens inside one `BEGIN IMMEDIATE` transaction, so
two workers taking a ticket for one conversation at the same moment get different tickets.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

BUSY_TIMEOUT_SECONDS = 5.0


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks, one row per conversation, in a SQLite file shared by the workers."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, db: str | None = None) -> None:
        path = db or (endpoint_config.kwargs.get("db") if endpoint_config else None)
        if not path:
            raise ValueError("the SQLite lock store needs `db`: the file the workers share")
        # One connection per process, in autocommit mode (transactions are begun explicitly); Rasa calls the store
        # from its event loop, the lock keeps a stray thread from interleaving with it.
        self._connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                           check_same_thread=False)
        self._guard = threading.Lock()
        with self._guard:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("CREATE TABLE IF NOT EXISTS conversation_lock "
                                     "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    def _read(self, conversation_id: str) -> Optional[TicketLock]:
        row = self._connection.execute("SELECT lock FROM conversation_lock WHERE conversation_id = ?",
                                       (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def _write(self, lock: TicketLock) -> None:
        self._connection.execute("INSERT INTO conversation_lock (conversation_id, lock) VALUES (?, ?) "
                                 "ON CONFLICT (conversation_id) DO UPDATE SET lock = excluded.lock",
                                 (lock.conversation_id, lock.dumps()))

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """The conversation's lock, or None."""
        with self._guard:
            return self._read(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        """Remove the conversation's lock."""
        with self._guard:
            deleted = self._connection.execute("DELETE FROM conversation_lock WHERE conversation_id = ?",
                                               (conversation_id,)).rowcount
        self._log_deletion(conversation_id, deleted > 0)

    def save_lock(self, lock: TicketLock) -> None:
        """Store the lock, replacing the conversation's previous one."""
        with self._guard:
            self._write(lock)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket for the conversation, taken while no other worker can change its lock."""
        try:
            with self._guard:
                self._connection.execute("BEGIN IMMEDIATE")
                try:
                    lock = self._read(conversation_id) or self.create_lock(conversation_id)
                    ticket = lock.issue_ticket(lock_lifetime)
                    self._write(lock)
                except BaseException:
                    self._connection.execute("ROLLBACK")
                    raise
                self._connection.execute("COMMIT")
            return ticket
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

