from django.urls import path

from portal_pages.api import views

urlpatterns = [
    path("dashboard", views.DashboardView.as_view(), name="dashboard"),
    path("content", views.ContentView.as_view(), name="content"),
    path("pages", views.PageListView.as_view(), name="pages"),
    path("pages/<id:page_id>", views.PageDetailView.as_view(), name="page"),
    path("policy", views.PolicyView.as_view(), name="policy"),
]
