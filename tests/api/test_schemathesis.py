"""Property-based requests generated from our own OpenAPI schema (schemathesis): whatever
the schema allows a client to send, the API answers without a server error, with a status
the schema declares, and with a body matching the declared schema."""

import pytest

from tests.api.fuzz_support import aimed_at, headers_for, openapi_schema, run_generated_requests

pytest.importorskip("schemathesis")
pytest.importorskip("hypothesis")

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25


@pytest.mark.parametrize("who", ["admin", "secretary"])
def test_generated_requests_never_fail_the_server(api, world, who):
    """For an administrator and for a cell's secretary (most answers are then 403 and 404):
    no server error, no status the schema does not declare, every body as declared."""
    schema = openapi_schema()
    headers = headers_for(api.keys[who])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    # The secretary's own cell, so that their run is not all 404s.
    code = "kl-thon-2" if who == "admin" else "kl-thon-1"
    real = {"id": world.members["binh"].pk, "code": code}

    failures, statuses = run_generated_requests(
        operations, headers=headers, on_real_objects=aimed_at(real), max_examples=MAX_EXAMPLES
    )
    # The run reached the services rather than stopping at 404s and schema errors: the
    # administrator's writes went through; the secretary (who may write almost nothing the
    # generator aims at) read their own cell.
    writes = sum(1 for method, status in statuses if method != "GET" and status < 300)
    reads = sum(1 for method, status in statuses if method == "GET" and status == 200)
    assert writes >= 3 if who == "admin" else reads >= 3
    assert not failures, "\n".join(failures[:10])
