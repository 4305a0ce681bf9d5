from django.urls import path

from automations import views

app_name = "automations"

urlpatterns = [
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
