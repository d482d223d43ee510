"""``/openapi.json``: the bearer scheme, a summary and an example for every operation, examples that fit."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from service.web.openapi import api_routes

PUBLIC = ("/healthz", "/api/v1/publicity", "/api/v1/public/")  # what anyone may read: no token


def _has_example(schema: Any, components: dict[str, Any], depth: int = 0) -> bool:
    if not isinstance(schema, dict) or depth > 4:
        return False
    if "example" in schema or "examples" in schema:
        return True
    if "$ref" in schema:
        return _has_example(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    nested = [schema.get("items"), *schema.get("anyOf", []), *schema.get("allOf", [])]
    return any(_has_example(s, components, depth + 1) for s in nested)


def test_every_operation_has_a_summary_an_example_and_its_security(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    components = spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "jz_…", "description": spec["components"]["securitySchemes"]
        ["bearerAuth"]["description"]}
    missing = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            contents = [*operation.get("requestBody", {}).get("content", {}).values(),
                        *(c for r in operation["responses"].values() for c in r.get("content", {}).values())]
            if not any("example" in c or "examples" in c or _has_example(c.get("schema"), components) for c in contents):
                missing.append(f"{method.upper()} {path}")
            secured = operation.get("security") == [{"bearerAuth": []}]
            assert secured == (not path.startswith(PUBLIC)), (method, path, operation.get("security"))
    assert not missing, f"give these operations an example (json_schema_extra on the model, or service/web/examples.py): {missing}"
    assert "relation" in components["Member"]["example"]
    assert spec["paths"]["/api/v1/cases/{case_id}"]["get"]["summary"] != "Get Case"  # from the docstring


def test_the_examples_fit_their_response_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    app: Any = client.app
    for route in api_routes(app):
        if route.response_model is None:
            continue
        for method in route.methods:
            responses = spec["paths"][route.path_format][method.lower()]["responses"]
            for code in ("200", "201", "202"):
                example = responses.get(code, {}).get("content", {}).get("application/json", {}).get("example")
                if example is not None:
                    TypeAdapter(route.response_model).validate_python(example)
