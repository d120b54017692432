"""Lotteries (無作為抽出) in the app: importing the register, drawing invitations, replies, quotas,
the committed and seeded panel draw, replacements, inviting the panel, and the retention deletion.

The choices themselves are made by the pure core :mod:`civic.sortition.selection`; the panel is
drawn from the very CSV texts that are published, with the same functions the command line
(``flask --app civic sortition select``) runs, so anyone re-running it gets the same panel.
"""

import csv
import hashlib
import hmac
import io
import secrets
from collections import Counter
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from civic import mail
from civic.audit import services as audit
from civic.extensions import db
from civic.sortition import selection
from civic.sortition.models import (
    BASE_FEATURES,
    Invitation,
    Lottery,
    LotteryDraw,
    LotteryQuota,
    LotteryReplacement,
    RegisterEntry,
    Reply,
)
from civic.timeutil import utcnow, ward_today

REGISTER_COLUMNS = ("id", "birth_year", "age_band", "gender", "area", "household")
AGE_BANDS = ("10代", "20代", "30代", "40代", "50代", "60代", "70代以上")
RETENTION_DAYS = 90
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12
PURGE_JOB = "sortition.purge"


class SortitionError(Exception):
    """A translated message for the person who asked; nothing was saved."""


def age_band(birth_year: int, year: int) -> str:
    age = year - birth_year
    if age >= 70:
        return AGE_BANDS[-1]
    return AGE_BANDS[max(1, age // 10) - 1]


# The register extract ----------------------------------------------------------------------------

def decode_register(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SortitionError(_("The file is neither UTF-8 nor Shift_JIS (CP932) text."))


def parse_register(text: str, year: int) -> list[dict]:
    """Rows for RegisterEntry from the CSV text; SortitionError names what is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = [(name or "").strip() for name in (reader.fieldnames or [])]
    except csv.Error:
        raise SortitionError(_("The file is not a readable CSV file.")) from None
    if not columns:
        raise SortitionError(_("The file is empty."))
    unknown = [name for name in columns if name not in REGISTER_COLUMNS]
    if unknown:
        raise SortitionError(_(
            "Only the columns %(allowed)s may be imported (data minimisation). Remove these "
            "columns and import again: %(columns)s",
            allowed=", ".join(REGISTER_COLUMNS), columns=", ".join(unknown)))
    missing = [name for name in ("id", "gender", "area", "household") if name not in columns]
    if "birth_year" not in columns and "age_band" not in columns:
        missing.append("birth_year / age_band")
    if missing:
        raise SortitionError(_("The file has no column %(columns)s.", columns=", ".join(missing)))
    rows, seen = [], set()
    try:
        for line, raw in enumerate(reader, start=2):
            row = {(key or "").strip(): (value or "").strip() for key, value in raw.items()
                   if key is not None}
            if None in raw:
                raise SortitionError(_("Line %(line)d has more values than columns.", line=line))
            if not any(row.values()):
                continue
            empty = [name for name in ("id", "gender", "area", "household") if not row.get(name)]
            if empty:
                raise SortitionError(_("Line %(line)d: no value for %(columns)s.", line=line,
                                       columns=", ".join(empty)))
            birth = None
            if row.get("birth_year"):
                if not row["birth_year"].isdigit() or not 1900 <= int(row["birth_year"]) <= year:
                    raise SortitionError(_("Line %(line)d: the birth year %(value)s is not a "
                                           "year.", line=line, value=row["birth_year"]))
                birth = int(row["birth_year"])
            band = row.get("age_band") or (age_band(birth, year) if birth else "")
            if not band:
                raise SortitionError(_("Line %(line)d: no birth year or age band.", line=line))
            if row["id"] in seen:
                raise SortitionError(_("Line %(line)d: the id %(id)s appears twice.", line=line,
                                       id=row["id"]))
            seen.add(row["id"])
            values = {"id": row["id"], "household": row["household"], "area": row["area"],
                      "gender": row["gender"], "age_band": band}
            too_long = [name for name, limit in (("id", 40), ("household", 40), ("area", 60),
                                                 ("gender", 20), ("age_band", 20))
                        if len(values[name]) > limit]
            if too_long:
                raise SortitionError(_("Line %(line)d: %(columns)s is too long.", line=line,
                                       columns=", ".join(too_long)))
            rows.append({"resident_id": row["id"], "birth_year": birth, "age_band": band,
                         "gender": row["gender"], "area": row["area"],
                         "household": row["household"]})
    except csv.Error as error:
        raise SortitionError(_("The file is not a readable CSV file: %(problem)s",
                               problem=str(error))) from None
    if not rows:
        raise SortitionError(_("The file has no residents."))
    return rows


def import_register(lottery: Lottery, data: bytes, user) -> int:
    """Replace the lottery's register with the file's rows, all or nothing."""
    if lottery.state != "draft" or has_invitations(lottery):
        raise SortitionError(_("Invitations have been drawn: the register can no longer change."))
    rows = parse_register(decode_register(data), ward_today().year)
    db.session.execute(delete(RegisterEntry).where(RegisterEntry.lottery_id == lottery.id))
    db.session.execute(insert(RegisterEntry), [{"lottery_id": lottery.id, **row} for row in rows])
    lottery.register_sha256 = hashlib.sha256(data).hexdigest()
    lottery.register_count = len(rows)
    audit.record(user, "lottery.register_imported", lottery, rows=len(rows),
                 sha256=lottery.register_sha256)
    db.session.commit()
    return len(rows)


def register_counts(lottery: Lottery) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for feature in BASE_FEATURES:
        column = getattr(RegisterEntry, feature)
        counts[feature] = dict(db.session.execute(
            select(column, func.count()).where(RegisterEntry.lottery_id == lottery.id)
            .group_by(column).order_by(column)).all())
    return counts


# Invitations -------------------------------------------------------------------------------------

def has_invitations(lottery: Lottery) -> bool:
    return db.session.scalar(select(func.count()).select_from(Invitation)
                             .where(Invitation.lottery_id == lottery.id)) > 0


def reply_code(lottery: Lottery, number: int) -> str:
    """The letter's one-time code: an HMAC under the app's secret key, so the database alone
    (which keeps only its hash) cannot produce it."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"lottery:{lottery.letter_key}:{number}".encode(), "sha256").digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def normalise_code(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def draw_invitations(lottery: Lottery, count: int, stratified: bool, user,
                     seed: str | None = None) -> int:
    if has_invitations(lottery):
        raise SortitionError(_("Invitations have already been drawn for this lottery."))
    entries = db.session.execute(
        select(RegisterEntry.id, RegisterEntry.resident_id, RegisterEntry.household,
               RegisterEntry.area, RegisterEntry.age_band)
        .where(RegisterEntry.lottery_id == lottery.id)).all()
    if not entries:
        raise SortitionError(_("Import the register first."))
    strata = ("area", "age_band") if stratified else ()
    register = [selection.Resident(row.resident_id, row.household,
                                   {"area": row.area, "age_band": row.age_band})
                for row in entries]
    seed = seed or secrets.token_hex(16)
    try:
        chosen = selection.draw_invitations(register, count, seed, strata)
    except ValueError:
        households = len({row.household for row in entries})
        raise SortitionError(_("%(count)d invitations asked for, but the register has only "
                               "%(households)d households.", count=count,
                               households=households)) from None
    ids = {row.resident_id: row.id for row in entries}
    db.session.execute(insert(Invitation), [
        {"lottery_id": lottery.id, "number": number, "register_entry_id": ids[resident],
         "code_hash": code_hash(reply_code(lottery, number))}
        for number, resident in enumerate(chosen, start=1)])
    lottery.invitation_seed = seed
    lottery.invitation_strata = ",".join(strata)
    lottery.state = "replies"
    audit.record(user, "lottery.invitations_drawn", lottery, count=len(chosen),
                 strata=list(strata), seed=seed)
    db.session.commit()
    return len(chosen)


def letters(lottery: Lottery, start: int = 1, limit: int = 200) -> list[dict]:
    """What each printed letter needs: number, code and the address of the reply form."""
    rows = db.session.scalars(select(Invitation).where(
        Invitation.lottery_id == lottery.id, Invitation.number >= start)
        .order_by(Invitation.number).limit(limit)).all()
    out = []
    for invitation in rows:
        code = reply_code(lottery, invitation.number)
        out.append({"number": invitation.number,
                    "resident": invitation.entry.resident_id if invitation.entry else "",
                    "code": format_code(code),
                    "url": url_for("lotteries.reply", code=code, _external=True)})
    return out


def invitation_by_code(code: str) -> Invitation | None:
    if len(normalise_code(code)) != CODE_LENGTH:
        return None
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.code_hash == code_hash(code)))
    if invitation is None:
        return None
    lottery = db.session.get(Lottery, invitation.lottery_id)
    if lottery.personal_data_deleted_at is not None:
        return None
    return invitation


