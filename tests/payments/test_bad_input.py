"""Issue #18 item 6: a staff refund of NaN, Infinity or digits in another script is a
form error naming the amount, never a 500 or a refund. branding.money.parse_amount
already refused these when this test was written; it keeps them refused."""

import pytest
from django.test import Client

from payments import services
from payments.models import Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(full_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    services.payment_confirm(payment=payment, payment_method="success")
    return booking


@pytest.mark.parametrize("amount", ["NaN", "nan", "Infinity", "-inf", "١٢٫٥٠", "１２.５０", "1e3"])
def test_a_refund_of_nan_or_foreign_digits_is_refused_naming_the_amount(
    paid, staff_user, clinic, amount
):
    staff = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=True)
    staff.force_login(staff_user)
    page = f"/admin/payments/bookings/{paid.pk}/refund/"
    response = staff.post(page, {"amount": amount}, follow=True)
    assert response.status_code == 200
    assert "Enter an amount such as 12.50." in response.content.decode()
    assert not Refund.objects.exists()
