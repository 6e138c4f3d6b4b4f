"""The OpenAPI schema is complete and valid, without a single warning."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    assert "/api/v1/persons/" in paths
    assert "/api/v1/persons/{person_uuid}/notes/" in paths
    assert set(paths["/api/v1/persons/{person_uuid}/"]) >= {"get", "patch"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]
