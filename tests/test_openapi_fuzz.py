"""Schemathesis calls every operation of webui/openapi.yaml on the real app, with data that fits
the document and data that does not: never a 5xx, and every answer is one the document lists.

Cases come from ``APIOperation.as_strategy()`` under a plain ``@given``: schemathesis' lazy
``from_fixture(...).parametrize()`` fails on pytest 9.2 (it sets ``request.node._nodeid``, which
pytest no longer has), and the schema needs the seeds index, which only exists once fixtures run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from webui import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
DOCUMENT = yaml.safe_load((Path(__file__).parent.parent / "webui" / "openapi.yaml").read_text("utf-8"))


def _constrained(operation: dict) -> bool:
    """Whether some parameter can be given a value that breaks its schema (else negative
    generation has nothing to do)."""
    return any(p["schema"].get("type") not in ("string", "array") or "enum" in p["schema"]
               for p in operation.get("parameters", []))


CASES = [
    pytest.param(path, method.upper(), mode, id=f"{method.upper()} {path} {mode.value}")
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _constrained(operation)
]
WRONG_TOKEN = {"Authorization": "Bearer wrong-token"}


@pytest.fixture(scope="module")
def api_schema(seeds_index):
    # An admin token is set so the admin API is enabled; the fuzzer only ever sends a wrong
    # one, so every call must be refused (401/403) and the shared seeds index is never written.
    app = create_app({"TESTING": True,
                      "SETTINGS": seeds_index.replace(server__admin_token="not-the-fuzzers")})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.mark.parametrize("path, method, mode", CASES)
def test_openapi_operation_conforms(api_schema, path, method, mode):
    operation = api_schema[path][method]
    admin = path == "/api/index" or path.startswith("/api/jobs")

    @given(case=operation.as_strategy(mode, headers=WRONG_TOKEN if admin else None))
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def conforms(case):
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        if admin:
            assert response.status_code in (401, 403)

    conforms()
