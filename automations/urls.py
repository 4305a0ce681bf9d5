from django.urls import path

from automations import views

app_name = "nudges"

urlpatterns = [
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("n/<str:token>/", views.nudge_open, name="nudge_open"),
]
