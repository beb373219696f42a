"""Feed records: each malformed field is refused with a reason that names it."""

from __future__ import annotations

import pytest

from assistant.alerts.ingestion import validate
from assistant.alerts.records import InvalidRecord, parse_record

GOOD = {"transaction_id": "core-1", "customer_id": 1, "account_id": 1, "card_id": 1,
        "booked_at": "2026-11-20T14:03:00Z", "amount": "-12.34", "currency": "GBP", "merchant": "Tesco",
        "category": "groceries", "channel": "card_present", "country": "GB"}


def test_a_well_formed_record_is_read_in_pence_and_utc():
    record = parse_record(GOOD)
    assert record.amount_minor == -1234
    assert record.booked_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(("change", "named"), [
    ({"amount": -12.34}, '"amount"'),
    ({"amount": "-12.345"}, '"amount"'),
    ({"booked_at": "2026-11-20T14:03:00"}, '"booked_at"'),
    ({"channel": "carrier_pigeon"}, '"channel"'),
    ({"customer_id": "1"}, '"customer_id"'),
    ({"transaction_id": ""}, '"transaction_id"'),
    ({"country": "Spain"}, '"country"'),
])
def test_a_malformed_field_is_refused_with_its_name(change, named):
    with pytest.raises(InvalidRecord, match=named):
        parse_record({**GOOD, **change})


def test_validate_keeps_good_records_and_gives_each_bad_one_a_reason():
    good, rejected = validate([GOOD, "not an object", {**GOOD, "transaction_id": "core-2", "amount": "0"}])
    assert [index for index, _ in good] == [0]
    assert [(r.index, r.transaction_id) for r in rejected] == [(1, None), (2, "core-2")]
    assert all(r.reason for r in rejected)
