"""/api/v1/programs under generated requests (schemathesis, from our own OpenAPI schema):
whatever the schema lets a client send to the programs operations, no server error, only
declared statuses, bodies as declared — aimed half the time at a real program and task."""

from datetime import date

import pytest

from dangbo.core.services import issue_token
from dangbo.programs import services
from tests.api.fuzz_support import headers_for, openapi_schema, run_generated_requests

pytest.importorskip("schemathesis")
pytest.importorskip("hypothesis")

MAX_EXAMPLES = 30


def test_generated_requests_to_programs(world):
    program = services.create_program(
        actor=None,
        org=world.org("tam-duong"),
        kind="action",
        title="Chương trình thử",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    task = services.add_task(
        actor=None, program=program, title="Nhiệm vụ", lead_org=world.org("kim-long")
    )
    schema = openapi_schema()
    key = issue_token(actor=None, user=world.users["admin"], name="fuzz")
    headers = headers_for(key)
    operations = [
        r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/v1/programs")
    ]
    assert len(operations) >= 9
    real = {"pk": program.pk}

    def on_real_objects(case):
        if case.path_parameters:
            is_task = "/tasks/" in case.path
            case.path_parameters = {
                k: (task.pk if is_task else real.get(k, v)) for k, v in case.path_parameters.items()
            }
        return case

    failures, statuses = run_generated_requests(
        operations,
        headers=headers,
        on_real_objects=on_real_objects,
        max_examples=MAX_EXAMPLES,
        failure_chars=800,
    )
    assert sum(1 for m, s in statuses if m == "GET" and s == 200) >= 3
    assert not failures, "\n".join(failures[:10])
