"""`python -m assistant customers link|unlink|list` manages which identity-provider sign-in is which customer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from assistant.__main__ import main
from assistant.db import create_schema, make_engine, session_scope
from assistant.identities.links import customer_for
from tests.builders import build_customer

ISSUER = "https://id.bank.test/realms/lumen"


@pytest.fixture
def bank_url(tmp_path: Path) -> str:
    """A bank database with customers 1 and 2."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with session_scope(engine) as session:
        build_customer(session, 1)
        build_customer(session, 2)
    return url


def _customer_of(url: str, subject: str) -> int | None:
    with Session(make_engine(url)) as session:
        return customer_for(session, ISSUER, subject)


def test_customers_link_lets_the_sign_in_stand_for_the_customer(bank_url: str) -> None:
    code = main(["customers", "link", "--customer", "2", "--subject", "sub-b", "--issuer", ISSUER,
                 "--database-url", bank_url])
    assert (code, _customer_of(bank_url, "sub-b")) == (0, 2)


def test_customers_link_to_an_unknown_customer_fails_and_says_so(bank_url: str, capsys) -> None:
    code = main(["customers", "link", "--customer", "9", "--subject", "sub-b", "--issuer", ISSUER,
                 "--database-url", bank_url])
    assert (code, "there is no customer 9" in capsys.readouterr().err) == (1, True)


def test_customers_link_of_a_sign_in_that_is_someone_elses_is_refused(bank_url: str, capsys) -> None:
    main(["customers", "link", "--customer", "1", "--subject", "sub-b", "--issuer", ISSUER, "--database-url", bank_url])
    code = main(["customers", "link", "--customer", "2", "--subject", "sub-b", "--issuer", ISSUER,
                 "--database-url", bank_url])
    assert (code, _customer_of(bank_url, "sub-b"), "already stands for customer 1" in capsys.readouterr().err) == (
        1, 1, True)


def test_customers_unlink_removes_the_link(bank_url: str) -> None:
    main(["customers", "link", "--customer", "1", "--subject", "sub-b", "--issuer", ISSUER, "--database-url", bank_url])
    code = main(["customers", "unlink", "--subject", "sub-b", "--issuer", ISSUER, "--database-url", bank_url])
    assert (code, _customer_of(bank_url, "sub-b")) == (0, None)


def test_customers_list_shows_the_links_of_one_customer(bank_url: str, capsys) -> None:
    for customer, subject in ((1, "sub-a"), (2, "sub-b")):
        main(["customers", "link", "--customer", str(customer), "--subject", subject, "--issuer", ISSUER,
              "--database-url", bank_url])
    capsys.readouterr()
    main(["customers", "list", "--customer", "2", "--database-url", bank_url])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[:3] for line in lines] == [["customer 2", ISSUER, "sub-b"]]


def test_customers_link_without_an_issuer_asks_for_one(bank_url: str, capsys, monkeypatch) -> None:
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    code = main(["customers", "link", "--customer", "1", "--subject", "sub-b", "--issuer", "", "--database-url", bank_url])
    assert (code, "set OIDC_ISSUER or pass --issuer" in capsys.readouterr().err) == (1, True)
