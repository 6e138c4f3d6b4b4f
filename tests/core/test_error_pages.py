from django.test import Client

from ..factories import make_person
from ..registry.helpers import login


def test_an_out_of_scope_person_shows_the_project_404_page(alice, charlie):
    person = make_person(alice)
    response = login(Client(), charlie).get(f"/persons/{person.uuid}/")
    assert response.status_code == 404
    assert "no record here that your role and scope let you see" in response.content.decode()
    assert person.case_number not in response.content.decode()


def test_every_data_url_refuses_an_anonymous_request(alice):
    person = make_person(alice)
    client = Client()
    for url in ["/persons/", f"/persons/{person.uuid}/", "/audit/", "/accounts/tokens/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for url in ["/api/v1/persons/", f"/api/v1/persons/{person.uuid}/", "/api/schema/"]:
        assert client.get(url).status_code == 401, url
