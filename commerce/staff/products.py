"""The manager's products in the admin (Shop → Products): a model viewset scoped to the
admin clinic (another clinic's row answers 404, a new row belongs to the admin clinic),
price typed in the clinic's currency, the photo chosen from the clinic's own images.
Medication (refill requests) is offered where the clinic has pets switched on."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column

from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.models import Product, ProductKind
from people.admin_toolkit.fields import MoneyField
from people.admin_toolkit.forms import clinic_images
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS


class ProductForm(WagtailAdminModelForm):
    price = MoneyField(label=_("Price"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["price"].currency = clinic.currency
        self.fields["price"].label = f"{_('Price')} ({clinic.currency})"
        if "photo" in self.fields:
            self.fields["photo"].queryset = clinic_images(clinic)
        if not feature_enabled(clinic, "pets"):
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] != ProductKind.MEDICATION
            ]
            self.fields["kind"].help_text = ""


def _price(product):
    return format_money(product.price, product.clinic.currency)


def _stock(product):
    return "—" if product.stock is None else product.stock


class ProductViewSet(ClinicModelViewSet):
    model = Product
    name = "commerce_products"
    url_prefix = "shop/products"
    icon = "tag"
    menu_label = _("Products")
    menu_name = "shop-products"
    menu_order = 120
    edit_roles = MANAGERS
    view_roles = FRONT_DESK
    protected_message = _("%(object)s has been ordered and cannot be deleted; untick “on sale”.")
    list_display = [
        "name",
        "kind",
        Column("price", label=_("Price"), accessor=_price),
        Column("stock", label=_("In stock"), accessor=_stock),
        "active",
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("price"), FieldPanel("stock")]),
            FieldPanel("photo"),
            FieldRowPanel([FieldPanel("position"), FieldPanel("active")]),
        ],
        base_form_class=ProductForm,
    )
