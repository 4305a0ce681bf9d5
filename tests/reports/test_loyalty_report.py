"""Loyalty in the reports: points issued and redeemed, the unspent points' liability
in money, vouchers used, referrals and their first visit's money, game plays and the
bookings that followed a prize."""

import datetime

from booking_api.models import BookingStatus
from loyalty.models import GamePlay, Referral, Voucher
from loyalty.services import points_award, points_redeem
from reports.models import ReportSettings
from reports.periods import Period
from reports.registry import ReportQuery
from reports.sections import build_loyalty
from reports.selectors import report_settings
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.factories.games import make_game
from tests.factories.loyalty import RewardFactory
from tests.fixtures.reports import LONDON, booking, clock, local, payment, refund

S = BookingStatus
FIRST, LAST = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)


def test_loyalty_figures(clinic, other_clinic, programme, django_assert_num_queries):
    ReportSettings.objects.create(clinic=clinic, point_value=50)  # 100 points = 50p
    p, q, r1, r2, r3, w, loser = (ClientAccountFactory(clinic=clinic) for _ in range(7))
    with clock(local("2026-05-20")):
        points_award(clinic=clinic, client=p, amount=500, reason="visit")
    with clock(local("2026-06-03")):
        points_redeem(clinic=clinic, client=p, amount=200, reason="reward")
    with clock(local("2026-06-10")):
        points_award(clinic=clinic, client=p, amount=100, reason="visit")
    with clock(local("2026-06-15")):
        points_award(clinic=clinic, client=q, amount=300, reason="visit")
    # 00:30 BST on 1 July (23:30 UTC on 30 June) is July's: not in June's figures.
    with clock(local("2026-07-01", "00:30")):
        points_award(clinic=clinic, client=q, amount=1000, reason="visit")
    other = ClientAccountFactory(clinic=other_clinic)
    with clock(local("2026-06-15")):
        points_award(clinic=other_clinic, client=other, amount=999, reason="visit")

    reward = RewardFactory(clinic=clinic)

    def voucher(used_at):
        return Voucher.objects.create(
            clinic=clinic,
            client=p,
            reward=reward,
            name="£5 off",
            kind=reward.kind,
            amount_off=500,
            status="used" if used_at else "issued",
            used_at=used_at,
            expires_at=local("2026-12-31"),
        )

    voucher(local("2026-06-20"))
    voucher(local("2026-05-20"))
    voucher(None)
    service, staff = ServiceFactory(clinic=clinic), StaffFactory(clinic=clinic)
    paid = booking(clinic, p, service, staff, local("2026-06-20"))
    payment(paid, 4000, local("2026-06-20"), voucher_ref="ABC", discount=500)

    # Referrals: R1 joined in June and came in July (6000 paid, 1000 given back); R2
    # joined in June and has not come; R3 joined in May.
    for referred, joined in ((r1, "2026-06-05"), (r2, "2026-06-06"), (r3, "2026-05-06")):
        with clock(local(joined)):
            Referral.objects.create(clinic=clinic, referrer=p, referred=referred)
    first = booking(clinic, r1, service, staff, local("2026-07-02"))
    booking(clinic, r1, service, staff, local("2026-07-20"))  # second visit: not counted
    pay = payment(first, 6000, local("2026-07-02"))
    refund(pay, 1000, local("2026-07-03"))
    payment(
        booking(clinic, r1, service, staff, local("2026-07-20", "15:00")), 9000, local("2026-07-20")
    )

    # Games: W won on 5 June and booked on the 20th (counted) and on 10 July (35 days:
    # not); a prize won on 25 May brings a booking made on 2 June; "nothing" brings none.
    game = make_game(clinic)
    win = game.prizes.get(kind="points")
    nothing = game.prizes.get(kind="nothing")

    def play(client, prize, when):
        GamePlay.objects.create(
            clinic=clinic,
            game=game,
            client=client,
            prize=prize,
            prize_label=prize.label,
            prize_kind=prize.kind,
            played_at=when,
        )

    play(w, win, local("2026-06-05"))
    play(w, win, local("2026-05-25"))
    play(loser, nothing, local("2026-06-05"))
    play(loser, nothing, local("2026-06-07"))
    booking(
        clinic, w, service, staff, local("2026-07-01"), status=S.BOOKED, created=local("2026-06-20")
    )
    booking(
        clinic, w, service, staff, local("2026-07-15"), status=S.BOOKED, created=local("2026-07-10")
    )
    booking(
        clinic,
        w,
        service,
        staff,
        local("2026-07-02", "09:00"),
        status=S.BOOKED,
        created=local("2026-06-02"),
    )
    booking(
        clinic,
        loser,
        service,
        staff,
        local("2026-07-02", "16:00"),
        status=S.BOOKED,
        created=local("2026-06-06"),
    )

    query = ReportQuery(
        clinic=clinic, period=Period(FIRST, LAST, LONDON), settings=report_settings(clinic)
    )
    with django_assert_num_queries(7):
        result = build_loyalty(query)
    issued, redeemed, liability, used = result.figures
    assert (issued.current, issued.previous) == (400, 500)
    assert (redeemed.current, redeemed.previous) == (200, 0)
    # Unspent at the end of June: P 400 + Q 300 = 700 points at 50p per 100 → 350.
    assert (liability.current, liability.previous) == (350, 250)
    assert (used.current, used.previous) == (1, 1)
    activity = {r["label"]: (r["cur"], r["prev"]) for r in result.table("activity").rows}
    assert activity == {
        "Vouchers used": (1, 1),
        "Referred clients joined": (2, 1),
        "Referred clients who visited": (1, 0),
        "Game plays": (3, 1),
        "Prizes won": (1, 1),
        "Bookings after a prize": (2, 0),
    }
    money = {r["label"]: (r["cur"], r["prev"]) for r in result.table("money").rows}
    assert money == {
        "Outstanding points liability": (350, 250),
        "Voucher discounts given": (500, 0),
        "Referred clients' first-visit revenue": (5000, 0),
    }
    points = {r["label"]: (r["cur"], r["prev"]) for r in result.table("points").rows}
    assert points["Earned"] == (400, 500) and points["Redeemed"] == (-200, 0)
