"""Property-based requests generated from our own OpenAPI schema (schemathesis): whatever
the schema allows a client to send, the API answers without a server error, with a status
the schema declares, and with a body matching the declared schema."""

import json

import pytest
from django.core.wsgi import get_wsgi_application

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25


def _schema():
    from dangbo.api import api

    raw = json.loads(json.dumps(api.get_openapi_schema(), default=str))
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
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    # The secretary's own cell, so that their run is not all 404s.
    code = "kl-thon-2" if who == "admin" else "kl-thon-1"
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
    # The run reached the services rather than stopping at 404s and schema errors: the
    # administrator's writes went through; the secretary (who may write almost nothing the
    # generator aims at) read their own cell.
    writes = sum(1 for method, status in statuses if method != "GET" and status < 300)
    reads = sum(1 for method, status in statuses if method == "GET" and status == 200)
    assert writes >= 3 if who == "admin" else reads >= 3
    assert not failures, "\n".join(failures[:10])
