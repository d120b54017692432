"""Offers, needs and answers; suggestions come from :mod:`civic.matching.ranking`.

What a group may learn about people: the responses (people who accepted), and for a need the
number of people whose offers fit. Nothing else about a person leaves this module for a group.
"""

from sqlalchemy import func, select

from civic.audit import services as audit
from civic.extensions import db
from civic.matching import ranking
from civic.matching.models import MatchResponse, Need, Offer
from civic.notifications.services import notify
from civic.timeutil import utcnow

INVITE_AT_MOST = 20


class MatchingError(Exception):
    pass


def profile_of_offer(offer: Offer) -> ranking.Profile:
    return ranking.Profile(offer.id, offer.area_id, ranking.tags(offer.skills),
                           ranking.tags(offer.languages), frozenset(split_slots(offer.slots)))


def profile_of_need(need: Need) -> ranking.Profile:
    return ranking.Profile(need.id, need.area_id, ranking.tags(need.skills),
                           ranking.tags(need.languages), frozenset(split_slots(need.slots)))


def split_slots(text: str) -> list[str]:
    return [s for s in (text or "").split(",") if s in ranking.SLOTS]


def join_slots(slots) -> str:
    return ",".join(s for s in ranking.SLOTS if s in set(slots or ()))


# Offers ------------------------------------------------------------------------------------------

def offer_of(user) -> Offer | None:
    return db.session.scalar(select(Offer).where(Offer.user_id == user.id))


def save_offer(user, data: dict) -> Offer:
    offer = offer_of(user) or Offer(user_id=user.id)
    offer.skills, offer.languages = data.get("skills", ""), data.get("languages", "")
    offer.slots = join_slots(data.get("slots"))
    offer.area_id = data.get("area_id") or None
    offer.note, offer.active = data.get("note", ""), bool(data.get("active"))
    db.session.add(offer)
    db.session.commit()
    return offer


# Needs -------------------------------------------------------------------------------------------

def create_need(group, data: dict, actor) -> Need:
    need = Need(group_id=group.id, area_id=group.area_id, created_by_id=actor.id)
    _fill(need, data)
    db.session.add(need)
    db.session.flush()
    audit.record(actor, "need.create", need, group=group.id)
    db.session.commit()
    return need


def _fill(need: Need, data: dict) -> None:
    for name in ("title", "description", "skills", "languages", "when", "location",
                 "people_needed"):
        if name in data:
            setattr(need, name, data[name])
    need.slots = join_slots(data.get("slots"))


def close_need(need: Need, actor) -> None:
    need.state = "closed"
    audit.record(actor, "need.close", need)
    db.session.commit()


