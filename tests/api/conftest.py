"""API fixtures: one token per role of the shared ``world``, and a small JSON client."""

import json

import pytest
from django.test import Client

from dangbo.core.services import issue_token

API = "/api/v1"


class Api:
    """Calls the API as one user; ``as_`` switches user, ``raw`` sends a body as is."""

    def __init__(self, keys: dict[str, str]):
        self.keys = keys
        self.client = Client()

    def call(self, who, method, path, body=None, *, raw=None, **extra):
        headers = {}
        if who is not None:
            key = self.keys.get(who, who)
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        fn = getattr(self.client, method.lower())
        kwargs = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = data
        return fn(API + path, **kwargs, **headers, **extra)

    def get(self, who, path, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.keys.get(who, who)}"} if who else {}
        return self.client.get(API + path, params, **headers)

    def post(self, who, path, body=None, **kw):
        return self.call(who, "post", path, body, **kw)

    def patch(self, who, path, body=None, **kw):
        return self.call(who, "patch", path, body, **kw)


@pytest.fixture
def api(world) -> Api:
    keys = {
        name: issue_token(actor=None, user=user, name=f"test {name}")
        for name, user in world.users.items()
    }
    return Api(keys)


def fields(response) -> dict[str, str]:
    """The 422 body as field -> message."""
    assert response.status_code == 422, (response.status_code, response.content)
    return {item["field"]: item["message"] for item in response.json()["detail"]}
