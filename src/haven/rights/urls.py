from django.urls import path

from haven.rights import views

urlpatterns = [
    path("export/", views.export, name="rights-export"),
    path("erase/", views.erase, name="rights-erase"),
]
