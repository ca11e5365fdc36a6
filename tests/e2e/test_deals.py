"""A shared deal's life over HTTP: registration and offers to close, the card edited in place,
inline modal errors, duplicates, Best Partner Wins kept from partners, permissions, languages."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from storage.models import AuditEntry, Clock, ClockState, Deal, DealStatus, DealThread, Poi, PoiStatus
from tests.e2e.deals_support import (
    ADMIN,
    AIKO,
    DANA,
    DEAL_CHANNEL,
    HIRO,
    KEN,
    MAYA,
    NORTHWIND,
    SAKURA,
    answers,
    button,
    card,
    card_text,
    card_ts,
    click,
    deal_count,
    deal_row,
    dms,
    form,
    later,
    only_deal,
    org_id,
    outbox_count,
    partner_names,
    register,
    settle,
    shortcut,
    submit,
    wait_status,
)
from tests.e2e.support import Harness


def _scan_confidentiality(harness: Harness) -> None:
    """No payload a partner can see (the deal channel, its DMs, its ephemeral answers) names
    another partner organisation or a Best Partner Wins case."""
    names = partner_names(harness)
    with harness.services.uow() as uow:
        owner = {d.id: names.get(d.partner_org_id or -1) for d in uow.session.query(Deal).all()}
        threads = {t.card_ts: owner[t.deal_id] for t in uow.session.query(DealThread).all()
                   if t.card_ts}
    partners = {AIKO: SAKURA, DANA: NORTHWIND}
    checked = 0
    for method, args in harness.slack.iter_payloads():
        text = json.dumps(args, ensure_ascii=False)
        if method in ("chat.postMessage", "chat.update") and args.get("channel") == DEAL_CHANNEL:
            ts = args.get("thread_ts") or args.get("ts")
            number = re.search(r"#(\d+)", str(args.get("text", "")))
            own = threads.get(ts) if ts else owner.get(int(number.group(1))) if number else None
        elif method == "chat.postMessage" and str(args.get("channel", ""))[1:] in partners:
            own = partners[str(args["channel"])[1:]]
        elif method == "response_url" and str(args.get("response_url_id", ""))[:8] in partners:
            own = partners[str(args["response_url_id"])[:8]]
        else:
            continue
        checked += 1
        for name in names.values():
            assert name == own or name not in text, (method, own, text[:300])
        assert "Best Partner Wins" not in text, text[:300]
    assert checked


def test_partner_sourced_registration_to_close_won(harness: Harness, clock) -> None:
    harness.command("/deal", "register", user=AIKO)
    opened = harness.wait_for(lambda: harness.slack.calls_of("views.open"))
    view = opened[0].args["view"]
    assert view["callback_id"] == "deal_register"
    assert view["title"]["text"] == "取引登録"              # Aiko's Slack is Japanese
    region = next(b for b in view["blocks"] if b.get("block_id") == "region")
    assert region["element"]["initial_option"]["value"] == "JP"   # her organisation's region

    deal_id = register(harness, clock, AIKO, subscription_start="2026-01-05")
    deal = deal_row(harness, deal_id)
    assert (deal.status, deal.motion.value, deal.customer_domain) == (
        DealStatus.REGISTERED, "partner_sourced", "acme.co.jp")
    first = card(harness, deal_id)
    posted = harness.slack.calls_of("chat.postMessage")
    assert any(c.args.get("channel") == DEAL_CHANNEL for c in posted)
    text = card_text(first)
    assert "ステータス" in text and "登録済み(GSの承認待ち)" in text and "Partner Sourced" in text
    assert "Marketing Hub Professional" in text and "￥96,000" in text
    assert "対象" in text and "対象となる取引の条件" in text   # eligibility with its cited section
    assert "<@U0GSHIRO>" in text and SAKURA in text
    accept = button(first, "deal_accept")
    assert accept == f"{deal_id}:{deal.version}" and button(first, "deal_decline")
    [gs_dm] = harness.wait_for(lambda: dms(harness, HIRO))
    assert f"#{deal_id}" in gs_dm["text"] and SAKURA in gs_dm["text"]

    click(harness, HIRO, "deal_accept", accept, message_ts=first["ts"])
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    updates = [c.args for c in harness.slack.calls_of("chat.update")]
    assert updates and updates[-1]["ts"] == first["ts"] and updates[-1]["channel"] == DEAL_CHANNEL
    after = card(harness, deal_id)
    assert button(after, "deal_accept") is None and button(after, "deal_decline") is None
    assert "<@U0GSHIRO>が承認しました" in card_text(after) and "<!date^" in card_text(after)
    assert len([c for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == DEAL_CHANNEL]) == 1      # never posted twice
    harness.wait_for(lambda: any("承認しました" in m["text"] for m in dms(harness, AIKO)))

    later(clock, days=3)
    harness.command("/deal", f"close won {deal_id}", user=HIRO)
    [done] = answers(harness, HIRO)
    assert "成約" in done["text"]
    wait_status(harness, deal_id, DealStatus.WON)
    assert "成約" in card_text(card(harness, deal_id))
    with harness.services.uow() as uow:
        actors = {e.actor for e in uow.audit.for_entity("deals", deal_id)}
    assert {AIKO, HIRO} <= actors
    _scan_confidentiality(harness)


def test_offer_accepted_within_72_hours(harness: Harness, clock) -> None:
    harness.command("/deal", "offer", user=MAYA)
    opened = harness.wait_for(lambda: harness.slack.calls_of("views.open"))
    view = opened[0].args["view"]
    assert view["callback_id"] == "deal_offer" and view["title"]["text"] == "Offer a deal"
    partner_block = next(b for b in view["blocks"] if b.get("block_id") == "partner")
    offered = {o["text"]["text"] for o in partner_block["element"]["options"]}
    assert offered == {SAKURA, NORTHWIND}
    northwind = org_id(harness, NORTHWIND)
    answer = submit(harness, MAYA, "deal_offer", form(
        domain="https://www.Initech.com/about", company="Initech", region="US", currency="USD",
        qualified=(), partner=northwind, items=[("sales", "enterprise", "3,200.50"),
                                                ("credits", None, "100")]))
    assert answer["response_action"] == "update"
    assert "Initech" in json.dumps(answer["view"])
    deal_id = only_deal(harness, "initech.com", NORTHWIND)
    deal = deal_row(harness, deal_id)
    assert (deal.status, deal.motion.value) == (DealStatus.OFFERED, "partner_assisted")
    with harness.services.uow() as uow:
        [row] = uow.clocks.running(deal_id, "collaboration")
        assert row.due_at - row.started_at == timedelta(hours=72)
        assert row.owed_by.value == "partner"
        assert row.next_action_at == row.due_at - timedelta(hours=24)
    first = card(harness, deal_id)
    text = card_text(first)
    assert "Offered to the partner" in text and "Partner Assisted" in text
    assert "$3,200.50" in text and "72 hours" in text
    assert "Accept the shared deal (72 hours) (partner): due <!date^" in text
    value = button(first, "offer_accept")
    assert value and button(first, "offer_decline") and button(first, "deal_accept") is None
    [offer_dm] = harness.wait_for(lambda: dms(harness, DANA))
    assert f"#{deal_id}" in offer_dm["text"] and "72" in offer_dm["text"]
    assert "EST" in offer_dm["text"]                  # Dana's own zone (New York)

    later(clock, hours=10)
    click(harness, DANA, "offer_accept", value, message_ts=first["ts"])
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    after = card(harness, deal_id)
    assert after["ts"] == first["ts"]
    assert button(after, "offer_accept") is None
    assert "Accepted by <@U0DANA01>" in card_text(after)
    with harness.services.uow() as uow:
        clocks = uow.session.query(Clock).filter(Clock.deal_id == deal_id).all()
        assert [(c.kind, c.state) for c in clocks] == [("collaboration", ClockState.MET)]
    harness.wait_for(lambda: any("accepted" in m["text"] for m in dms(harness, MAYA)))

    later(clock, days=2)
    harness.command("/deal", f"close lost #{deal_id}", user=MAYA)
    [done] = answers(harness, MAYA)
    assert "Closed lost" in done["text"]
    wait_status(harness, deal_id, DealStatus.LOST)
    _scan_confidentiality(harness)


def test_decline_paths_and_a_lapsed_offer(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, DANA, domain="globex.com", company="Globex",
                       region="US", currency="USD", items=[("service", "professional", "800")])
    first = card(harness, deal_id)
    assert "Registered: waiting for the Growth Specialist" in card_text(first)
    click(harness, MAYA, "deal_decline", str(button(first, "deal_decline")),
          message_ts=first["ts"])
    wait_status(harness, deal_id, DealStatus.DECLINED)
    assert "Declined by <@U0GSMAYA>" in card_text(card(harness, deal_id))
    harness.wait_for(lambda: any("declined your registration" in m["text"]
                                 for m in dms(harness, DANA)))

    sakura = org_id(harness, SAKURA)
    for domain in ("umbrella.co.jp", "hooli.co.jp"):
        answer = submit(harness, HIRO, "deal_offer", form(domain=domain, company=domain,
                                                          qualified=(), partner=sakura))
        assert answer["response_action"] == "update"
    declined = only_deal(harness, "umbrella.co.jp", SAKURA)
    lapsed = only_deal(harness, "hooli.co.jp", SAKURA)
    settle(harness)
    later(clock, hours=1)
    click(harness, AIKO, "offer_decline", str(button(card(harness, declined), "offer_decline")))
    wait_status(harness, declined, DealStatus.DECLINED)
    assert "<@U0AIKO01>が見送りました" in card_text(card(harness, declined))
    with harness.services.uow() as uow:
        [row] = uow.session.query(Clock).filter(Clock.deal_id == declined).all()
        assert row.state is ClockState.CANCELLED

    later(clock, hours=72)              # 73 hours after the offer: too late to accept
    value = str(button(card(harness, lapsed), "offer_accept"))
    response = click(harness, AIKO, "offer_accept", value)
    [refusal] = harness.wait_for(lambda: [r for r in harness.responses()
                                          if r["response_url_id"] == response])
    assert "回答期限" in refusal["text"]
    assert deal_row(harness, lapsed).status is DealStatus.OFFERED   # the sweep lapses it
    _scan_confidentiality(harness)


def test_bad_modal_fields_get_inline_errors_in_the_users_language(harness: Harness) -> None:
    bad = form(domain="not a domain", company="", currency="yen", qualified=("need",),
               expected_close="2025-01-01",
               items=[("marketing", None, "abc"), ("credits", "starter", "-5"),
                      (None, None, "10")])
    answer = submit(harness, AIKO, "deal_register", bad)
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {"domain", "company", "currency", "qualified", "expected_close",
                           "item1_edition", "item1_mrr", "item2_edition", "item2_mrr",
                           "item3_line"}
    assert "ドメインではありません" in errors["domain"]
    assert "エディション" in errors["item1_edition"]
    english = submit(harness, DANA, "deal_register", form(
        domain="globex.com", region="US", currency="JPY", items=[("sales", "starter", "10.5")]))
    assert english["errors"] == {
        "item1_mrr": "JPY amounts have at most 0 decimal places."}
    nothing = submit(harness, DANA, "deal_register", form(items=[], region="US", currency="USD"))
    assert "Add at least one product" in nothing["errors"]["item1_line"]
    assert deal_count(harness) == 0 and outbox_count(harness) == 0   # nothing written


def test_duplicate_registration_is_an_error_on_the_domain(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, AIKO)
    again = submit(harness, AIKO, "deal_register", form(domain="https://www.ACME.co.jp/"))
    assert again["response_action"] == "errors"
    assert f"#{deal_id}" in again["errors"]["domain"] and "acme.co.jp" in again["errors"]["domain"]
    assert deal_count(harness) == 1


def test_a_second_partner_on_the_customer_is_told_to_staff_only(harness: Harness, clock
                                                                 ) -> None:
    sakura_deal = register(harness, clock, AIKO, domain="globex.com")
    answer = submit(harness, DANA, "deal_register", form(domain="www.globex.com", region="US",
                                                         currency="USD"))
    assert answer["response_action"] == "update"
    assert SAKURA not in json.dumps(answer, ensure_ascii=False)
    northwind_deal = only_deal(harness, "globex.com", NORTHWIND)
    card_ts(harness, northwind_deal)
    settle(harness)
    for staff in (HIRO, MAYA, KEN):
        harness.wait_for(lambda staff=staff: any(
            "Best Partner Wins" in m["text"] for m in dms(harness, staff)))
    [ken] = [m for m in dms(harness, KEN) if "Best Partner Wins" in m["text"]]
    assert SAKURA in ken["text"] and NORTHWIND in ken["text"]
    assert not any("Best Partner Wins" in m["text"] for m in dms(harness, AIKO) + dms(harness, DANA))
    assert deal_row(harness, sakura_deal).bpw_case_id == deal_row(harness, northwind_deal).bpw_case_id

    harness.command("/deal", f"status {northwind_deal}", user=DANA)
    [mine] = answers(harness, DANA)
    assert "globex.com" in mine["text"] and SAKURA not in json.dumps(mine)
    harness.command("/deal", f"status {northwind_deal}", user=MAYA)
    [staff_view] = answers(harness, MAYA)
    assert SAKURA in json.dumps(staff_view) and "Best Partner Wins" in json.dumps(staff_view)
    _scan_confidentiality(harness)


def test_permissions(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, AIKO)
    value = str(button(card(harness, deal_id), "deal_accept"))
    for user in (AIKO, DANA, KEN):       # partners and PDMs do not accept registrations
        click(harness, user, "deal_accept", value)
    for user, words in ((AIKO, "グローススペシャリスト(GS)または管理者"),
                        (DANA, "Only Growth Specialists or admins"),
                        (KEN, "Only Growth Specialists or admins")):
        [refusal] = answers(harness, user)
        assert words in refusal["text"], refusal["text"]
    harness.command("/deal", f"close won {deal_id}", user=AIKO)
    harness.command("/deal", f"remove {deal_id} because", user=AIKO)
    harness.command("/deal", f"status {deal_id}", user=DANA)
    aiko = answers(harness, AIKO, 3)
    assert all("のみ実行できます" in a["text"] for a in aiko[1:])
    dana = answers(harness, DANA, 2)
    assert dana[1]["text"] == (f"None of your organisation's deals is #{deal_id}. Check the "
                               "number, or ask in your deal's thread.")  # as a missing one
    harness.command("/deal", "register", user=MAYA)          # GSs offer, partners register
    maya = answers(harness, MAYA)
    assert "Only partners can do that." in maya[0]["text"]
    harness.command("/deal", "offer", user=DANA)
    assert "Only Growth Specialists or admins" in answers(harness, DANA, 3)[2]["text"]
    harness.command("/deal", f"poi {deal_id} signed", user=DANA)
    assert "None of your organisation's deals" in answers(harness, DANA, 4)[3]["text"]
    assert deal_row(harness, deal_id).status is DealStatus.REGISTERED

    sakura = org_id(harness, SAKURA)
    submit(harness, ADMIN, "deal_offer", form(domain="wayne.co.jp", qualified=(), partner=sakura))
    offer = only_deal(harness, "wayne.co.jp", SAKURA)
    click(harness, DANA, "offer_accept", str(button(card(harness, offer), "offer_accept")))
    assert "None of your organisation's deals" in answers(harness, DANA, 5)[4]["text"]
    assert deal_row(harness, offer).status is DealStatus.OFFERED
    _scan_confidentiality(harness)


def test_a_stale_card_changes_nothing(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, DANA, domain="globex.com", region="US", currency="USD")
    stale = str(button(card(harness, deal_id), "deal_decline"))
    click(harness, MAYA, "deal_accept", stale)
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    later(clock, minutes=1)
    click(harness, ADMIN, "deal_decline", stale)
    [refusal] = answers(harness, ADMIN)
    assert "changed while you were looking" in refusal["text"]
    assert deal_row(harness, deal_id).status is DealStatus.ACCEPTED


def test_remove_a_partner_tells_it_the_reason(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, DANA, domain="globex.com", region="US", currency="USD")
    harness.command("/deal", f"remove {deal_id}", user=MAYA)
    [usage] = answers(harness, MAYA)
    assert "Usage: `/deal remove" in usage["text"]
    harness.command("/deal", f"remove {deal_id} No BANT update after two reminders", user=MAYA)
    done = answers(harness, MAYA, 2)[1]
    assert "No BANT update after two reminders" in done["text"]
    wait_status(harness, deal_id, DealStatus.REMOVED)
    [told] = [m for m in dms(harness, DANA) if "removed" in m["text"]]
    assert "No BANT update after two reminders" in told["text"] and "<@U0GSMAYA>" in told["text"]
    assert "Partner removed" in card_text(card(harness, deal_id))
    harness.command("/deal", f"close won {deal_id}", user=MAYA)
    assert "no longer open" in answers(harness, MAYA, 3)[2]["text"]


def test_poi_and_status_in_a_deal_thread(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, AIKO)
    ts = card_ts(harness, deal_id)
    harness.command("/deal", "poi signed 2025-11-20 onboarding", user=AIKO, thread_ts=ts)
    [done] = answers(harness, AIKO)
    assert f"#{deal_id}" in done["text"] and "2025-11-20" in done["text"]
    settle(harness)
    with harness.services.uow() as uow:
        [poi] = uow.session.query(Poi).filter(Poi.deal_id == deal_id).all()
        assert (poi.status, poi.names_partner_onboarding) == (PoiStatus.SIGNED, True)
    harness.wait_for(lambda: "2025年11月20日" in card_text(card(harness, deal_id)))
    assert "導入支援の担当" in card_text(card(harness, deal_id))

    harness.command("/deal", "status", user=AIKO, thread_ts=ts)
    summary = answers(harness, AIKO, 2)[1]
    assert "acme.co.jp" in summary["text"]
    blocks = json.dumps(summary["blocks"], ensure_ascii=False)
    assert "deal_accept" not in blocks and "JST" in blocks       # her zone, no buttons
    harness.command("/deal", "status", user=DANA)
    hint = answers(harness, DANA)[0]
    assert "Which deal?" in hint["text"] and "Usage:" in hint["text"]
    harness.command("/deal", "poi maybe", user=AIKO)
    assert "使い方" in answers(harness, AIKO, 3)[2]["text"]
    harness.command("/deal", "close someday 3", user=MAYA)
    assert "won or lost" in answers(harness, MAYA)[0]["text"]
    harness.command("/deal", "status 999", user=MAYA)
    assert "There is no deal #999" in answers(harness, MAYA, 2)[1]["text"]


def test_message_shortcut_prefills_the_domain(harness: Harness) -> None:
    shortcut(harness, DANA, "Met the CTO of Initech today, contact: bill@initech.com. Need: CRM")
    opened = harness.wait_for(lambda: harness.slack.calls_of("views.open"))
    view = opened[0].args["view"]
    assert view["callback_id"] == "deal_register" and view["title"]["text"] == "Register a deal"
    domain = next(b for b in view["blocks"] if b.get("block_id") == "domain")
    assert domain["element"]["initial_value"] == "initech.com"
    region = next(b for b in view["blocks"] if b.get("block_id") == "region")
    assert region["element"]["initial_option"]["value"] == "US"
    currency = next(b for b in view["blocks"] if b.get("block_id") == "currency")
    assert currency["element"]["initial_value"] == "USD"


def test_audit_records_the_deciders(harness: Harness, clock) -> None:
    deal_id = register(harness, clock, AIKO)
    click(harness, ADMIN, "deal_accept", str(button(card(harness, deal_id), "deal_accept")))
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    with harness.services.uow() as uow:
        entries = uow.session.query(AuditEntry).filter(
            AuditEntry.entity == "deals", AuditEntry.entity_id == str(deal_id),
            AuditEntry.action == "update").all()
        assert any(e.actor == ADMIN and e.changes.get("status") == ["registered", "accepted"]
                   for e in entries)
    assert "<@U0ADMIN1>" in card_text(card(harness, deal_id))


def test_bant_clocks_and_poi_rows_of_other_features_show_after_refresh_card(
        harness: Harness, clock) -> None:
    from bot.usecases.cards import refresh_card
    from storage.models import BantUpdate, Party

    deal_id = register(harness, clock, DANA, domain="globex.com", region="US", currency="USD")
    now = clock.now
    with harness.services.uow(actor="e2e") as uow:
        uow.session.add(BantUpdate(deal_id=deal_id, budget="$2k a month", authority="CFO",
                                   need="CRM <migration>", timing="Q1", next_step="Demo",
                                   created_at=now))
        uow.clocks.add(Clock(deal_id=deal_id, kind="response", owed_by=Party.PARTNER,
                             started_at=now, due_at=now + timedelta(hours=48),
                             basis="business_day", state=ClockState.RUNNING,
                             next_action_at=now + timedelta(hours=24)))
        uow.session.add(Poi(deal_id=deal_id, status=PoiStatus.SENT, recorded_at=now))
        refresh_card(uow, deal_id)
        uow.commit()
    harness.services.wake()
    harness.wait_for(lambda: "CFO" in card_text(card(harness, deal_id)))
    text = card_text(card(harness, deal_id))
    assert "Reply (partner): due <!date^" in text
    assert "CRM &lt;migration&gt;" in text and "Next step: Demo" in text
    assert "Confirmation link sent to the customer" in text
