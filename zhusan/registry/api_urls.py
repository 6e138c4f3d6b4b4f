"""/api/v1/: the registry API. DRF authenticates these views itself, so the
site-wide login redirect is switched off for them (an API answers 401)."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import api, extensions


def _api(view: Any) -> Any:
    return login_not_required(view.as_view())


urlpatterns = [
    path("persons/", _api(api.PersonListCreate), name="api-person-list"),
    path("persons/<uuid:person_uuid>/", _api(api.PersonDetail), name="api-person-detail"),
    path("persons/<uuid:person_uuid>/stage/", _api(api.PersonStage), name="api-person-stage"),
    path("persons/<uuid:person_uuid>/timeline/", _api(api.PersonTimeline), name="api-person-timeline"),
    path("persons/<uuid:person_uuid>/names/", _api(api.PersonNames), name="api-person-names"),
    path("persons/<uuid:person_uuid>/relationships/", _api(api.PersonRelationships), name="api-person-relationships"),
    path("persons/<uuid:person_uuid>/documents/", _api(api.PersonDocuments), name="api-person-documents"),
    path("persons/<uuid:person_uuid>/evidence/", _api(api.PersonEvidence), name="api-person-evidence"),
    path("persons/<uuid:person_uuid>/stays/", _api(api.PersonStays), name="api-person-stays"),
    path("persons/<uuid:person_uuid>/consents/", _api(api.PersonConsents), name="api-person-consents"),
    path("persons/<uuid:person_uuid>/assents/", _api(api.PersonAssents), name="api-person-assents"),
    path("persons/<uuid:person_uuid>/notes/", _api(api.PersonNotes), name="api-person-notes"),
    path("names/<uuid:name_uuid>/", _api(api.NameDetail), name="api-name-detail"),
    path("documents/<uuid:document_uuid>/", _api(api.DocumentDetail), name="api-document-detail"),
    # Sub-resources other apps add to the person (``extensions.person_api``);
    # their views take ``person_uuid`` and reach the person through
    # ``registry.selectors.get_person_for_user`` like the registry's own.
    path("persons/<uuid:person_uuid>/", include(extensions.person_api_urlpatterns())),
]
