"""The client's real address behind the configured number of proxies: a forged
X-Forwarded-For entry never becomes the address."""

from django.test import RequestFactory

from branding.client_address import client_ip


def _request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_saw_wins_over_forged_entries(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "6.6.6.6"; our balancer appended the address it saw, 203.0.113.9.
    assert client_ip(_request(forwarded="6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="6.6.6.6, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_a_request_that_skipped_the_proxies_falls_back_to_the_socket(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.5"
    assert client_ip(_request(forwarded="not-an-ip, 10.0.0.2")) is None
