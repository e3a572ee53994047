"""Care and protection pages (mounted at the site's root)."""

from django.urls import path

from haven.protection import views

urlpatterns = [
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/new/", views.referral_new, name="referral-new"),
    path("referrals/overdue/", views.referral_overdue, name="referral-overdue"),
    path("referrals/<str:referral>/", views.referral_detail, name="referral-detail"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("casualties/", views.casualty_list, name="casualty-list"),
    path("casualties/new/", views.casualty_new, name="casualty-new"),
    path("casualties/<str:casualty>/", views.casualty_detail, name="casualty-detail"),
    path("left-behind/", views.left_behind_list, name="left-behind-list"),
    path("left-behind/new/", views.left_behind_new, name="left-behind-new"),
    path("left-behind/<str:entry>/", views.left_behind_detail, name="left-behind-detail"),
]
