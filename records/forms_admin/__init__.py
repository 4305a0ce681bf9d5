"""The clinic workspace for forms, medical history and feedback: the form templates
managers edit, the Forms and Medical history tabs of the client account view (with
their screens under /admin/clinic/clients/<client_pk>/, namespace ``client_forms``) and
the clinic's Feedback list. Registered by importing this package from
``records/wagtail_hooks.py``."""

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from people.account_tabs import HOOK_NAME
from records.forms_admin import feedback, tabs, templates
from records.models import FormTemplate

hooks.register(HOOK_NAME, tabs.forms_tab)
hooks.register(HOOK_NAME, tabs.medical_tab)

form_template_viewset = templates.FormTemplateViewSet()
register_permission_policy(FormTemplate, form_template_viewset.permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_form_template_viewset():
    return form_template_viewset


@hooks.register("register_admin_urls")
def register_forms_urls():
    return [
        path("clinic/clients/<id:client_pk>/", include((tabs.urlpatterns, "client_forms"))),
        path("clinic/feedback/", include((feedback.urlpatterns, "clinic_feedback"))),
    ]
