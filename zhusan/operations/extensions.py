"""How operations plugs into the registry's extension points (called once,
from ``OperationsConfig.ready``): the person's repatriation tab and API
sub-resource, and open checklists that follow consents recorded in the
registry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from zhusan.accounts.permissions import Compartment, Detail
from zhusan.registry import extensions as registry

from . import services, work

# What a person's repatriation history reveals is contact-and-location data:
# the same compartment as the case export's "operation arrived with" column.
REPATRIATION_COMPARTMENT = Compartment.CONTACT_LOCATION


def register() -> None:
    registry.after_consent_recorded("operations.update_open_checklists")(services.checklists_after_consent)
    registry.person_tab(
        registry.PersonTab(
            "operations:person_repatriation", _("Repatriation"), REPATRIATION_COMPARTMENT, 45, Detail.REPATRIATION
        )
    )
    registry.person_api(registry.PersonAPI(urlpatterns=_api_urls))
    registry.my_work_panel(work.clearance_panel)


def _api_urls() -> list[URLPattern]:
    from . import api

    return [
        path(
            "manifest-entries/",
            login_not_required(api.PersonManifestEntries.as_view()),
            name="api-person-manifest-entries",
        )
    ]
