"""Customer domains: deals are registered on the domain the customer will buy with.

A domain is normalised before it is stored or compared, so that `https://www.Example.COM/about`
and `example.com` are the same customer.
"""

from __future__ import annotations

import re

__all__ = ["DomainError", "normalise_domain"]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DomainError(ValueError):
    """Text that is not a customer domain."""


def normalise_domain(text: str) -> str:
    """Lower case, IDNA (punycode), no scheme, path, port, `www.` or trailing dot.

    >>> normalise_domain("https://www.Bücher.example/shop")
    'xn--bcher-kva.example'
    """
    if not isinstance(text, str) or not text.strip():
        raise DomainError("a customer domain is required")
    host = text.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    if "@" in host:
        raise DomainError(f"{text!r} is an e-mail address or URL with credentials, not a domain")
    host = host.split(":", 1)[0].rstrip(".")
    host = host.removeprefix("www.")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise DomainError(f"{text!r} is not a valid domain name") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise DomainError(f"{text!r} is not a valid domain name (expected e.g. example.com)")
    if labels[-1].isdigit():
        raise DomainError(f"{text!r} is an IP address, not a customer domain")
    return ascii_host
