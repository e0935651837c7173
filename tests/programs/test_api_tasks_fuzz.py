"""/api/v1/programs under generated requests (schemathesis, from our own OpenAPI schema):
whatever the schema lets a client send to the programs operations, no server error, only
declared statuses, bodies as declared — aimed half the time at a real program and task."""

import json
from datetime import date

import pytest
from django.core.wsgi import get_wsgi_application

from dangbo.core.services import issue_token
from dangbo.programs import services

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

MAX_EXAMPLES = 30


@pytest.fixture
def keep_test_connection():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_to_programs(world, keep_test_connection):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    from dangbo.api import api

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
    raw = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    key = issue_token(actor=None, user=world.users["admin"], name="fuzz")
    headers = {"Authorization": f"Bearer {key}", "Host": "localhost"}
    operations = [
        r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/v1/programs")
    ]
    assert len(operations) >= 9
    real = {"pk": program.pk}
    failures: list[str] = []
    statuses: list[tuple[str, int]] = []

    def on_real_objects(case):
        if case.path_parameters:
            is_task = "/tasks/" in case.path
            case.path_parameters = {
                k: (task.pk if is_task else real.get(k, v)) for k, v in case.path_parameters.items()
            }
        return case

    for operation in operations:
        for strategy in (operation.as_strategy(), operation.as_strategy().map(on_real_objects)):

            @hypothesis.settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            @hypothesis.given(case=strategy)
            def run(case):
                response = case.call(headers=headers)
                statuses.append((case.method, response.status_code))
                try:
                    case.validate_response(
                        response,
                        checks=[
                            not_a_server_error,
                            status_code_conformance,
                            response_schema_conformance,
                        ],
                    )
                except Exception as exc:  # noqa: BLE001 - collected and reported together
                    failures.append(f"{case.method} {case.formatted_path}: {exc}"[:800])

            run()
    assert sum(1 for m, s in statuses if m == "GET" and s == 200) >= 3
    assert not failures, "\n".join(failures[:10])