# Replies -----------------------------------------------------------------------------------------

def reply_choices(lottery: Lottery) -> dict[str, list[str]]:
    """The values a reply may report for each feature: the register's, and the staff's extras."""
    counts = register_counts(lottery)
    choices = {feature: sorted(counts[feature]) for feature in ("gender", "area")}
    choices["age_band"] = list(AGE_BANDS)
    for extra in lottery.extra_features:
        choices[extra["name"]] = list(extra["values"])
    return choices


def save_reply(lottery: Lottery, invitation: Invitation, data: dict, user=None,
               entered_by=None) -> Reply:
    if invitation.replied_at is not None:
        raise SortitionError(_("This letter has already been answered. Each code works once."))
    if lottery.state not in ("replies",):
        raise SortitionError(_("Replies are closed for this lottery."))
    reply = Reply(lottery_id=lottery.id, invitation_id=invitation.id,
                  pseudonym=secrets.token_hex(6).upper(), accepted=data["accepted"],
                  available_dates=data.get("available_dates", []),
                  name=data.get("name", ""), contact=data.get("contact", ""),
                  user_id=getattr(user, "id", None) if user and user.is_authenticated else None,
                  age_band=data.get("age_band", ""), gender=data.get("gender", ""),
                  area=data.get("area", ""), extra=data.get("extra", {}),
                  needs=data.get("needs", []), consent=data.get("consent", False),
                  entered_by_id=getattr(entered_by, "id", None))
    invitation.replied_at = utcnow()
    db.session.add(reply)
    if entered_by is not None:
        audit.record(entered_by, "lottery.paper_reply", lottery, letter=invitation.number)
    try:
        db.session.commit()
    except IntegrityError:  # the same letter answered twice at once: the first one counts
        db.session.rollback()
        raise SortitionError(_("This letter has already been answered. Each code works "
                               "once.")) from None
    return reply


