"""Every table that holds rows about a customer has an erasure rule, so a new one cannot be forgotten."""

from __future__ import annotations

from assistant.privacy.bank_records import ERASURE, customer_tables


def test_every_table_with_a_customer_id_says_what_erasing_does_to_it() -> None:
    assert sorted(table.name for table in customer_tables() if table.name not in ERASURE) == []


def test_the_rules_name_only_real_tables() -> None:
    assert set(ERASURE) - {table.name for table in customer_tables()} == {"customer"}
