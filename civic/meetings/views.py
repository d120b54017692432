import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

import civic.meetings.permissions  # noqa: F401  (declares the rules)
from civic import mail
from civic.accounts.permissions import can, require, signed_in
from civic.accounts.services import personal_data_sections
from civic.extensions import db, limiter, person_or_address
from civic.forms import ConfirmForm, confirmation
from civic.groups import services as groups
from civic.i18n import format_moment
from civic.meetings import ical, services
from civic.meetings.forms import KIND_LABELS, MaterialForm, MeetingForm, MinutesForm, SignupForm
from civic.meetings.models import CONFIRMED, WAITING, Meeting, MeetingMaterial
from civic.proposals.markdown import render as render_markdown
from civic.security import no_store
from civic.spaces.models import Area
from civic.spaces.services import visible_process_or_404
from civic.timeutil import utcnow, ward_time

bp = Blueprint("meetings", __name__, cli_group="meetings")
bp.app_template_global("meetings_of_process")(services.of_process)
bp.app_template_global("meetings_of_group")(services.of_group)
bp.app_template_global("meeting_kind_labels")(lambda: KIND_LABELS)
personal_data_sections.append(services.personal_data)


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can("meeting.view", meeting):
        abort(404)
    return meeting


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CIVIC_TIMEZONE"])


