"""The track-record benchmark, at a small scale in the default suite: it builds a
history through the product's own rebuild, reads back exactly the claims it made, and
prints the suite's BENCH line. (Whether the ratio holds is the benchmark's question,
not a test's: no timing is asserted here.)"""

from __future__ import annotations

import re

import pytest

from bench.track_record import measure, populate
from trackrecords.models import TrackRecord

pytestmark = pytest.mark.django_db


def test_the_benchmark_reads_back_the_history_it_built(default_scale):
    outlet_id = populate(140)
    record, descriptors = TrackRecord.objects.at_outlet(outlet_id)
    assert record is not None
    assert record.all.claims == 140
    # One in ten rests on anonymous officials, in three wordings that are one group.
    assert record.anonymous.claims == 14
    assert [d.all.claims for d in descriptors] == [14]
    # Seven ratings in turn: one in seven is unproven, counted but not judged.
    assert (record.all.unproven, record.all.judged) == (20, 120)
    result = measure(outlet_id, rounds=20, scale=140)
    assert result.scale == 140
    assert re.fullmatch(
        r"BENCH name=outlet_track_record scale=140 median_ms=[0-9.]+ p95_ms=[0-9.]+ bound_ms=[0-9.]+ "
        r"ratio=[0-9.]+ target=5 ok=(yes|no)",
        result.bench_line(),
    )
