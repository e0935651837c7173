"""The new-rural API under schemathesis (the same checks as tests/api/test_schemathesis.py,
only the /ntm operations, so that they run in under a minute): no server error, declared statuses,
bodies as declared."""

import pytest

from tests.api import conftest as api_conftest
from tests.api.fuzz_support import aimed_at, headers_for, openapi_schema, run_generated_requests

pytest.importorskip("schemathesis")
pytest.importorskip("hypothesis")

pytestmark = pytest.mark.django_db
api = api_conftest.api  # the API client fixture, one token per role

MAX_EXAMPLES = 25


@pytest.mark.parametrize("who", ["admin", "secretary"])
def test_generated_requests_never_fail_the_server(api, world, who):
    """For an administrator and for a cell's secretary (most answers are then 403 and 404):
    no server error, no status the schema does not declare, every body as declared."""
    schema = openapi_schema()
    headers = headers_for(api.keys[who])
    operations = [
        op for op in (result.ok() for result in schema.get_all_operations()) if "/ntm/" in op.path
    ]
    assert len(operations) >= 7

    # The secretary's own cell, so that their run is not all 404s.
    code = "kim-long"
    real = {"id": world.members["binh"].pk, "code": code}

    failures, _statuses = run_generated_requests(
        operations, headers=headers, on_real_objects=aimed_at(real), max_examples=MAX_EXAMPLES
    )
    assert not failures, "\n".join(failures[:10])
