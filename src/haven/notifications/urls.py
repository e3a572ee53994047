from django.urls import path

from haven.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
]