def _to_utc(day, moment) -> datetime:
    local = datetime.combine(day, moment, tzinfo=_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _place_choices(area_id: int | None) -> list[tuple[int, str]]:
    from civic.places.models import Place

    query = select(Place.id, Place.name).where(Place.published.is_(True))
    if area_id is not None:
        query = query.where(Place.area_id == area_id)
    return [(0, _("No place (online)"))] + [tuple(row) for row in db.session.execute(
        query.order_by(Place.name).limit(500))]


def _form_data(form: MeetingForm) -> dict:
    return {"kind": form.kind.data, "title": form.title.data,
            "description": form.description.data,
            "starts_at": _to_utc(form.date.data, form.start_time.data),
            "ends_at": _to_utc(form.date.data, form.end_time.data),
            "place_id": form.place_id.data or None, "location": form.location.data,
            "online_url": form.online_url.data, "capacity": form.capacity.data,
            "childcare_offered": form.childcare_offered.data, "published": form.published.data}


def _edit(meeting: Meeting | None, area_id, *, process=None, group=None):
    form = MeetingForm(obj=meeting)
    form.place_id.choices = _place_choices(area_id)
    if meeting is not None and request.method == "GET":
        start, end = ward_time(meeting.starts_at), ward_time(meeting.ends_at)
        form.date.data, form.start_time.data, form.end_time.data = (
            start.date(), start.time().replace(tzinfo=None), end.time().replace(tzinfo=None))
        form.place_id.data = meeting.place_id or 0
    if form.validate_on_submit():
        if meeting is None:
            meeting = services.create(_form_data(form), current_user, process=process,
                                      group=group)
            flash(_("The meeting has been created."), "success")
        else:
            promoted = services.update_meeting(meeting, _form_data(form), current_user)
            flash(_("The meeting has been saved."), "success")
            if promoted:
                flash(_("%(n)d people moved from the waiting list to a seat.", n=len(promoted)),
                      "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/meeting_form.html", form=form, meeting=meeting,
                           owner=process or group or meeting.process or meeting.group), (
        422 if form.errors else 200)


# Staff and group admins --------------------------------------------------------------------------

@bp.route("/processes/<slug>/meetings/new", methods=["GET", "POST"])
def new_for_process(slug: str):
    process = visible_process_or_404(slug)
    require("meeting.create_for_process", process)
    return _edit(None, process.area_id, process=process)


@bp.route("/groups/<slug>/meetings/new", methods=["GET", "POST"])
def new_for_group(slug: str):
    group = groups.visible_group_or_404(slug)
    require("meeting.create_for_group", group)
    return _edit(None, group.area_id, group=group)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.run", meeting)
    return _edit(meeting, meeting.area_id)


@bp.get("/meetings/<int:meeting_id>/signups")
@no_store
def signups(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.run", meeting)
    return render_template("meetings/signups.html", meeting=meeting,
                           signups=services.active_signups(meeting),
                           counts=services.counts(meeting))


@bp.route("/meetings/checkin/<token>", methods=["GET", "POST"])
@no_store
def checkin(token: str):
    signup = services.signup_for_token(token)
    if signup is None:
        abort(404)
    require("meeting.run", signup.meeting)
    done = None
    if request.method == "POST":
        done = services.check_in(signup, current_user)
    return render_template("meetings/checkin.html", signup=signup, meeting=signup.meeting,
                           done=done)


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.run", meeting)
    form = MinutesForm(obj=meeting)
    form.cafe_id.choices = [(0, _("None"))] + [
        (cafe.id, cafe.title) for cafe in services.cafes_to_link(meeting)]
    if form.cafe_id.data is None:  # none linked yet, and the form left it out
        form.cafe_id.data = 0
    if request.method == "GET":
        form.publish.data = meeting.minutes_published_at is not None
        form.cafe_id.data = meeting.cafe_id or 0
    material_form = MaterialForm(prefix="material")
    if form.validate_on_submit():
        if form.proposal_id.data and not services.link_proposal(meeting, form.proposal_id.data,
                                                               current_user):
            form.proposal_id.errors.append(_("There is no published proposal with this number."))
        else:
            services.save_minutes(meeting, form.minutes.data, form.publish.data, current_user,
                                  form.cafe_id.data or None)
            flash(_("The minutes have been saved."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/minutes_form.html", meeting=meeting, form=form,
                           material_form=material_form), 422 if form.errors else 200


@bp.post("/meetings/<int:meeting_id>/materials")
def upload_material(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.run", meeting)
    form = MaterialForm(prefix="material")
    if form.validate_on_submit():
        data = form.file.data.read()
        if services.add_material(meeting, form.title.data, data, current_user) is not None:
            flash(_("The material has been uploaded."), "success")
            return redirect(url_for("meetings.show", meeting_id=meeting.id))
        form.file.errors.append(_("Only PDF, PNG or JPEG files can be uploaded."))
    minutes_form = MinutesForm(obj=meeting)
    minutes_form.cafe_id.choices = [(0, _("None"))] + [
        (cafe.id, cafe.title) for cafe in services.cafes_to_link(meeting)]
    return render_template("meetings/minutes_form.html", meeting=meeting, form=minutes_form,
                           material_form=form), 422


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel_meeting(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.run", meeting)
    if meeting.cancelled_at is not None:
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=url_for("meetings.show", meeting_id=meeting.id),
            heading=_("Cancel the meeting “%(title)s”?", title=meeting.title),
            consequence=_("Everyone signed up or waiting is told that it will not take place. "
                          "This cannot be undone."),
            button=_("Cancel the meeting"))
    services.cancel_meeting(meeting, current_user)
    flash(_("The meeting has been cancelled and everyone signed up has been told."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# Everyone ----------------------------------------------------------------------------------------

@bp.get("/meetings/")
def index():
    area = None
    if request.args.get("area"):
        area = db.session.scalar(select(Area).where(Area.slug == request.args["area"]))
    areas = db.session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    return render_template("meetings/index.html", meetings=services.upcoming(
        area.id if area else None, include_cancelled=True), area=area, areas=areas)


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    mine = services.signup_of(meeting, current_user) if signed_in(current_user) else None
    if mine is not None and mine.state == "cancelled":
        mine = None
    minutes_html = render_markdown(meeting.minutes) if meeting.minutes_published_at else ""
    return render_template(
        "meetings/show.html", meeting=meeting, counts=services.counts(meeting), mine=mine,
        position=services.waiting_position(mine) if mine and mine.state == WAITING else None,
        form=SignupForm(), open_=services.is_open_for_sign_up(meeting),
        minutes_html=minutes_html, runs=can("meeting.run", meeting))


@bp.post("/meetings/<int:meeting_id>/signup")
@limiter.limit("10 per minute;60 per hour", key_func=person_or_address)
def sign_up(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.sign_up", meeting)
    form = SignupForm()
    if not form.validate_on_submit():
        return render_template("meetings/show.html", meeting=meeting,
                               counts=services.counts(meeting), mine=None, position=None,
                               form=form, open_=services.is_open_for_sign_up(meeting),
                               minutes_html="", runs=can("meeting.run", meeting)), 422
    try:
        signup = services.sign_up(meeting, current_user, children=form.children.data or 0,
                                  children_ages=form.children_ages.data,
                                  accessibility=form.accessibility.data)
    except services.MeetingError as error:
        db.session.rollback()
        message = {"already": _("You are already signed up."),
                   "closed": _("Sign-up for this meeting is closed.")}.get(
            str(error), _("Many people are signing up at once. Please try again."))
        flash(message, "error")
        return redirect(url_for("meetings.show", meeting_id=meeting.id)), 303
    if signup.state == CONFIRMED:
        flash(_("You are signed up. Your seat is kept for you."), "success")
    else:
        flash(_("The meeting is full: you are on the waiting list. We will tell you as soon as "
                "a seat is free."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id)), 303


@bp.post("/meetings/<int:meeting_id>/signup/cancel")
@limiter.limit("20 per hour", key_func=person_or_address)
def cancel_signup(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require("meeting.sign_up", meeting)
    signup = services.signup_of(meeting, current_user)
    if signup is None or signup.state == "cancelled":
        abort(404)
    services.cancel_signup(signup, current_user)
    flash(_("Your sign-up has been cancelled."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id)), 303


def _my_confirmed_signup(meeting: Meeting):
    require("meeting.sign_up", meeting)
    signup = services.signup_of(meeting, current_user)
    if signup is None or signup.state != CONFIRMED:
        abort(404)
    return signup


@bp.get("/meetings/<int:meeting_id>/ticket")
@no_store
def ticket(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    signup = _my_confirmed_signup(meeting)
    return render_template("meetings/ticket.html", meeting=meeting, signup=signup)


@bp.get("/meetings/<int:meeting_id>/ticket.svg")
@no_store
def ticket_qr(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    signup = _my_confirmed_signup(meeting)
    url = url_for("meetings.checkin", token=services.checkin_token(signup), _external=True)
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6)
    return Response(out.getvalue(), mimetype="image/svg+xml")


@bp.get("/meetings/materials/<int:material_id>")
def material(material_id: int):
    item = db.session.get(MeetingMaterial, material_id)
    if item is None or not can("meeting.view", item.meeting):
        abort(404)
    if item.meeting.minutes_published_at is None and not can("meeting.run", item.meeting):
        abort(404)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
    response = Response(item.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = (
        f'inline; filename="material-{item.id}.{extension[item.content_type]}"')
    return response


def _calendar(meetings: list[Meeting], name: str) -> Response:
    events = [services.event_for(m, url_for("meetings.show", meeting_id=m.id, _external=True))
              for m in meetings]
    return Response(ical.calendar(events, utcnow(), name),
                    mimetype="text/calendar; charset=utf-8")


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    response = _calendar([meeting], meeting.title)
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@bp.get("/meetings/areas/<slug>.ics")
def area_ics(slug: str):
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None:
        abort(404)
    return _calendar(services.upcoming(area.id, limit=500, include_cancelled=True,
                                       now=utcnow() - timedelta(days=30)), area.name)


# Reminders ---------------------------------------------------------------------------------------

def _compose(signup) -> tuple[str, str]:
    with current_app.test_request_context("/"):
        g.ui_language = signup.user.locale
        subject = _("Reminder: %(title)s", title=signup.meeting.title)
        meeting = signup.meeting
        when = format_moment(meeting.starts_at)
        where = meeting.place.name if meeting.place else meeting.location or meeting.online_url
        body = "\n\n".join([
            _("Hello %(name)s,", name=signup.user.display_name),
            _("This is a reminder of the meeting you signed up for:"),
            f"{meeting.title}\n{when}" + (f"\n{where}" if where else ""),
            url_for("meetings.show", meeting_id=meeting.id, _external=True),
            _("If you cannot come, please cancel on that page so that someone on the waiting "
              "list gets your seat."),
        ]) + "\n"
    return subject, body


@bp.cli.command("send-reminders")
def send_reminders():
    """Remind everyone with a seat of a meeting in the next 24 hours (notification and mail)."""
    if not current_app.config.get("CIVIC_BASE_URL"):
        raise click.UsageError("Set CIVIC_BASE_URL so the links in the mails work.")
    sent = services.send_reminders(_compose, mail.send)
    click.echo(f"{sent} reminder(s) sent")
