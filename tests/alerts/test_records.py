"""Feed records: each malformed or implausible field is refused with a reason that names it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from assistant.alerts.ingestion import validate
from assistant.alerts.records import InvalidRecord, RecordLimits, parse_record

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
GOOD = {"transaction_id": "core-1", "customer_id": 1, "account_id": 1, "card_id": 1,
        "booked_at": "2026-11-20T14:03:00Z", "amount": "-12.34", "currency": "GBP", "merchant": "Tesco",
        "category": "groceries", "channel": "card_present", "country": "GB"}


def _parse(raw: object, source: str | None = "core-banking", limits: RecordLimits | None = None):
    return parse_record(raw, source, limits, NOW)


def test_a_well_formed_record_is_read_in_pence_and_utc_with_its_source():
    record = _parse(GOOD)
    assert (record.amount_minor, record.source) == (-1234, "core-banking")
    assert record.booked_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(("change", "named"), [
    ({"amount": -12.34}, '"amount"'),
    ({"amount": "-12.345"}, '"amount"'),
    ({"amount": "NaN"}, '"amount"'),
    ({"amount": "1e999999"}, '"amount"'),
    ({"booked_at": "2026-11-20T14:03:00"}, '"booked_at"'),
    ({"channel": "carrier_pigeon"}, '"channel"'),
    ({"customer_id": "1"}, '"customer_id"'),
    ({"transaction_id": ""}, '"transaction_id"'),
    ({"country": "Spain"}, '"country"'),
])
def test_a_malformed_field_is_refused_with_its_name(change, named):
    with pytest.raises(InvalidRecord, match=named):
        _parse({**GOOD, **change})


@pytest.mark.parametrize(("change", "reason"), [
    ({"amount": "1000000.01"}, '"amount" is beyond the feed\'s limit of 1,000,000.00'),
    ({"amount": "-1000000.01"}, '"amount" is beyond the feed\'s limit of 1,000,000.00'),
    ({"currency": "ZZZ"}, '"currency" is not an ISO 4217 currency code'),
    ({"currency": "XAU"}, '"currency" is not an ISO 4217 currency code'),
    ({"country": "XX"}, '"country" is not an ISO 3166 country code'),
    ({"booked_at": "2026-11-22T15:00:00Z"}, '"booked_at" is more than 24 hours in the future'),
    ({"booked_at": "2026-08-01T12:00:00Z"}, '"booked_at" is more than 90 days in the past'),
    ({"merchant": "M" * 121}, '"merchant" is longer than 120 characters'),
    ({"category": "food\x00"}, '"category" contains control characters'),
    ({"description": "line\nbreak"}, '"description" contains control characters'),
    ({"account_id": 2**31}, '"account_id" must be a whole number from 1 to 2147483647'),
    ({"transaction_id": "x" * 65}, '"transaction_id"'),
])
def test_an_implausible_field_is_refused_with_the_limit_it_breaks(change, reason):
    with pytest.raises(InvalidRecord) as refused:
        _parse({**GOOD, **change})
    assert str(refused.value).startswith(reason)


def test_the_limits_come_from_the_settings():
    limits = RecordLimits(max_amount_minor=10_000, max_age=timedelta(days=1))
    with pytest.raises(InvalidRecord, match="limit of 100.00"):
        _parse({**GOOD, "amount": "-100.01"}, limits=limits)
    with pytest.raises(InvalidRecord, match="1 days in the past"):
        _parse({**GOOD, "booked_at": "2026-11-19T14:00:00Z"}, limits=limits)


def test_a_queued_record_carries_its_source_and_a_record_without_one_is_refused():
    assert _parse({**GOOD, "source": "cards"}, source=None).source == "cards"
    with pytest.raises(InvalidRecord, match="feed source"):
        _parse(GOOD, source=None)


def test_a_client_cannot_name_its_own_source():
    assert _parse({**GOOD, "source": "cards"}, source="core-banking").source == "core-banking"


def test_validate_keeps_good_records_and_gives_each_bad_one_a_reason():
    good, rejected = validate([GOOD, "not an object", {**GOOD, "transaction_id": "core-2", "amount": "0"}],
                              "core-banking", now=NOW)
    assert [index for index, _ in good] == [0]
    assert [(r.index, r.transaction_id) for r in rejected] == [(1, None), (2, "core-2")]
    assert all(r.reason for r in rejected)
