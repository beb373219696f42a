"""Every action, run by the action server's executor, answers "I can't reach your accounts right now" when the bank's
PostgreSQL cannot be reached (connections reset, then refused, by a TCP proxy in front of the real server), and
works again by itself once the proxy passes traffic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from actions.outage import BANK_UNREACHABLE, GuardedActionExecutor
from actions.server import ACTIONS_PACKAGE
from assistant.bank.models import Transfer
from assistant.db import get_engine
from assistant.settings import get_settings
from tests.actions.conftest import make_tracker
from tests.builders import CustomerRecords, build_customer
from tests.faults.harness import TcpProxy


@pytest.fixture
def proxy(postgres_engine: Engine) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the local PostgreSQL server."""
    proxied = TcpProxy(postgres_engine.url.host or "127.0.0.1", postgres_engine.url.port or 5432)
    yield proxied
    proxied.close()


@pytest.fixture
def records(postgres_engine: Engine, proxy: TcpProxy, monkeypatch: pytest.MonkeyPatch) -> Iterator[CustomerRecords]:
    """One customer in a fresh PostgreSQL bank that the action server reaches only through the proxy."""
    with Session(postgres_engine, expire_on_commit=False) as db:
        customer = build_customer(db)
    url = postgres_engine.url.set(host="127.0.0.1", port=proxy.port)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    for name, seconds in {"CONNECT": "2", "STATEMENT": "2", "POOL": "1"}.items():
        monkeypatch.setenv(f"DATABASE_{name}_TIMEOUT_SECONDS", seconds)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield customer
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def executor() -> GuardedActionExecutor:
    """The action server's executor with every action of the package registered."""
    registered = GuardedActionExecutor()
    registered.register_package(ACTIONS_PACKAGE)
    return registered


async def _run(executor: GuardedActionExecutor, action: str, records: CustomerRecords, **tracker: Any) -> dict:
    """One call as Rasa makes it to the action server; the executor's answer (events and responses)."""
    state = make_tracker(records.customer.id, **tracker).current_state()
    return dict(await executor.run({"next_action": action, "sender_id": state["sender_id"], "tracker": state,
                                    "domain": {}}))


def _texts(answer: dict) -> list[str]:
    return [message.get("text") for message in answer["responses"]]


def _ready_transfer(records: CustomerRecords) -> dict[str, Any]:
    return {"transfer_amount": "25.00", "transfer_payee": "Mum", "transfer_payee_id": records.payees["Mum"].id,
            "transfer_source_account": records.current.name, "transfer_source_account_id": records.current.id,
            "transfer_quote_id": "quote-1"}


async def test_a_balance_asked_while_the_connections_are_reset_and_refused_says_try_again_then_works_again(
        executor: GuardedActionExecutor, records: CustomerRecords, proxy: TcpProxy) -> None:
    before = await _run(executor, "action_show_balance", records)
    proxy.reset_all()
    proxy.set_mode("refuse")
    during = await _run(executor, "action_show_balance", records)
    proxy.set_mode("pass")
    after = await _run(executor, "action_show_balance", records)
    assert (BANK_UNREACHABLE in _texts(before), _texts(during), during["events"], BANK_UNREACHABLE in _texts(after)) == (
        False, [BANK_UNREACHABLE], [], False)


async def test_a_confirmed_transfer_while_the_bank_is_unreachable_says_try_again_and_moves_no_money(
        executor: GuardedActionExecutor, records: CustomerRecords, proxy: TcpProxy, postgres_engine: Engine) -> None:
    await _run(executor, "action_show_balance", records)  # a pooled connection for the reset to cut
    proxy.reset_all()
    proxy.set_mode("refuse")
    answer = await _run(executor, "action_execute_transfer", records, slots=_ready_transfer(records),
                        intent="affirm", text="yes")
    with Session(postgres_engine) as db:
        transfers = db.exec(select(Transfer)).all()
    # No event: the transfer's details are kept, so the customer's "yes" a minute later can send it.
    assert (_texts(answer), answer["events"], transfers) == ([BANK_UNREACHABLE], [], [])


async def test_a_payee_given_to_the_form_while_the_bank_is_unreachable_is_not_kept(
        executor: GuardedActionExecutor, records: CustomerRecords, proxy: TcpProxy) -> None:
    proxy.set_mode("refuse")
    state = make_tracker(records.customer.id, text="to Mum", active_loop={"name": "transfer_form"})
    events = [*state.events, {"event": "action", "name": "transfer_form"},
              {"event": "slot", "name": "transfer_payee", "value": "Mum"}]
    tracker_state = {**state.current_state(), "events": events, "slots": {"transfer_payee": "Mum"}}
    answer = dict(await executor.run({"next_action": "validate_transfer_form", "tracker": tracker_state,
                                      "domain": {"forms": {"transfer_form": {"required_slots": ["transfer_payee"]}}}}))
    slots = {event["name"]: event["value"] for event in answer["events"] if event["event"] == "slot"}
    assert (_texts(answer), slots.get("transfer_payee", "kept")) == ([BANK_UNREACHABLE], None)


async def test_an_action_that_fails_for_another_reason_still_fails(executor: GuardedActionExecutor,
                                                                   records: CustomerRecords) -> None:
    def broken(dispatcher, tracker, domain) -> list:
        raise ValueError("a bug, not an outage")

    executor.register_function("action_broken", broken)
    with pytest.raises(ValueError):
        await _run(executor, "action_broken", records)