def open_needs(area_id: int | None = None, limit: int | None = None) -> list[Need]:
    """Open needs of published groups, newest first (of one area, if given)."""
    from civic.groups.models import Group

    query = (select(Need).join(Group, Group.id == Need.group_id)
             .where(Need.state == "open", Group.published.is_(True)))
    if area_id is not None:
        query = query.where(Need.area_id == area_id)
    query = query.order_by(Need.created_at.desc(), Need.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def open_needs_in_area(area_id: int, limit: int = 10) -> list[Need]:
    """For the area page (地域カルテ): what the area's groups are asking for."""
    return open_needs(area_id, limit)


def needs_of_group(group) -> list[Need]:
    return list(db.session.scalars(select(Need).where(Need.group_id == group.id)
                                   .order_by(Need.created_at.desc())))


# Suggestions -------------------------------------------------------------------------------------

def suggestions_for(user, limit: int = 30) -> list[tuple[Need, ranking.Suggestion]]:
    """Needs for a person's active offer, best first, without those already answered."""
    offer = offer_of(user)
    if offer is None or not offer.active:
        return []
    answered = set(db.session.scalars(select(MatchResponse.need_id)
                                      .where(MatchResponse.user_id == user.id)))
    needs = [n for n in open_needs() if n.id not in answered and n.created_by_id != user.id]
    by_id = {n.id: n for n in needs}
    ranked = ranking.needs_for(profile_of_offer(offer), [profile_of_need(n) for n in needs], limit)
    return [(by_id[s.key], s) for s in ranked]


def explain(user, need: Need) -> ranking.Suggestion | None:
    offer = offer_of(user)
    if offer is None:
        return None
    return ranking.explain(profile_of_offer(offer), profile_of_need(need))


def _fitting_offers(need: Need) -> list[tuple[Offer, ranking.Suggestion]]:
    answered = select(MatchResponse.user_id).where(MatchResponse.need_id == need.id)
    from civic.accounts.models import User

    offers = list(db.session.scalars(select(Offer).join(User, User.id == Offer.user_id).where(
        Offer.active.is_(True), User.deleted_at.is_(None), Offer.user_id.not_in(answered))
        .order_by(Offer.id)))
    by_id = {o.id: o for o in offers}
    ranked = ranking.people_for(profile_of_need(need), [profile_of_offer(o) for o in offers])
    return [(by_id[s.key], s) for s in ranked]


def fitting_count(need: Need) -> int:
    """How many people's offers fit: the only thing a group learns before anyone accepts."""
    return len(_fitting_offers(need))


def invite_fitting(need: Need, actor) -> int:
    """Tell the best-fitting people about the need (once each); the group sees only the count."""
    told = 0
    for offer, _suggestion in _fitting_offers(need)[:INVITE_AT_MOST]:
        notify(offer.user_id, "match_invited", actor=None, subject=need.title,
               endpoint="matching.need", url_values={"need_id": need.id},
               once_key=f"need-invite:{need.id}")
        told += 1
    audit.record(actor, "need.invite", need, count=told)
    db.session.commit()
    return told


# Answers -----------------------------------------------------------------------------------------

def response_of(need: Need, user) -> MatchResponse | None:
    return db.session.scalar(select(MatchResponse).where(MatchResponse.need_id == need.id,
                                                         MatchResponse.user_id == user.id))


def _group_admin_ids(group_id: int) -> list[int]:
    from civic.groups.models import GroupMembership

    return list(db.session.scalars(select(GroupMembership.user_id).where(
        GroupMembership.group_id == group_id, GroupMembership.role == "admin",
        GroupMembership.state == "confirmed")))


def accept(need: Need, user, message: str = "") -> MatchResponse:
    """The person says yes: only now does the group see them."""
    if need.state != "open":
        raise MatchingError("closed")
    response = response_of(need, user)
    if response is not None and response.state in ("accepted", "confirmed"):
        return response
    if response is None:
        response = MatchResponse(need_id=need.id, user_id=user.id)
        db.session.add(response)
    suggestion = explain(user, need)
    response.state, response.message, response.accepted_at = "accepted", message, utcnow()
    response.reasons = [[r.kind, r.value] for r in suggestion.reasons] if suggestion else []
    response.decided_at = response.decided_by_id = None
    db.session.flush()
    for admin_id in _group_admin_ids(need.group_id):
        notify(admin_id, "match_accepted", actor=user, subject=need.title,
               endpoint="matching.responses", url_values={"need_id": need.id})
    db.session.commit()
    return response


def withdraw(response: MatchResponse) -> None:
    response.state = "withdrawn"
    db.session.commit()


def confirmed_count(need: Need) -> int:
    return db.session.scalar(select(func.count()).select_from(MatchResponse).where(
        MatchResponse.need_id == need.id, MatchResponse.state == "confirmed"))


def decide(response: MatchResponse, confirm: bool, actor) -> None:
    """The group confirms (or declines) someone who accepted; the person is told."""
    if response.state not in ("accepted", "confirmed", "declined"):
        raise MatchingError("withdrawn")
    need = response.need
    if confirm and response.state != "confirmed" and confirmed_count(need) >= need.people_needed:
        raise MatchingError("enough")
    response.state = "confirmed" if confirm else "declined"
    response.decided_at, response.decided_by_id = utcnow(), actor.id
    notify(response.user_id, "match_confirmed" if confirm else "match_declined", actor=actor,
           subject=need.title, endpoint="matching.need", url_values={"need_id": need.id})
    audit.record(actor, "need.confirm" if confirm else "need.decline", need,
                 response=response.id)
    db.session.commit()


def responses(need: Need) -> list[MatchResponse]:
    return list(db.session.scalars(select(MatchResponse).where(
        MatchResponse.need_id == need.id, MatchResponse.state != "withdrawn")
        .order_by(MatchResponse.accepted_at, MatchResponse.id)))


def my_responses(user) -> list[MatchResponse]:
    return list(db.session.scalars(select(MatchResponse).where(MatchResponse.user_id == user.id)
                                   .order_by(MatchResponse.accepted_at.desc())))


def personal_data(user) -> tuple[str, object]:
    offer = offer_of(user)
    return "matching", {
        "offer": None if offer is None else {
            "skills": offer.skills, "languages": offer.languages, "slots": offer.slots,
            "note": offer.note, "active": offer.active},
        "responses": [{"need": r.need.title, "state": r.state, "message": r.message}
                      for r in my_responses(user)],
    }
