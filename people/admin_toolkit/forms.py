"""Form helpers the admin's clinic forms share: a model form carrying inline formsets
(and the panel that renders one), a free key for a new row, the clinic's own images."""

from django.utils.text import slugify
from wagtail.admin.panels import Panel
from wagtail.images import get_image_model
from wagtail.models import Collection


class WithFormsetsMixin:
    """A model form that carries inline formsets (named in ``formset_attrs``): it is
    valid only when they all are, and brings their media."""

    formset_attrs = ()

    def _formsets(self):
        return [getattr(self, name) for name in self.formset_attrs]

    def is_valid(self):
        results = [super().is_valid(), *(formset.is_valid() for formset in self._formsets())]
        return all(results)

    @property
    def media(self):
        media = super().media
        for formset in self._formsets():
            media += formset.media
        return media


class InlineFormsetPanel(Panel):
    """Renders one of the form's inline formsets (``formset_attr``) as a table."""

    def __init__(self, formset_attr, **kwargs):
        super().__init__(**kwargs)
        self.formset_attr = formset_attr

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["formset_attr"] = self.formset_attr
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "people/admin/formset_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["formset"] = getattr(self.form, self.panel.formset_attr)
            return context


def unique_key(model, clinic, name, *, max_length=60):
    """A slug of ``name`` not yet used by another ``model`` row of the clinic."""
    base = slugify(name)[: max_length - 4].strip("-") or model._meta.model_name
    taken = set(
        model.objects.filter(clinic=clinic, key__startswith=base).values_list("key", flat=True)
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def clinic_images(clinic):
    """Images in the clinic's own media collection (and the collections under it)."""
    images = get_image_model().objects.all()
    collection = Collection.objects.filter(name__endswith=f"[{clinic.slug}]").first()
    if collection is None:
        return images.none()
    return images.filter(collection__in=collection.get_descendants(inclusive=True))
