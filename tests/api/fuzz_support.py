"""What the schemathesis tests share: our OpenAPI schema served by the WSGI app, and one run
of generated requests over a set of operations with the checks they all make (no server
error, only declared statuses, bodies as declared)."""

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def openapi_schema() -> Any:
    """Our own OpenAPI schema, as schemathesis reads it, calling the WSGI app."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    from dangbo.api import api

    raw = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


def headers_for(key: str) -> dict[str, str]:
    """The headers of a request made with the API token ``key``."""
    return {"Authorization": f"Bearer {key}", "Host": "localhost"}


def aimed_at(real: dict[str, Any]) -> Callable[[Any], Any]:
    """A case's path parameters replaced by ``real``'s where it names them: random ids and
    codes are all 404s; half the runs aim at objects that exist so that the generated
    bodies reach the services."""

    def on_real_objects(case: Any) -> Any:
        if case.path_parameters:
            case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
        return case

    return on_real_objects


@contextlib.contextmanager
def kept_test_connection() -> Iterator[None]:
    """Requests go through the WSGI app, not Django's test client: keep Django from closing
    the connection that holds the test transaction after each request (the test client
    does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def run_generated_requests(
    operations: Iterable[Any],
    *,
    headers: dict[str, str],
    on_real_objects: Callable[[Any], Any],
    max_examples: int,
    failure_chars: int = 600,
) -> tuple[list[str], list[tuple[str, int]]]:
    """Each operation's generated cases, as they come and mapped by ``on_real_objects`` (aimed
    at objects that exist), sent with ``headers``: the failures (each cut to
    ``failure_chars``) and every (method, status) answered."""
    import hypothesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        response_schema_conformance,
        status_code_conformance,
    )

    failures: list[str] = []
    statuses: list[tuple[str, int]] = []
    with kept_test_connection():
        for operation in operations:
            for strategy in (
                operation.as_strategy(),
                operation.as_strategy().map(on_real_objects),
            ):

                @hypothesis.settings(
                    max_examples=max_examples,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    suppress_health_check=list(hypothesis.HealthCheck),
                )
                @hypothesis.given(case=strategy)
                def run(case: Any) -> None:
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
                        failures.append(
                            f"{case.method} {case.formatted_path}: {exc}"[:failure_chars]
                        )

                run()
    return failures, statuses
