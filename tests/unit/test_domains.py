"""Customer domains (spec, "Shared selling, overlay model, review", rule 1: a deal is registered on the domain
the customer will buy with). The same customer written differently must normalise to one domain."""

from __future__ import annotations

import pytest

from rules.domains import DomainError, normalise_domain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.com", "example.com"),
        ("Example.COM", "example.com"),
        ("https://www.Example.COM/about", "example.com"),
        ("http://example.com", "example.com"),
        ("ftp://example.org/files", "example.org"),
        ("www.example.com", "example.com"),
        ("example.com.", "example.com"),
        ("  example.com  ", "example.com"),
        ("example.com:8443", "example.com"),
        ("https://example.com?ref=partner", "example.com"),
        ("https://example.com#top", "example.com"),
        ("shop.example.co.jp", "shop.example.co.jp"),
        ("http://shop.example.co.jp:8443/x?y#z", "shop.example.co.jp"),
        ("my-company.example", "my-company.example"),
    ],
)
def test_domains_are_normalised(text: str, expected: str) -> None:
    assert normalise_domain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bücher.example", "xn--bcher-kva.example"),
        ("https://www.Bücher.example/shop", "xn--bcher-kva.example"),
        ("例え.jp", "xn--r8jz45g.jp"),
    ],
)
def test_international_domains_become_punycode(text: str, expected: str) -> None:
    assert normalise_domain(text) == expected


def test_the_same_customer_written_differently_is_one_domain() -> None:
    forms = ["example.com", "EXAMPLE.com", "www.example.com", "https://www.example.com/",
             "http://example.com:80/path", "example.com."]
    assert {normalise_domain(f) for f in forms} == {"example.com"}


def test_normalising_is_idempotent() -> None:
    once = normalise_domain("https://www.Bücher.example/shop")
    assert normalise_domain(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "localhost",  # a single label is not a customer domain
        "www",
        "exa mple.com",
        "-bad.com",
        "bad-.com",
        "a..b.com",
        "under_score.com",
        "x" * 64 + ".com",  # a label is at most 63 characters
    ],
)
def test_text_that_is_not_a_domain_is_refused(text: str) -> None:
    with pytest.raises(DomainError):
        normalise_domain(text)


@pytest.mark.parametrize("text", ["someone@example.com", "https://user:secret@example.com/"])
def test_email_addresses_and_credentials_are_refused(text: str) -> None:
    with pytest.raises(DomainError, match="not a domain"):
        normalise_domain(text)


@pytest.mark.parametrize("text", ["192.168.0.1", "http://10.0.0.1:8080/"])
def test_ip_addresses_are_refused(text: str) -> None:
    with pytest.raises(DomainError, match="IP address"):
        normalise_domain(text)


def test_domain_error_is_a_value_error() -> None:
    assert issubclass(DomainError, ValueError)
