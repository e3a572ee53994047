"""Administration pages (users, devices, tokens) and one's own password."""

from django.urls import path

from haven.accounts import device_views, two_factor_views, user_views

urlpatterns = [
    path("account/password/", user_views.password_change, name="password-change"),
    path("account/two-factor/", two_factor_views.enrol, name="otp-enrol"),
    path("account/two-factor/verify/", two_factor_views.verify, name="otp-verify"),
    path("tokens/", user_views.token_list, name="token-list"),
    path("users/", user_views.user_list, name="user-list"),
    path("users/new/", user_views.user_new, name="user-new"),
    path("users/<str:username>/", user_views.user_detail, name="user-detail"),
    path("devices/", device_views.device_sites, name="device-list"),
    path("devices/<slug:site>/", device_views.device_site, name="device-site"),
]
