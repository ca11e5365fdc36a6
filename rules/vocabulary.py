"""The fixed vocabulary of the Rules of Engagement: kinds, tiers, lines, editions, motions, outcomes.

Enums are `StrEnum` so that their values are the exact strings of the scenario contract.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = [
    "CREDITS",
    "DEFAULT_HUB_AGNOSTIC_LINES",
    "HUBS",
    "Edition",
    "LineCredit",
    "Motion",
    "Outcome",
    "PartnerKind",
    "ProductCatalog",
    "Role",
    "Tier",
]


class PartnerKind(StrEnum):
    """A Solutions Partner earns tier credit; a Solutions Provider does not."""

    SOLUTIONS_PARTNER = "solutions_partner"
    PROVIDER = "provider"


class Tier(StrEnum):
    """Solutions Partner tiers, lowest first (order matters for comparisons)."""

    PARTNER = "partner"
    GOLD = "gold"
    PLATINUM = "platinum"
    DIAMOND = "diamond"
    ELITE = "elite"


class Edition(StrEnum):
    """Hub editions, lowest first."""

    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"

    @property
    def rank(self) -> int:
        """Position in the upgrade order (Starter 0, Professional 1, Enterprise 2)."""
        return list(Edition).index(self)

    @property
    def qualifies(self) -> bool:
        """Professional and Enterprise hubs are qualifying items; Starter is not."""
        return self is not Edition.STARTER


class Motion(StrEnum):
    """The two sales motions."""

    PARTNER_SOURCED = "partner_sourced"
    PARTNER_ASSISTED = "partner_assisted"


class Outcome(StrEnum):
    """Every answer's outcome comes from this small vocabulary."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"
    DECIDED = "decided"
    NO_WINNER = "no_winner"


class LineCredit(StrEnum):
    """Who receives sold credit on a product line the customer holds."""

    SELF = "self"
    OTHER = "other"
    NONE = "none"
    UNKNOWN = "unknown"


class Role(StrEnum):
    """Roles of people in Slack."""

    GS = "gs"
    PDM = "pdm"
    PARTNER = "partner"
    ADMIN = "admin"


HUBS: tuple[str, ...] = ("marketing", "sales", "service", "content", "operations")
CREDITS = "credits"
DEFAULT_HUB_AGNOSTIC_LINES: tuple[str, ...] = (
    "reports_addon",
    "core_seats",
    "sales_seats",
    "service_seats",
    "commerce",
    "data_hub",
    "smart_crm",
)
_LINE_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class ProductCatalog:
    """The product lines the bot knows: the five hubs, credits, and hub-agnostic products.

    Every hub-agnostic product is a product line of its own. The default list can be extended
    from configuration, so that a new add-on needs no code change.
    """

    __slots__ = ("_agnostic",)

    def __init__(self, hub_agnostic: tuple[str, ...] = DEFAULT_HUB_AGNOSTIC_LINES) -> None:
        for line in hub_agnostic:
            if not _LINE_ID.match(line) or line in HUBS or line == CREDITS:
                raise ValueError(f"invalid hub-agnostic product line id {line!r}")
        self._agnostic = frozenset(hub_agnostic)

    def is_hub(self, line: str) -> bool:
        """Hubs carry an edition; other lines do not."""
        return line in HUBS

    def knows(self, line: str) -> bool:
        """Whether `line` is a product line of this catalog."""
        return line in HUBS or line == CREDITS or line in self._agnostic

    def lines(self) -> tuple[str, ...]:
        """Every known line, hubs first."""
        return (*HUBS, CREDITS, *sorted(self._agnostic))