def pool_replies(lottery: Lottery) -> list[Reply]:
    """Who can be drawn: accepted, consented, and free on at least one date (if dates are set)."""
    replies = db.session.scalars(select(Reply).where(
        Reply.lottery_id == lottery.id, Reply.accepted.is_(True), Reply.consent.is_(True))
        .order_by(Reply.pseudonym)).all()
    if lottery.dates:
        replies = [reply for reply in replies if reply.available_dates]
    return list(replies)


def reply_summary(lottery: Lottery) -> dict:
    rows = db.session.execute(select(Reply.accepted, func.count()).where(
        Reply.lottery_id == lottery.id).group_by(Reply.accepted)).all()
    counts = {accepted: count for accepted, count in rows}
    invited = db.session.scalar(select(func.count()).select_from(Invitation)
                                .where(Invitation.lottery_id == lottery.id))
    return {"invited": invited, "accepted": counts.get(True, 0),
            "declined": counts.get(False, 0), "pool": len(pool_replies(lottery))}


# Quotas ------------------------------------------------------------------------------------------

def suggested_quotas(lottery: Lottery) -> list[selection.Quota]:
    """From the register's proportions for age band, gender and area; staff's extra features get
    0..size, as the register says nothing about them. Values in the pool but not in the register
    get 0..size too, so that every pool member has a quota value."""
    counts = {feature: values for feature, values in register_counts(lottery).items() if values}
    quotas = selection.suggest_quotas(counts, lottery.panel_size) if counts else []
    known = {(quota.feature, quota.value) for quota in quotas}
    for extra in lottery.extra_features:
        for value in extra["values"]:
            quotas.append(selection.Quota(extra["name"], value, 0, lottery.panel_size))
            known.add((extra["name"], value))
    for reply in pool_replies(lottery):
        for feature, value in reply.values(lottery).items():
            if value and (feature, value) not in known:
                quotas.append(selection.Quota(feature, value, 0, lottery.panel_size))
                known.add((feature, value))
    return quotas


