"""Out of office and extensions over HTTP: an absence registered in advance pauses the clock, a
late one changes nothing and the GS is told; a partner asks for more time and the GS approves or
declines it (a partner cannot approve); a GS grants at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from rules.vocabulary import Role
from storage.models import Absence, ClockState, Extension, Party, Person, RequestStatus
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.followup_support import (
    SAKURA,
    block_action,
    clocks,
    dms,
    make_deal,
    moment,
    opened_view,
    query,
    text,
    thread_event,
    thread_messages,
    view_submission,
)
from tests.e2e.support import Harness

DUE = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)  # Wed 26 Nov 16:00 JST


def _start(harness: Harness) -> tuple[int, str]:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event("U0GSHIRO", thread))
    harness.wait_for(lambda: any(c.owed_by is Party.PARTNER for c in clocks(harness, deal_id)))
    return deal_id, thread


def _due(harness: Harness, deal_id: int) -> datetime:
    return next(c.due_at for c in clocks(harness, deal_id) if c.owed_by is Party.PARTNER)


def _buttons(message: dict[str, object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in message.get("blocks") or []:  # type: ignore[attr-defined]
        for element in block.get("elements") or []:
            if element.get("action_id"):
                found[element["action_id"]] = element.get("value", "")
    return found


def _ooo(harness: Harness, user: str, start: datetime, end: datetime, *,
         delegate: str | None = None) -> dict[str, object]:
    harness.command("/deal", "ooo", user=user)
    view = opened_view(harness, "followup_ooo")
    values = {"ooo_start": moment(start), "ooo_end": moment(end),
              "ooo_delegate": {"type": "users_select", "selected_user": delegate}}
    reply = harness.interaction(view_submission(user, "followup_ooo", values,
                                                private_metadata=view["private_metadata"]))
    assert reply.status == 200
    return view


def test_ooo_registered_in_advance_pauses_the_clock(harness: Harness) -> None:
    deal_id, thread = _start(harness)
    # away Tue 25 Nov 09:00 JST to Wed 26 Nov 09:00 JST, registered on Fri 21 Nov
    start = datetime(2025, 11, 25, 0, 0, tzinfo=UTC)
    end = datetime(2025, 11, 26, 0, 0, tzinfo=UTC)
    view = _ooo(harness, "U0AIKO01", start, end)
    assert view["title"]["text"] == "不在"  # type: ignore[index]
    later = datetime(2025, 11, 27, 7, 0, tzinfo=UTC)  # Thu 27 Nov 16:00 JST: 24 hours later
    harness.wait_for(lambda: _due(harness, deal_id) == later)
    row = next(c for c in clocks(harness, deal_id) if c.owed_by is Party.PARTNER)
    assert row.state is ClockState.RUNNING
    # replanned: the first reminder falls inside the new window (its exact instant is the rules'
    # `when_left`, see tests/unit/test_followup_clock_store.py)
    assert row.next_action_at is not None and DUE - (later - DUE) < row.next_action_at < later
    [absence] = query(harness, lambda uow: list(uow.session.scalars(select(Absence))))
    assert absence.starts_at == start and absence.registered_at < start
    moved = harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                                      if f"<!date^{int(later.timestamp())}^" in m["text"]])
    assert "不在" in moved[0]["text"]
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "不在を登録しました" in answer["text"]


def test_ooo_with_a_delegate_pauses_nothing(harness: Harness) -> None:
    deal_id, _ = _start(harness)
    with harness.services.uow() as uow:  # a colleague at Sakura to stand in
        org = uow.directory.partner("Sakura Digital KK")
        assert org is not None
        uow.session.add(Person(slack_team_id="T0COSELL", slack_user_id="U0KENJI1",
                               name="Kenji Mori", role=Role.PARTNER, partner_org_id=org.id,
                               locale="ja", timezone="Asia/Tokyo"))
        uow.commit()
    _ooo(harness, "U0AIKO01", datetime(2025, 11, 25, 0, 0, tzinfo=UTC),
         datetime(2025, 11, 26, 0, 0, tzinfo=UTC), delegate="U0KENJI1")
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "Kenji Mori" in answer["text"]
    assert _due(harness, deal_id) == DUE


def test_late_ooo_changes_nothing_and_tells_the_gs_who_can_extend(
        harness: Harness, clock: FakeClock) -> None:
    deal_id, thread = _start(harness)
    clock.now = datetime(2025, 11, 24, 1, 0, tzinfo=UTC)  # Mon 24 Nov 10:00 JST
    _ooo(harness, "U0AIKO01", datetime(2025, 11, 23, 15, 0, tzinfo=UTC),  # began Mon 00:00 JST
         datetime(2025, 11, 25, 9, 0, tzinfo=UTC))
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "延長" in answer["text"] and "/deal extend" in answer["text"]
    [told] = harness.wait_for(lambda: dms(harness, "U0GSHIRO"))
    assert "Aiko Tanaka" in told["text"]
    assert _buttons(told) == {"extension_open": str(deal_id)}
    assert _due(harness, deal_id) == DUE
    # the GS opens the extension modal from the DM and grants 8 business hours
    harness.interaction(block_action(harness, "U0GSHIRO", "extension_open", str(deal_id),
                                     channel="DU0GSHIRO"))
    view = opened_view(harness, "followup_extension")
    assert view["submit"]["text"] == "延長する"  # type: ignore[index]
    harness.interaction(view_submission(
        "U0GSHIRO", "followup_extension",
        {"ext_hours": {"type": "number_input", "value": "8"},
         "ext_until": {"type": "datetimepicker", "selected_date_time": int(DUE.timestamp())},
         "ext_reason": text("体調不良のため")},
        private_metadata=view["private_metadata"]))
    harness.wait_for(lambda: _due(harness, deal_id) == datetime(2025, 11, 26, 15, 0, tzinfo=UTC))
    harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                              if "体調不良のため" in m["text"]])


def test_partner_asks_for_more_time_and_the_gs_approves(harness: Harness) -> None:
    deal_id, thread = _start(harness)
    harness.command("/deal", "extend 24h 顧客の決裁者が出張中のため", user="U0AIKO01",
                    thread_ts=thread)
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "依頼" in answer["text"] and "Hiroshi Sato" in answer["text"]
    [request] = harness.wait_for(lambda: dms(harness, "U0GSHIRO"))
    ext_id = _buttons(request)["extension_approve"]
    assert _buttons(request)["extension_decline"] == ext_id
    assert "顧客の決裁者が出張中のため" in request["text"]
    # a partner cannot approve, even with the button's payload
    harness.interaction(block_action(harness, "U0AIKO01", "extension_approve", ext_id))
    refused = harness.wait_for(lambda: harness.responses("U0AIKO01")[1:])
    assert "のみ実行できます" in refused[0]["text"]
    assert query(harness, lambda uow: uow.session.get(Extension, int(ext_id)).status
                 ) is RequestStatus.REQUESTED
    # the GS approves: 24 more business hours, from Wed 16:00 to Thu 16:00 JST
    harness.interaction(block_action(harness, "U0GSHIRO", "extension_approve", ext_id,
                                     channel="DU0GSHIRO"))
    new_due = datetime(2025, 11, 27, 7, 0, tzinfo=UTC)
    harness.wait_for(lambda: _due(harness, deal_id) == new_due)
    ext = query(harness, lambda uow: uow.session.get(Extension, int(ext_id)))
    assert ext.status is RequestStatus.APPROVED and ext.decided_at is not None
    said = harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                                     if f"<!date^{int(new_due.timestamp())}^" in m["text"]])
    assert "Hiroshi Sato" in said[0]["text"] and "出張中" in said[0]["text"]
    [decided] = harness.wait_for(lambda: harness.responses("U0GSHIRO"))
    assert decided["replace_original"] is True
    harness.wait_for(lambda: len(dms(harness, "U0AIKO01")) == 1)  # the partner hears of it
    # a second click changes nothing
    harness.interaction(block_action(harness, "U0GSHIRO", "extension_approve", ext_id,
                                     channel="DU0GSHIRO"))
    again = harness.wait_for(lambda: harness.responses("U0GSHIRO")[1:])
    assert "すでに承認" in again[0]["text"]
    assert _due(harness, deal_id) == new_due


def test_gs_declines_an_extension(harness: Harness) -> None:
    deal_id, _ = _start(harness)
    harness.command("/deal", f"extend #{deal_id} 2025-11-28 18:00 法務確認待ちのため",
                    user="U0AIKO01")
    [request] = harness.wait_for(lambda: dms(harness, "U0GSHIRO"))
    ext_id = _buttons(request)["extension_decline"]
    ext = query(harness, lambda uow: uow.session.get(Extension, int(ext_id)))
    assert ext.new_due == datetime(2025, 11, 28, 9, 0, tzinfo=UTC) and ext.extra_seconds is None
    harness.interaction(block_action(harness, "U0GSHIRO", "extension_decline", ext_id,
                                     channel="DU0GSHIRO"))
    harness.wait_for(lambda: query(harness, lambda uow: uow.session.get(
        Extension, int(ext_id)).status) is RequestStatus.DECLINED)
    [told] = harness.wait_for(lambda: dms(harness, "U0AIKO01"))
    assert "却下" in told["text"]
    assert _due(harness, deal_id) == DUE


def test_gs_grants_an_extension_at_once(harness: Harness) -> None:
    deal_id, thread = _start(harness)
    harness.command("/deal", f"extend #{deal_id} 2025-11-28 18:00 年末の稟議のため",
                    user="U0GSHIRO")
    new_due = datetime(2025, 11, 28, 9, 0, tzinfo=UTC)  # 18:00 in the GS's zone (Tokyo)
    harness.wait_for(lambda: _due(harness, deal_id) == new_due)
    [answer] = harness.wait_for(lambda: harness.responses("U0GSHIRO"))
    assert "延長しました" in answer["text"]
    [ext] = query(harness, lambda uow: list(uow.session.scalars(select(Extension))))
    assert ext.status is RequestStatus.APPROVED and ext.requested_by_id == ext.decided_by_id
    harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                              if "年末の稟議のため" in m["text"]])
    assert dms(harness, "U0GSHIRO") == []


def test_extension_needs_a_running_clock_and_the_right_deal(harness: Harness) -> None:
    deal_id, _ = make_deal(harness, SAKURA)
    harness.command("/deal", "extend 24h 出張中", user="U0AIKO01")
    [answer] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "延長できません" in answer["text"]
    harness.command("/deal", f"extend #{deal_id} 24h travelling", user="U0DANA01")
    [refused] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert refused["text"] == (f"None of your organisation's deals is #{deal_id}. Check the "
                               "number, or ask in your deal's thread.")
    harness.command("/deal", f"extend #{deal_id} 24h travelling", user="U0PDMKEN")
    [pdm] = harness.wait_for(lambda: harness.responses("U0PDMKEN"))
    assert "partners" in pdm["text"] and "Only" in pdm["text"]
    assert query(harness, lambda uow: list(uow.session.scalars(select(Extension)))) == []
