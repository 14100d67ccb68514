"""papers.ratelimits.client_ip: the address every rate limit and lockout counts by."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from papers.ratelimits import client_ip


def request_from(remote_addr: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra)


def test_without_a_proxy_it_is_the_connecting_address_whatever_the_headers_say(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.4", "1.2.3.4")) == "203.0.113.4"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.4", "203.0.113.4"),
        # Entries left of what our proxies appended were written by the client.
        (1, "1.2.3.4, 203.0.113.4", "203.0.113.4"),
        (2, "1.2.3.4, 203.0.113.4, 10.0.0.9", "203.0.113.4"),
        # Fewer entries than proxies: a misconfiguration; fall back to the connecting address.
        (2, "203.0.113.4", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_behind_proxies_it_is_the_entry_the_nearest_trusted_proxy_added(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


def test_an_ipv6_client_counts_as_its_whole_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    first = client_ip(request_from("2001:db8:1:2:aaaa::1"))
    second = client_ip(request_from("2001:db8:1:2:bbbb::2"))

    assert first == second == "2001:db8:1:2::"


def test_garbage_in_the_header_is_one_shared_bucket_not_an_error(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.2", "not an address")) == "0.0.0.0"
