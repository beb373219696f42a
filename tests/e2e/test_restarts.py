"""Conversations and transfers survive a service dying mid-way: the action server or Rasa is SIGKILLed at the worst
moment of a transfer, restarted, and the customer carries on; the money moves exactly once.

A transfer is held between the customer's "yes" and its commit by a write lock the test takes on the bank's SQLite
database (the action server waits on it, as it would on a busy database), so the kill lands there every time."""

from __future__ import annotations

import sqlite3
import time
import urllib.error
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlmodel import Session, create_engine, select

from assistant.bank.models import Account, AccountKind, Payee, Transfer
from assistant.chat_client import ChatClient, button_payloads, texts
from assistant.local_stack import Stack

pytestmark = pytest.mark.e2e

# Customers no other end-to-end test chats as, so their balances and transfers are this module's alone.
CUT_OFF_BEFORE_COMMIT, MID_FORM, COMMITTED_AS_RASA_DIED = 41, 42, 43
CURRENT = '/inform{"account_type": "current"}'


@dataclass
class TransferSeen:
    """What the bank holds for a customer's current account and transfers, before and after a fault."""

    balance_before: int
    balance_after: int
    transfers: list[Transfer]
    replies: list[dict]


def _db(stack: Stack) -> Session:
    return Session(create_engine(stack.database_url))


def _current(stack: Stack, customer_id: int) -> Account:
    with _db(stack) as db:
        return db.exec(select(Account).where(Account.customer_id == customer_id,
                                             Account.kind == AccountKind.current)).first()


def _external_payee(stack: Stack, customer_id: int) -> Payee:
    with _db(stack) as db:
        return db.exec(select(Payee).where(Payee.customer_id == customer_id, Payee.account_id.is_(None))).first()


def _transfers(stack: Stack, customer_id: int) -> list[Transfer]:
    with _db(stack) as db:
        return list(db.exec(select(Transfer).where(Transfer.customer_id == customer_id)).all())


def _action_calls(stack: Stack, action: str = "action_execute_transfer") -> int:
    """How many times Rasa has called the action server to run `action` (Rasa logs each call at DEBUG)."""
    return sum(f"Calling action endpoint to run action '{action}'" in line for line in stack.log_lines()["rasa"])


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, stack: Stack) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s\n{stack.logs()}")
        time.sleep(0.1)


