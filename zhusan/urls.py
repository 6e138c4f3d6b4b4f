from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from zhusan.accounts.views import home
from zhusan.core.health import health, metrics

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include("zhusan.accounts.urls")),
    path("my-work/", include("zhusan.mywork.urls")),
    path("persons/", include("zhusan.registry.urls")),
    path("operations/", include("zhusan.operations.urls")),
    path("audit/", include("zhusan.oversight.urls")),
    path("reports/", include("zhusan.reporting.urls")),
    path("matching/", include("zhusan.matching.urls")),
    path("instruments/", include("zhusan.instruments.urls")),
    path("rehabilitation/care/", include("zhusan.rehabilitation.care.urls")),
    path("rehabilitation/sessions/", include("zhusan.rehabilitation.sessions.urls")),
    path("rehabilitation/", include("zhusan.rehabilitation.urls")),
    path("reintegration/support/", include("zhusan.reintegration.support.urls")),
    path("reintegration/follow-up/", include("zhusan.reintegration.followup.urls")),
    path("reintegration/", include("zhusan.reintegration.urls")),
    path("data-protection/rights/", include("zhusan.dataprotection.rights.urls")),
    path("data-protection/sharing/", include("zhusan.dataprotection.sharing.urls")),
    path("data-protection/", include("zhusan.dataprotection.urls")),
    path("planning/", include("zhusan.planning.urls")),
    path("tracker/", include("zhusan.tracker.urls")),
    path("api/", include("zhusan.api_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# Under /api/ a URL no route matches answers JSON like every other API error.
handler404 = "zhusan.core.api.page_not_found"
handler500 = "zhusan.core.api.server_error"
