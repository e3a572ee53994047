"""Pages of the review queue, unmerge and the registration hint (mounted at the site's root)."""

from django.urls import path

from haven.linkage import views

urlpatterns = [
    path("matches/", views.match_list, name="match-list"),
    path("matches/<str:pk>/", views.match_detail, name="match-detail"),
    path("persons/<str:ref>/unmerge/", views.person_unmerge, name="person-unmerge"),
    path("households/new/hint/", views.registration_hint, name="household-hint"),
]
