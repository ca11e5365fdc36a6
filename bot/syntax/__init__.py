"""One grammar for what people type: shared tokens, one usage error, `/roe` and `/deal`.

    from bot.syntax import UsageError, parse_roe, parse_extend, deal_ref

`tokens` reads the words every command shares (deal references, amounts, products, dates,
durations); `roe` and `deal` read their commands with them; `errors` is the one usage error,
explained by the catalog of the grammar that raised it. Nothing here reads storage or Slack.
"""

from bot.syntax.deal import (
    MAX_HOURS,
    POI_STATUSES,
    CloseArgs,
    ExtendCommand,
    PoiArgs,
    parse_close,
    parse_discount,
    parse_extend,
    parse_onboarding,
    parse_poi,
    parse_ref,
    parse_remove,
    parse_status,
    parse_timeline,
)
from bot.syntax.errors import UsageError, within
from bot.syntax.roe import (
    ALIASES,
    COMMANDS,
    Context,
    DealAsk,
    Question,
    command_of,
    parse_items,
    parse_roe,
    usage_key,
)
from bot.syntax.tokens import deal_ref, split_ref

__all__ = [
    "ALIASES",
    "COMMANDS",
    "MAX_HOURS",
    "POI_STATUSES",
    "CloseArgs",
    "Context",
    "DealAsk",
    "ExtendCommand",
    "PoiArgs",
    "Question",
    "UsageError",
    "command_of",
    "deal_ref",
    "parse_close",
    "parse_discount",
    "parse_extend",
    "parse_items",
    "parse_onboarding",
    "parse_poi",
    "parse_ref",
    "parse_remove",
    "parse_roe",
    "parse_status",
    "parse_timeline",
    "split_ref",
    "usage_key",
    "within",
]
