"""The ``products`` key of the clinic import file (the shop's orders):

    products:
      - {name: Vitamin C serum, price: "38.00", stock: 12, description: "30 ml."}
      - {name: Senior dog food 2 kg, kind: food, price: "24.50"}
      - {name: Carprofen 50 mg, 30 tablets, kind: medication, price: "32.00"}

A product is recognised by its name: importing again updates it. ``stock`` left out:
not counted. Prices are decimal strings in the clinic's currency, stored in minor
units."""

import decimal
from typing import Literal

from django.db import transaction
from pydantic import Field

from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Strict
from branding.money import AmountError, to_minor
from commerce.models import Product, ProductKind


class ProductIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    kind: Literal[tuple(ProductKind.values)] = "retail"  # type: ignore[valid-type]
    price: decimal.Decimal = Field(ge=0)
    stock: int | None = Field(default=None, ge=0)
    active: bool = True


def check_products(value: list[ProductIn], doc):
    seen = {}
    for i, product in enumerate(value):
        if product.name in seen:
            yield (f"products[{i}].name", f"the same name as products[{seen[product.name]}]")
        seen.setdefault(product.name, i)


@transaction.atomic
def apply_products(value: list[ProductIn], ctx: ImportContext):
    clinic = ctx.clinic
    for i, item in enumerate(value):
        try:
            price = to_minor(item.price, clinic.currency)
        except AmountError:
            raise ImportFileError(
                [(f"products[{i}].price", f"not an amount in {clinic.currency}")]
            ) from None
        defaults = item.model_dump(exclude={"name", "price"})
        Product.objects.update_or_create(
            clinic=clinic, name=item.name, defaults={**defaults, "price": price, "position": i}
        )
        ctx.count("products")


def register():
    register_section(
        ImportSection(
            key="products",
            schema=list[ProductIn],
            apply=apply_products,
            check=check_products,
            order=90,
        )
    )
