from django.urls import path

from records.api import forms, messages

urlpatterns = [
    path("messages", messages.MessagesView.as_view(), name="messages"),
    path("messages/threads", messages.ThreadsView.as_view(), name="message-threads"),
    path(
        "messages/files/<id:message_id>",
        messages.AttachmentView.as_view(),
        name="message-attachment",
    ),
    path("messages/<id:thread_id>", messages.ThreadView.as_view(), name="message-thread"),
    path("forms", forms.FormsView.as_view(), name="forms"),
    path("forms/<id:form_id>", forms.FormView.as_view(), name="form"),
    path("forms/<id:form_id>/sign", forms.FormSignView.as_view(), name="form-sign"),
    path("signed-forms/<id:signed_id>/pdf", forms.SignedFormPdfView.as_view(), name="signed-pdf"),
    path("medical-history", forms.MedicalHistoryView.as_view(), name="medical-history"),
]
