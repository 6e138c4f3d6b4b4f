"""A URL no route matches answers JSON under /api/, as every other API error, and the error page elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_api_url_no_route_matches_answers_json_404(client: Client) -> None:
    response = client.get("/api/v1/operations/entries/not-a-uuid/clearance/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_a_page_url_no_route_matches_answers_the_error_page(client: Client) -> None:
    response = client.get("/persons/not-a-uuid/")
    assert response.status_code in {302, 404}
    assert not response["Content-Type"].startswith("application/json")
