"""The new-rural API under schemathesis (the same checks as tests/api/test_schemathesis.py,
only the /ntm operations, so that they run in under a minute): no server error, declared statuses,
bodies as declared."""

import json

import pytest
from django.core.wsgi import get_wsgi_application

from tests.api import conftest as api_conftest

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.django_db
api = api_conftest.api  # the API client fixture, one token per role

MAX_EXAMPLES = 25


def _schema():
    from dangbo.api import api as ninja_api

    raw = json.loads(json.dumps(ninja_api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


@pytest.fixture
def keep_test_connection():
    """Requests go through the WSGI app, not Django's test client: keep Django from closing
    the connection that holds the test transaction after each request (the test client
    does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("who", ["admin", "secretary"])
def test_generated_requests_never_fail_the_server(api, world, keep_test_connection, who):
    """For an administrator and for a cell's secretary (most answers are then 403 and 404):
    no server error, no status the schema does not declare, every body as declared."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    schema = _schema()
    headers = {"Authorization": f"Bearer {api.keys[who]}", "Host": "localhost"}
    failures = []
    statuses: list[tuple[str, int]] = []
    operations = [
        op for op in (result.ok() for result in schema.get_all_operations()) if "/ntm/" in op.path
    ]
    assert len(operations) >= 7

    # The secretary's own cell, so that their run is not all 404s.
    code = "kim-long"
    real = {"id": world.members["binh"].pk, "code": code}

    def on_real_objects(case):
        # Random ids and codes are all 404s; half the runs aim at objects that exist so
        # that the generated bodies reach the services.
        if case.path_parameters:
            case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
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
                    failures.append(f"{case.method} {case.formatted_path}: {exc}"[:600])

            run()
    assert not failures, "\n".join(failures[:10])