@contextmanager
def _bank_write_lock(stack: Stack) -> Iterator[None]:
    """Hold SQLite's write lock on the bank: writers wait (busy timeout), readers carry on (WAL)."""
    connection = sqlite3.connect(stack.database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _say_in_background(pool: ThreadPoolExecutor, customer: ChatClient, message: str) -> Future:
    """Send a message without waiting for the answer; the future holds the replies or the HTTP error."""
    def send() -> list[dict] | urllib.error.HTTPError:
        try:
            return customer.say(message)
        except urllib.error.HTTPError as refused:
            return refused
    return pool.submit(send)


def _ask_to_confirm(stack: Stack, customer: ChatClient, customer_id: int, amount: str) -> None:
    """Through the transfer form slot by slot, up to the question whether to send."""
    customer.say("I want to transfer some money")
    customer.say(f"£{amount}")
    asked = customer.say(_external_payee(stack, customer_id).name)
    assert CURRENT in button_payloads(asked), texts(asked)
    confirmation = customer.say(CURRENT)
    assert "/affirm" in button_payloads(confirmation), texts(confirmation)


def _held_at_commit(stack: Stack, pool: ThreadPoolExecutor, customer: ChatClient, kill: str) -> Future:
    """The customer says yes; once the action server is running the transfer, `kill` is SIGKILLed while the
    transfer waits to write; then the lock is let go."""
    calls = _action_calls(stack)
    with _bank_write_lock(stack):
        answer = _say_in_background(pool, customer, "/affirm")
        _wait_for(lambda: _action_calls(stack) > calls, 60, "Rasa calling the action server to run the transfer",
                  stack)
        time.sleep(0.5)  # the action reads the accounts, then waits on the lock to write
        stack.kill(kill)
    return answer


@pytest.fixture(scope="module")
def cut_off_before_commit(stack: Stack) -> Iterator[tuple[TransferSeen, TransferSeen]]:
    """The action server is SIGKILLed between the customer's yes and the transfer's commit; it is restarted and the
    customer, who got no answer, says yes again. Yields what the bank held after the crash and after the retry."""
    customer = stack.chat_as(CUT_OFF_BEFORE_COMMIT)
    before = _current(stack, CUT_OFF_BEFORE_COMMIT).balance_minor
    _ask_to_confirm(stack, customer, CUT_OFF_BEFORE_COMMIT, "12.34")
    with ThreadPoolExecutor(1) as pool:
        cut_off = _held_at_commit(stack, pool, customer, kill="actions").result(timeout=120)
    after_crash = TransferSeen(before, _current(stack, CUT_OFF_BEFORE_COMMIT).balance_minor,
                               _transfers(stack, CUT_OFF_BEFORE_COMMIT), [] if isinstance(cut_off, Exception) else cut_off)
    stack.restart("actions")
    again = customer.say("yes")  # the button was pressed already: a customer who got no answer types it
    yield after_crash, TransferSeen(before, _current(stack, CUT_OFF_BEFORE_COMMIT).balance_minor,
                                    _transfers(stack, CUT_OFF_BEFORE_COMMIT), again)


def test_a_transfer_cut_off_before_its_commit_moves_no_money(cut_off_before_commit) -> None:
    after_crash, _ = cut_off_before_commit
    assert (after_crash.balance_after, after_crash.transfers, "Done" in texts(after_crash.replies)) == (
        after_crash.balance_before, [], False)


def test_confirming_again_after_the_action_server_restarts_moves_the_money_once(cut_off_before_commit) -> None:
    _, retried = cut_off_before_commit
    assert (retried.balance_before - retried.balance_after, len(retried.transfers),
            texts(retried.replies).startswith("Done.")) == (1234, 1, True), texts(retried.replies)


@dataclass
class RasaCrash:
    """Two customers caught by one SIGKILL of Rasa: one mid-form, one whose transfer committed as Rasa died."""

    mid_form: ChatClient
    committed: ChatClient
    committed_seen: TransferSeen


@pytest.fixture(scope="module")
def rasa_crash(stack: Stack, cut_off_before_commit) -> Iterator[RasaCrash]:
    """Rasa (whose model takes the better part of a minute to load) is killed once for both customers: one has told
    the transfer form the amount and was asked for the payee; the other's transfer is in the action server, held
    before its commit, when Rasa dies; the lock is let go, the transfer commits, Rasa is restarted."""
    mid_form = stack.chat_as(MID_FORM)
    mid_form.say("I want to transfer some money")
    asked = mid_form.say("£15")
    assert "Who would you like to send it to?" in texts(asked), texts(asked)

    committed = stack.chat_as(COMMITTED_AS_RASA_DIED)
    before = _current(stack, COMMITTED_AS_RASA_DIED).balance_minor
    _ask_to_confirm(stack, committed, COMMITTED_AS_RASA_DIED, "21.00")
    with ThreadPoolExecutor(1) as pool:
        lost = _held_at_commit(stack, pool, committed, kill="rasa").result(timeout=120)
    assert isinstance(lost, urllib.error.HTTPError), lost  # the customer saw an error, not a confirmation
    _wait_for(lambda: len(_transfers(stack, COMMITTED_AS_RASA_DIED)) == 1, 60, "the held transfer committing", stack)
    stack.restart("rasa")
    again = committed.say("yes")
    yield RasaCrash(mid_form, committed, TransferSeen(before, _current(stack, COMMITTED_AS_RASA_DIED).balance_minor,
                                                      _transfers(stack, COMMITTED_AS_RASA_DIED), again))


def test_the_transfer_form_carries_on_where_it_was_after_rasa_restarts(stack: Stack, rasa_crash: RasaCrash) -> None:
    before = _current(stack, MID_FORM).balance_minor
    asked = rasa_crash.mid_form.say(_external_payee(stack, MID_FORM).name)
    assert CURRENT in button_payloads(asked), texts(asked)  # the form asks for the account: amount and payee kept
    confirmation = rasa_crash.mid_form.say(CURRENT)
    assert "£15.00" in texts(confirmation), texts(confirmation)
    rasa_crash.mid_form.say("/affirm")
    assert before - _current(stack, MID_FORM).balance_minor == 1500


def test_a_yes_repeated_after_the_transfer_committed_as_rasa_died_is_not_a_second_transfer(
        rasa_crash: RasaCrash) -> None:
    seen = rasa_crash.committed_seen
    assert (seen.balance_before - seen.balance_after, len(seen.transfers),
            texts(seen.replies).startswith("That transfer had already gone through")) == (2100, 1, True), \
        texts(seen.replies)
