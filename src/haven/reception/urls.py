"""Reception's pages, under /reception/."""

from django.urls import path

from haven.reception.views import arrivals, cards, shelters, transport

urlpatterns = [
    path("", shelters.reception_home, name="reception-home"),
    path("sites/<slug:site>/", shelters.site_shelter, name="reception-site"),
    path("sites/<slug:site>/waiting/", shelters.waiting, name="reception-waiting"),
    path("place/", shelters.place, name="reception-place"),
    path("placements/", shelters.placement_list, name="reception-placements"),
    path("placements/<str:pk>/", shelters.placement_detail, name="reception-placement"),
    path("arrivals/", arrivals.household_arrival, name="reception-arrival"),
    path("transport/", transport.run_list, name="reception-runs"),
    path("transport/runs/new/", transport.run_new, name="reception-run-new"),
    path("transport/runs/<str:pk>/", transport.run_detail, name="reception-run"),
    path("transport/vehicles/", transport.vehicles, name="reception-vehicles"),
    path("transport/no-shows/", transport.no_shows, name="reception-no-shows"),
    path("cards/", cards.card_batch, name="reception-cards"),
    path("cards/<str:ref>.pdf", cards.household_card, name="reception-card"),
]
