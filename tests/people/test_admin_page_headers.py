"""Wagtail's header shows a page's last breadcrumb: each staff page is headed by its
own name, not "Home" (found trying the demo at the front desk)."""

import re

import pytest
from django.urls import reverse

from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db


def header(html):
    nav = re.search(r'<nav[^>]*aria-label="Breadcrumb"[^>]*>(.*?)</nav>', html, re.S).group(1)
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", items[-1]).strip()


@pytest.mark.parametrize(
    "name, title",
    [
        ("clinic_inbox:list", "Inbox"),
        ("clinic_treatments:follow_ups", "Follow-ups"),
        ("commerce_orders", "Orders"),
    ],
)
def test_each_page_is_headed_by_its_name(clinic, manager, name, title):
    page = admin_client_for(manager, clinic).get(reverse(name))
    assert page.status_code == 200
    assert header(page.content.decode()) == title


def test_the_client_page_is_headed_by_the_clients_name(clinic, manager, patient):
    page = admin_client_for(manager, clinic).get(f"/admin/clinic/clients/{patient.pk}/")
    assert header(page.content.decode()) == patient.name
