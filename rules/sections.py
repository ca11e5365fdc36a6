"""The sections of the Rules of Engagement that answers cite, with their titles in both languages.

Titles are the headings of the source texts (`shared/seeds`); the Japanese ones are the official
terms of the Japanese text.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Section", "title"]


class Section(StrEnum):
    """Section ids used in citations."""

    ACCOUNT_TEAM = "account-team"
    COMMISSION_RATES = "commission-rates"
    MANAGED_MRR = "managed-mrr"
    SOLD_MRR = "sold-mrr"
    POI = "poi"
    COMMUNICATION = "communication"
    ONBOARDING = "onboarding"
    DISCOUNTING = "discounting"
    INCENTIVES = "incentives"
    REVIEW = "review"
    SHARED_SELLING_TOOLS = "shared-selling-tools"
    OVERLAY_MODEL = "overlay-model"
    SALES_MOTIONS = "sales-motions"
    DEAL_ELIGIBILITY = "deal-eligibility"
    BEST_PARTNER_WINS = "best-partner-wins"
    UPMARKET_REFERRAL = "upmarket-referral"
    CROSS_SELL = "cross-sell"
    UPSELL = "upsell"
    WAIVE_ONBOARDING = "waive-onboarding"
    REVENUE_SHARE = "revenue-share"
    FAQ = "faq"


_TITLES: dict[Section, tuple[str, str]] = {
    Section.ACCOUNT_TEAM: ("Your HubSpot Account Team", "HubSpotパートナーチーム"),
    Section.COMMISSION_RATES: ("Eligibility & Commission Rates", "取引の条件とコミッションの料率"),
    Section.MANAGED_MRR: ("Managed Monthly Recurring Revenue", "管理による月間経常収益(MRR)"),
    Section.SOLD_MRR: ("Sold Monthly Recurring Revenue", "販売による月間経常収益(MRR)"),
    Section.POI: ("Proof of Involvement", "関与の証明"),
    Section.COMMUNICATION: ("Communication", "コミュニケーション"),
    Section.ONBOARDING: ("Onboarding Requirements", "導入支援の獲得に必要な条件"),
    Section.DISCOUNTING: ("Discounting", "割引"),
    Section.INCENTIVES: ("Use Good Judgment (UGJ) on Incentives", "インセンティブに対する適切な判断"),
    Section.REVIEW: ("Review and Resolution", "審査と決議"),
    Section.SHARED_SELLING_TOOLS: ("Shared Selling Tools", "共同販売ツール"),
    Section.OVERLAY_MODEL: (
        "Transitioning to an overlay sales model",
        "オーバーレイ営業モデルへの移行",
    ),
    Section.SALES_MOTIONS: (
        "Sales Motions (Partner Sourced, Partner Assisted)",
        "販売形態",
    ),
    Section.DEAL_ELIGIBILITY: ("Deal Eligibility", "対象となる取引の条件"),
    Section.BEST_PARTNER_WINS: ("Best Partner Wins Process", "Best Partner Winsのプロセス"),
    Section.UPMARKET_REFERRAL: (
        "HubSpot Upmarket Referral Program",
        "HubSpot Upmarket Referralプログラム",
    ),
    Section.CROSS_SELL: ("Cross-Sell", "クロスセル"),
    Section.UPSELL: ("Upsell", "アップセル"),
    Section.WAIVE_ONBOARDING: ("Waive Onboarding", "導入支援サービスの免除"),
    Section.REVENUE_SHARE: ("Revenue Share", "レベニューシェア"),
    Section.FAQ: ("Frequently Asked Questions", "よくあるご質問"),
}


def title(section: Section, lang: str) -> str:
    """The section's heading in `lang` (`en` or `ja`)."""
    en, ja = _TITLES[section]
    return ja if lang == "ja" else en
