import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from audit import canonical

text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
ids = st.none() | st.integers(1, 2**62)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=10,
)
records = st.fixed_dictionaries(
    {
        **{name: text for name in canonical.FIELDS},
        "actor_id": ids,
        "arml_id": ids,
        "principal_id": ids,
        "seq": st.integers(1, 2**62),
        "data": st.dictionaries(text, json_values, max_size=5),
        "documents": st.lists(
            st.fixed_dictionaries(
                {"sha256": st.just("ab" * 32), "version_id": st.integers(1, 10**9)}
            ),
            max_size=3,
        ),
        "time": st.datetimes(timezones=st.just(dt.UTC)).map(canonical.format_time),
    }
)


@settings(max_examples=300, deadline=None)
@given(records)
def test_the_fast_encoding_is_the_canonical_json(record):
    row = canonical.row_from_record(record)
    expected = canonical.canonical_json(record)
    assert canonical.event_bytes(row) == expected
    assert canonical.event_hash(row) == canonical.record_hash(record)
    assert json.loads(expected) == record


def test_canonical_json_is_sorted_compact_ascii():
    assert canonical.canonical_json({"b": 1, "a": "é"}) == b'{"a":"\\u00e9","b":1}'


def test_time_is_utc_with_microseconds():
    paris = dt.timezone(dt.timedelta(hours=2))
    value = dt.datetime(2025, 6, 1, 14, 0, tzinfo=paris)
    assert canonical.format_time(value) == "2025-06-01T12:00:00.000000+00:00"


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(text, json_values, max_size=5))
def test_the_fast_data_text_is_the_normalised_canonical_text(data):
    assert canonical.canonical_data_text(data) == canonical.canonical_text(
        canonical.normalize_json(data)
    )


def test_data_with_other_types_takes_the_normalising_path():
    import decimal

    data = {"b": decimal.Decimal("1.50"), "a": (1, 2), "d": dt.date(2025, 1, 2)}
    assert canonical.canonical_data_text(data) == '{"a":[1,2],"b":"1.50","d":"2025-01-02"}'
    # integer keys become strings first, then sort as strings
    assert canonical.canonical_data_text({2: "x", 10: "y"}) == '{"10":"y","2":"x"}'
