"""Demo lottery: 区民討議会 with a synthetic register of 20,000, 1,500 invitations, 120 replies and a
panel of 40 drawn within quotas, linked to the demo café. Bulk inserts keep the load quick."""

import csv
import io
import random

from sqlalchemy import insert, select, update

from civic.extensions import db
from civic.sortition import services
from civic.sortition.models import Invitation, RegisterEntry, Reply

GENDERS = ("女性", "男性")
DATES = ("2027年2月6日（土）13時30分〜17時 区役所 大会議室",
         "2027年2月20日（土）13時30分〜17時 区役所 大会議室")


def synthetic_register(count: int, areas: list[str], year: int, seed: int = 16) -> str:
    """A register extract as CSV (UTF-8): households of one to four, ages 16 to 94."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311 - synthetic demo data, repeatable on purpose
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "birth_year", "gender", "area", "household"])
    person = household = 0
    while person < count:
        household += 1
        area = rng.choice(areas)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), count - person)):
            person += 1
            writer.writerow([f"R{person:06d}", year - rng.randint(16, 94), rng.choice(GENDERS),
                             area, f"H{household:06d}"])
    return out.getvalue()


def load(staff, areas: list[str], cafe=None, today=None, register: int = 20_000,
         invitations: int = 1_500, replies: int = 120, panel: int = 40):
    """Create the demo lottery up to a drawn panel; returns it."""
    from civic.timeutil import ward_today

    today = today or ward_today()
    lottery = services.create_lottery({
        "title": "さくら区 区民討議会 2027「川沿いのまちの10年後」",
        "purpose": "無作為に選ばれた区民の皆さんに、川沿いのまちづくりについて話し合っていただきます。",
        "event_dates": "\n".join(DATES), "letter_text": "",
        "panel_size": panel, "retention_on": None, "area": None,
        "cafe": cafe.id if cafe else None,
        "extra_features": [{"name": "参加経験", "values": ["初めて", "参加したことがある"]}],
    }, staff)
    services.import_register(lottery, synthetic_register(register, areas, today.year).encode(),
                             staff)
    services.draw_invitations(lottery, invitations, True, staff, seed="sakura-2027")
    rng = random.Random(120)  # noqa: S311  # nosec B311 - synthetic demo data, repeatable on purpose
    invited = db.session.execute(
        select(Invitation.id, RegisterEntry.age_band, RegisterEntry.gender, RegisterEntry.area)
        .join(RegisterEntry, Invitation.register_entry_id == RegisterEntry.id)
        .where(Invitation.lottery_id == lottery.id).order_by(Invitation.number)).all()
    answered = rng.sample(invited, replies)
    rows = []
    for index, row in enumerate(answered):
        rows.append({
            "lottery_id": lottery.id, "invitation_id": row.id, "pseudonym": f"P{index + 1:04d}",
            "accepted": True, "available_dates": list(DATES[:rng.choice((1, 2))]),
            "name": f"区民{index + 1}", "contact": f"panel{index + 1}@example.jp",
            "age_band": row.age_band, "gender": row.gender, "area": row.area,
            "extra": {"参加経験": rng.choice(("初めて", "初めて", "参加したことがある"))},
            "needs": ["childcare"] if index % 17 == 0 else [], "consent": True})
    db.session.execute(insert(Reply), rows)
    db.session.execute(update(Invitation).where(Invitation.id.in_([row.id for row in answered]))
                       .values(replied_at=lottery.created_at))
    db.session.commit()
    services.save_quotas(lottery, _demo_quotas(lottery), staff)
    services.commit(lottery, "maximin", staff)
    services.run_draw(lottery, "3141", staff)
    return lottery


def _demo_quotas(lottery):
    """The register's proportions, widened where 120 replies leave too few of a value."""
    quotas = []
    pool = [reply.values(lottery) for reply in services.pool_replies(lottery)]
    for quota in services.suggested_quotas(lottery):
        have = sum(1 for person in pool if person[quota.feature] == quota.value)
        low = min(quota.min, have)
        quotas.append(type(quota)(quota.feature, quota.value, max(0, low - 1),
                                  max(quota.max + 1, low)))
    return quotas
