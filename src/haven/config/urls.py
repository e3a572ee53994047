from django.urls import include, path

from haven.accounts import views as accounts
from haven.audit import views as audit
from haven.config.api import api
from haven.home import views as home
from haven.registry import site_views
from haven.registry import views as registry

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("acting-site/", accounts.set_acting_site, name="acting-site"),
    path("households/", registry.household_list, name="household-list"),
    path("households/new/", registry.household_new, name="household-new"),
    path("households/new/member/", registry.member_row, name="household-member-row"),
    path("households/new/member/removed/", registry.member_row_removed,
         name="household-member-row-removed"),
    path("households/<str:ref>/", registry.household_detail, name="household-detail"),
    path("arrivals/new/", registry.arrival_new, name="arrival-new"),
    path("persons/", registry.person_list, name="person-list"),
    path("persons/<str:ref>/", registry.person_detail, name="person-detail"),
    path("sites/", site_views.site_list, name="site-list"),
    path("sites/new/", site_views.site_edit, name="site-new"),
    path("sites/<slug:slug>/", site_views.site_edit, name="site-edit"),
    path("audit/", audit.audit_list, name="audit-list"),
    path("audit/export.csv", audit.audit_export_csv, name="audit-export"),
    path("", include("haven.accounts.urls")),  # users/, devices/, tokens/, account/password/
    path("imports/", include("haven.intake.importing.urls")),
    path("reports/", include("haven.reports.urls")),
    path("aid/", include("haven.aid.urls")),
    path("documentation/", include("haven.documentation.urls")),
    path("reception/", include("haven.reception.urls")),
    path("tracing/pfif/", include("haven.pfif.urls")),  # PFIF exchange page
    path("", include("haven.linkage.urls")),  # matches/, persons/<ref>/unmerge/, hint
    path("", include("haven.protection.urls")),  # referrals/, incidents/, casualties/, left-behind/
    path("rights/", include("haven.rights.urls")),  # export/, erase/
    path("", include("haven.notifications.urls")),  # notifications/
    path("", include("haven.tracing.urls")),  # tracing/, safe-and-well/
    path("api/v1/", api.urls),
    path("openrosa/", include("haven.intake.openrosa.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