def save_quotas(lottery: Lottery, quotas: list[selection.Quota], user) -> None:
    if lottery.state in ("committed", "drawn"):
        raise SortitionError(_("The inputs have been published: the quotas can no longer change."))
    lottery.quotas = [LotteryQuota(feature=quota.feature, value=quota.value,
                                   min_count=quota.min, max_count=quota.max) for quota in quotas]
    audit.record(user, "lottery.quotas_saved", lottery, quotas=len(quotas))
    db.session.commit()


def core_quotas(lottery: Lottery) -> list[selection.Quota]:
    return [selection.Quota(quota.feature, quota.value, quota.min_count, quota.max_count)
            for quota in lottery.quotas]


# The panel ---------------------------------------------------------------------------------------

def pool_csv(lottery: Lottery, features: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *features])
    for reply in pool_replies(lottery):
        values = reply.values(lottery)
        writer.writerow([reply.pseudonym, *(values[feature] for feature in features)])
    return out.getvalue()


def features_csv(quotas: list[selection.Quota]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for quota in quotas:
        writer.writerow([quota.feature, quota.value, quota.min, quota.max])
    return out.getvalue()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def distribution_of(draw: LotteryDraw) -> tuple[dict, list[selection.Quota],
                                                selection.Distribution]:
    """The distribution from the published texts, exactly as the command line computes it."""
    quotas = selection.read_quotas(draw.features_csv)
    pool = selection.read_pool(draw.pool_csv, selection.features_of(quotas))
    return pool, quotas, selection.find_distribution(pool, quotas, draw.size, draw.algorithm)


def feature_label(feature: str) -> str:
    labels = {"age_band": _("Age band"), "gender": _("Gender"), "area": _("Area")}
    return labels.get(feature, feature)


def explain(conflict: selection.Conflict) -> str:
    """A conflict in the reader's language, naming the quotas."""
    label = _("%(feature)s %(value)s", feature=feature_label(conflict.feature),
              value=conflict.value)
    other = feature_label(conflict.other_feature)
    values = {"label": label, "feature": feature_label(conflict.feature), "other": other,
              "needed": conflict.needed, "available": conflict.available}
    match conflict.kind:
        case "pool_too_small":
            return _("The pool has %(available)d people, fewer than the panel size %(needed)d.",
                     **values)
        case "min_above_max":
            return _("%(label)s: the minimum %(needed)d is above the maximum %(available)d.",
                     **values)
        case "mins_above_size":
            return _("The minimums for %(feature)s add up to %(needed)d, more than the panel "
                     "size %(available)d.", **values)
        case "maxes_below_size":
            return _("Within the maximums for %(feature)s and who is in the pool, at most "
                     "%(available)d people can be chosen, fewer than the panel size %(needed)d.",
                     **values)
        case "not_enough_in_pool":
            return _("Not enough %(label)s in the pool: the minimum is %(needed)d, the pool has "
                     "%(available)d.", **values)
        case "too_few_with_other":
            return _("Not enough %(label)s within the %(other)s quotas: the minimum is "
                     "%(needed)d, but the maximums for %(other)s let at most %(available)d of "
                     "them be chosen.", **values)
        case "too_many_for_other":
            return _("The minimums for %(other)s cannot be met without at least %(needed)d "
                     "%(label)s, whose maximum is %(available)d.", **values)
        case "at_max":
            return _("%(label)s is at its maximum of %(available)d: a replacement with it "
                     "would make %(needed)d.", **values)
        case "lower_min":
            return _("Lower the minimum of %(label)s from %(needed)d to %(available)d.", **values)
        case _:
            return _("Raise the maximum of %(label)s from %(needed)d to %(available)d.", **values)


def commit(lottery: Lottery, algorithm: str, user) -> LotteryDraw:
    """Freeze the pool and quotas, find the distribution, and publish the hashes of the inputs
    and of the seed's secret part, before anyone knows the seed."""
    if lottery.state in ("committed", "drawn"):
        raise SortitionError(_("The inputs have already been published."))
    quotas = core_quotas(lottery)
    if not quotas:
        raise SortitionError(_("Set the quotas first."))
    features = selection.features_of(quotas)
    draw = LotteryDraw(lottery_id=lottery.id, algorithm=algorithm, size=lottery.panel_size,
                       pool_csv=pool_csv(lottery, features), features_csv=features_csv(quotas),
                       secret=secrets.token_hex(16))
    draw.pool_sha256, draw.features_sha256 = sha256(draw.pool_csv), sha256(draw.features_csv)
    draw.commitment = sha256(draw.secret)
    try:
        _pool, _quotas, distribution = distribution_of(draw)
    except ValueError as error:
        raise SortitionError(str(error)) from None
    draw.probabilities = {person: round(p, 6) for person, p in distribution.probabilities.items()}
    draw.min_probability = distribution.min_probability
    lottery.draw = draw
    lottery.state = "committed"
    audit.record(user, "lottery.committed", lottery, pool_sha256=draw.pool_sha256,
                 features_sha256=draw.features_sha256, commitment=draw.commitment,
                 algorithm=algorithm)
    db.session.commit()
    return draw


def run_draw(lottery: Lottery, digits: str, user) -> LotteryDraw:
    draw = lottery.draw
    if lottery.state != "committed" or draw is None:
        raise SortitionError(_("Publish the inputs and the commitment first."))
    digits = digits.strip()
    draw.public_digits = digits
    draw.seed = f"{draw.secret}-{digits}" if digits else draw.secret
    _pool, _quotas, distribution = distribution_of(draw)
    draw.selected = list(selection.draw_panel(distribution, draw.seed))
    draw.panel = list(draw.selected)
    draw.drawn_at = utcnow()
    lottery.state = "drawn"
    if lottery.retention_on is None:
        lottery.retention_on = ward_today() + timedelta(days=RETENTION_DAYS)
    audit.record(user, "lottery.drawn", lottery, seed=draw.seed, panel=len(draw.panel))
    db.session.commit()
    return draw


def quota_rows(draw: LotteryDraw) -> list[selection.QuotaCount]:
    quotas = selection.read_quotas(draw.features_csv)
    pool = selection.read_pool(draw.pool_csv, selection.features_of(quotas))
    return selection.quota_table(pool, quotas, draw.panel or [])


def replace(lottery: Lottery, dropped: str, reason: str, user) -> LotteryReplacement:
    draw = lottery.draw
    if lottery.state != "drawn" or draw is None:
        raise SortitionError(_("The panel has not been drawn yet."))
    if dropped not in draw.panel:
        raise SortitionError(_("%(id)s is not on the panel.", id=dropped))
    quotas = selection.read_quotas(draw.features_csv)
    pool = selection.read_pool(draw.pool_csv, selection.features_of(quotas))
    excluded = [row.dropped for row in draw.replacements]
    try:
        result = selection.draw_replacement(pool, quotas, draw.panel, dropped, draw.seed,
                                            reason, excluded)
    except selection.InfeasibleQuotas as error:
        raise SortitionError(" ".join(explain(conflict) for conflict in error.conflicts)) from None
    row = LotteryReplacement(dropped=dropped, replacement=result.replacement, reason=reason,
                             candidates=result.candidates, created_by_id=user.id)
    draw.replacements.append(row)
    draw.panel = sorted([person for person in draw.panel if person != dropped]
                        + [result.replacement])
    audit.record(user, "lottery.replacement", lottery, dropped=dropped,
                 replacement=result.replacement, reason=reason)
    db.session.commit()
    return row


def panel_replies(lottery: Lottery) -> list[Reply]:
    draw = lottery.draw
    if draw is None or not draw.panel:
        return []
    return list(db.session.scalars(select(Reply).where(
        Reply.lottery_id == lottery.id, Reply.pseudonym.in_(draw.panel))
        .order_by(Reply.pseudonym)))


def linked_cafe(lottery: Lottery):
    if lottery.event_type != "cafe" or lottery.event_id is None:
        return None
    from civic.cafe.models import Cafe

    return db.session.get(Cafe, lottery.event_id)


def invite_panel(lottery: Lottery, user) -> dict:
    """Tell everyone on the panel: a notification where they replied signed in, otherwise a
    mail to the address they gave. Returns how many of each (and how many to contact by hand)."""
    from civic.notifications import services as notifications

    cafe = linked_cafe(lottery)
    if lottery.draw is None or not lottery.draw.panel:
        raise SortitionError(_("The panel has not been drawn yet."))
    told = Counter()
    link = (url_for("cafe.join", code=cafe.join_code, _external=True) if cafe
            else url_for("lotteries.public", lottery_id=lottery.id, _external=True))
    for reply in panel_replies(lottery):
        if reply.user_id is not None and cafe is not None:
            notifications.notify(reply.user_id, "panel", actor=None, subject=lottery.title,
                                 endpoint="cafe.join", url_values={"code": cafe.join_code})
            told["notified"] += 1
        elif "@" in reply.contact:
            mail.send(reply.contact, _("You have been selected: %(title)s", title=lottery.title),
                      _("Thank you for your reply. You have been drawn for “%(title)s”.\n\n"
                        "Dates: %(dates)s\n\nDetails and joining: %(link)s",
                        title=lottery.title, dates=" / ".join(lottery.dates), link=link))
            told["mailed"] += 1
        else:
            told["by_hand"] += 1
    lottery.draw.invited_at = utcnow()
    audit.record(user, "lottery.panel_invited", lottery, **told)
    db.session.commit()
    return dict(told)


def cafe_panels(cafe) -> list[dict]:
    """For the café console: each drawn panel linked to this café, with what the facilitator
    needs (name and accessibility needs)."""
    lotteries = db.session.scalars(select(Lottery).where(
        Lottery.event_type == "cafe", Lottery.event_id == cafe.id,
        Lottery.state == "drawn")).all()
    return [{"lottery": lottery, "members": panel_replies(lottery)} for lottery in lotteries]


# Retention ---------------------------------------------------------------------------------------

def delete_personal_data(lottery: Lottery, actor=None) -> dict:
    """Delete the register extract, the invitations (which point at it) and the replies."""
    counts = {}
    for model in (Reply, Invitation, RegisterEntry):
        result = db.session.execute(delete(model).where(model.lottery_id == lottery.id))
        counts[model.__tablename__] = result.rowcount
    lottery.personal_data_deleted_at = utcnow()
    audit.record(actor, "lottery.personal_data_deleted", lottery, **counts)
    db.session.commit()
    return counts


def purge_expired(today=None) -> list[int]:
    today = today or ward_today()
    due = db.session.scalars(select(Lottery).where(
        Lottery.retention_on.is_not(None), Lottery.retention_on <= today,
        Lottery.personal_data_deleted_at.is_(None))).all()
    for lottery in due:
        delete_personal_data(lottery)
    return [lottery.id for lottery in due]


# Lotteries and personal data ---------------------------------------------------------------------

def create_lottery(data: dict, user) -> Lottery:
    lottery = Lottery(letter_key=secrets.token_hex(16), owner_id=user.id)
    apply_settings(lottery, data)
    db.session.add(lottery)
    db.session.flush()
    audit.record(user, "lottery.created", lottery)
    db.session.commit()
    return lottery


def apply_settings(lottery: Lottery, data: dict) -> None:
    for name in ("title", "purpose", "event_dates", "letter_text", "panel_size", "retention_on"):
        setattr(lottery, name, data[name])
    lottery.area_id = data["area"] or None
    cafe = data.get("cafe") or None
    lottery.event_type, lottery.event_id = ("cafe", cafe) if cafe else ("", None)
    if lottery.state in (None, "draft"):  # None: not saved yet
        lottery.extra_features = data["extra_features"]


def personal_data(user) -> tuple[str, object]:
    """Only one's own replies (given while signed in); never anyone else's."""
    replies = db.session.scalars(select(Reply).where(Reply.user_id == user.id)).all()
    return "lottery_replies", [
        {"lottery": db.session.get(Lottery, reply.lottery_id).title, "accepted": reply.accepted,
         "available_dates": reply.available_dates, "name": reply.name, "contact": reply.contact,
         "age_band": reply.age_band, "gender": reply.gender, "area": reply.area,
         "extra": reply.extra, "needs": reply.needs, "consent": reply.consent,
         "created_at": reply.created_at.isoformat() + "Z"} for reply in replies]
