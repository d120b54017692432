import io
import json
import time

import click
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

import civic.cafe.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import can, require, signed_in
from civic.accounts.services import personal_data_sections
from civic.cafe import rotation, services
from civic.cafe.forms import CafeForm, JoinForm, NoteForm
from civic.cafe.models import Cafe, CafeNote
from civic.extensions import db, limiter
from civic.forms import ConfirmForm, confirmation, db_int
from civic.spaces.services import visible_process_or_404
from civic.timeutil import ward_today

bp = Blueprint("cafe", __name__, cli_group="cafe")
bp.app_template_global("cafes_for")(services.cafes_of)
personal_data_sections.append(services.personal_data)

GUESTS = "cafe_guests"  # session key: café id → the guest's token


@bp.app_template_filter("clock")
def clock_filter(seconds: int | None) -> str:
    if seconds is None:
        return "--:--"
    return f"{seconds // 60}:{seconds % 60:02d}"


def _cafe_or_404(cafe_id: int) -> Cafe:
    cafe = db.session.get(Cafe, cafe_id)
    if cafe is None:
        abort(404)
    return cafe


def _by_code_or_404(code: str) -> Cafe:
    cafe = services.cafe_by_code(code)
    if cafe is None or not can("process.view", cafe.process):
        abort(404)
    return cafe


def _note_key() -> str:
    """Notes are limited per participant: guests at one venue share an address."""
    if signed_in(current_user):
        return f"user:{current_user.id}"
    guests = session.get(GUESTS, {})
    return f"guest:{min(guests.values())}" if guests else request.remote_addr or ""


def _me(cafe: Cafe):
    token = session.get(GUESTS, {}).get(str(cafe.id))
    return services.find_participant(cafe, current_user, token)


# Facilitators -----------------------------------------------------------------------------------

@bp.route("/processes/<slug>/cafes/new", methods=["GET", "POST"])
def new_cafe(slug: str):
    process = visible_process_or_404(slug)
    require("cafe.create", process)
    form = CafeForm()
    if form.validate_on_submit():
        cafe = services.create_cafe(process, form.data, current_user)
        flash(_("The café has been created. Share the join link or QR code."), "success")
        return redirect(url_for("cafe.console", cafe_id=cafe.id))
    return render_template("cafe/cafe_form.html", form=form, process=process, cafe=None), (
        422 if form.errors else 200)


@bp.route("/cafes/<int:cafe_id>/edit", methods=["GET", "POST"])
def edit_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.run", cafe)
    form = CafeForm(obj=cafe)
    if request.method == "GET":
        form.questions.data = "\n".join(r.question for r in cafe.rounds if r.question)
    if form.validate_on_submit():
        services.update_cafe(cafe, form.data, current_user)
        flash(_("The café has been saved."), "success")
        return redirect(url_for("cafe.console", cafe_id=cafe.id))
    return render_template("cafe/cafe_form.html", form=form, process=cafe.process, cafe=cafe), (
        422 if form.errors else 200)


@bp.route("/cafes/<int:cafe_id>/delete", methods=["GET", "POST"])
def delete_cafe(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.delete", cafe)
    process = cafe.process
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=url_for("cafe.edit_cafe", cafe_id=cafe.id),
            heading=_("Delete the café “%(title)s”?", title=cafe.title),
            consequence=_("Its tables, rounds, participants and every note written at it are "
                          "deleted. Download the harvest first if you need the notes. This "
                          "cannot be undone."),
            button=_("Delete the café"))
    services.delete_cafe(cafe, current_user)
    flash(_("The café has been deleted."), "success")
    return redirect(url_for("spaces.process", slug=process.slug))


def _join_url(cafe: Cafe) -> str:
    return url_for("cafe.join", code=cafe.join_code, _external=True)


@bp.get("/cafes/<int:cafe_id>/console")
def console(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.run", cafe)
    people = services.participants(cafe)
    shown = [r for r in (cafe.live_round, services.seating_round(cafe)) if r is not None]
    plans = {r.number: services.seating(r) for r in dict.fromkeys(shown)}
    notes: dict[int, list[CafeNote]] = {t.id: [] for t in cafe.tables}
    for note in services.all_notes(cafe):
        notes[note.table_id].append(note)
    clock = services.clock(cafe)
    return render_template("cafe/console.html", cafe=cafe, people=people, plans=plans,
                           notes=notes, clock=clock, version=services.version(cafe),
                           join_url=_join_url(cafe),
                           hosts={t.host_id for t in cafe.tables})


@bp.get("/cafes/<int:cafe_id>/console.json")
def console_state(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.run", cafe)
    return jsonify(version=services.version(cafe), **services.clock(cafe))


@bp.get("/cafes/<int:cafe_id>/qr.svg")
def qr(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.run", cafe)
    out = io.BytesIO()
    segno.make(_join_url(cafe), error="m").save(out, kind="svg", scale=6)
    return Response(out.getvalue(), mimetype="image/svg+xml")


def _form_int(name: str) -> int | None:
    return request.form.get(name, type=db_int)


@bp.post("/cafes/<int:cafe_id>/console/<action>")
def control(cafe_id: int, action: str):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.run", cafe)
    simple = {"start": services.start, "pause": services.pause, "resume": services.resume,
              "end": services.end_round, "next": services.next_round, "finish": services.finish}
    try:
        if action in simple:
            simple[action](cafe, current_user)
        elif action == "extend":
            services.extend(cafe, _form_int("minutes") or 0, current_user)
        elif action == "broadcast":
            message = request.form.get("message", "")
            if len(message) > 300:
                raise services.CafeError(_("A message can have up to 300 characters."))
            services.send_broadcast(cafe, message, current_user)
        elif action == "swap":
            first, second = _form_int("first"), _form_int("second")
            if first is None or second is None:
                raise services.CafeError(_("Choose two different people who are seated."))
            services.swap(cafe, first, second, current_user)
        elif action == "pin":
            person = _form_int("participant")
            if person is None:
                raise services.CafeError(_("Choose a person."))
            services.pin(cafe, person, _form_int("table") or None, current_user)
        elif action == "left":
            person = _form_int("participant")
            if person is None:
                raise services.CafeError(_("Choose a person."))
            services.mark_left(cafe, person, current_user)
        else:
            abort(404)
    except services.CafeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("cafe.console", cafe_id=cafe_id)), 303
    flash(_("Done."), "success")
    return redirect(url_for("cafe.console", cafe_id=cafe_id)), 303


@bp.get("/cafes/<int:cafe_id>/harvest")
def harvest(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.harvest", cafe)
    notes = services.all_notes(cafe)
    return render_template("cafe/harvest.html", cafe=cafe, notes=notes,
                           key_notes=[n for n in notes if n.is_key])


@bp.get("/cafes/<int:cafe_id>/harvest.csv")
def harvest_csv(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.harvest", cafe)
    return Response(services.harvest_csv(cafe), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="cafe-{cafe.id}-notes.csv"'})


# The published harvest: a facilitator publishes it once the café has ended ----------------------

@bp.route("/cafes/<int:cafe_id>/harvest/publish", methods=["GET", "POST"])
def publish_harvest(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.publish", cafe)
    back = url_for("cafe.harvest", cafe_id=cafe.id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=back,
            heading=_("Publish the harvest of “%(title)s”?", title=cafe.title),
            consequence=_("Everyone will be able to read the café's title and purpose, the "
                          "rounds' questions, the tables' topics and every note written at the "
                          "tables: on this site, in the public API and in the open data. The "
                          "notes were written to be shared in the room; read them first and do "
                          "not publish if one holds a name, an address or anything personal. "
                          "Who took part and who wrote which note are never published. You can "
                          "withdraw the harvest later, but copies already downloaded remain."),
            button=_("Publish the harvest"))
    try:
        services.publish_harvest(cafe, current_user)
    except services.CafeError as error:
        flash(str(error), "error")
        return redirect(back, 303)
    flash(_("The harvest is public now."), "success")
    return redirect(url_for("cafe.published_harvest", cafe_id=cafe.id), 303)


@bp.post("/cafes/<int:cafe_id>/harvest/withdraw")
def withdraw_harvest(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    require("cafe.publish", cafe)
    services.withdraw_harvest(cafe, current_user)
    flash(_("The harvest is no longer public."), "success")
    return redirect(url_for("cafe.harvest", cafe_id=cafe.id), 303)


@bp.get("/cafes/<int:cafe_id>/harvest/published")
def published_harvest(cafe_id: int):
    cafe = _cafe_or_404(cafe_id)
    if not can("cafe.read_harvest", cafe):
        abort(404)  # not "forbidden": an unpublished harvest does not tell that it exists
    return render_template("cafe/published_harvest.html", cafe=cafe,
                           harvest=services.published_harvest(cafe))


# Participants -------------------------------------------------------------------------------------

def _may_join(cafe: Cafe) -> str | None:
    """Why the current visitor cannot join, or None."""
    if not cafe.process.is_open("cafe_open", ward_today()):
        return _("This café is not open for joining at the moment.")
    if cafe.state == "finished":
        return _("This café has ended.")
    if cafe.verification_required:
        if not signed_in(current_user) or current_user.residency is None:
            return _("Only verified residents can join this café. Log in and verify your "
                     "residency first.")
        area_id = cafe.process.area_id
        if area_id is not None and current_user.residency.area_id != area_id:
            return _("Only verified residents of this area can join this café.")
    return None


@bp.route("/cafe/<code>", methods=["GET", "POST"])
@limiter.limit("300 per hour", methods=["POST"])  # a whole venue shares one address
def join(code: str):
    cafe = _by_code_or_404(code)
    me = _me(cafe)
    if me is not None and me.left_at is None:
        return redirect(url_for("cafe.table", code=code))
    reason = _may_join(cafe)
    form = JoinForm()
    if request.method == "POST" and reason is None:
        if signed_in(current_user) and request.form.get("as_user"):
            services.join(cafe, user=current_user)
            return redirect(url_for("cafe.table", code=code), 303)
        if not cafe.verification_required and form.validate_on_submit():
            try:
                _person, token = services.join(cafe, guest_name=form.display_name.data)
            except services.CafeError as error:
                flash(str(error), "error")
                return redirect(url_for("cafe.join", code=code), 303)
            guests = dict(session.get(GUESTS, {}))
            guests[str(cafe.id)] = token
            session[GUESTS] = guests
            return redirect(url_for("cafe.table", code=code), 303)
    status = 422 if form.errors else (403 if request.method == "POST" and reason else 200)
    return render_template("cafe/join.html", cafe=cafe, form=form, reason=reason), status


def _phone_context(cafe: Cafe, me) -> dict:
    rnd = cafe.live_round
    table = services.seat_of(me, rnd)
    upcoming = None
    if cafe.state == "break":
        upcoming = services.seat_of(me, cafe.round(cafe.current_round + 1))
    people = services.seating(rnd).get(table.id, []) if table is not None else []
    return {
        "cafe": cafe, "me": me, "round": rnd, "table": table, "people": people,
        "upcoming": upcoming,
        "is_host": table is not None and table.host_id == me.id,
        "notes": services.table_notes(table) if table is not None else [],
        "clock": services.clock(cafe), "version": services.version(cafe),
    }


def _announcement(context: dict) -> str:
    cafe, table = context["cafe"], context["table"]
    if cafe.state == "running" and table is not None:
        return _("Round %(round)s is on. Your table: %(table)s.", round=cafe.current_round,
                 table=table.number)
    if cafe.state == "paused":
        return _("The round is paused.")
    if cafe.state == "break":
        return _("Round %(round)s has ended.", round=cafe.current_round)
    if cafe.state == "finished":
        return _("The café has ended. Thank you for taking part.")
    return _("Waiting for the café to start.")


@bp.get("/cafe/<code>/me")
def table(code: str):
    cafe = _by_code_or_404(code)
    me = _me(cafe)
    if me is None or me.left_at is not None:
        return redirect(url_for("cafe.join", code=code))
    context = _phone_context(cafe, me)
    return render_template("cafe/table.html", form=NoteForm(), announcement=_announcement(context),
                           **context)


@bp.get("/cafe/<code>/state.json")
def state(code: str):
    cafe = _by_code_or_404(code)
    me = _me(cafe)
    if me is None:
        abort(403)
    context = _phone_context(cafe, me)
    return jsonify(version=context["version"], announce=_announcement(context),
                   table=context["table"].number if context["table"] else None,
                   **context["clock"])


@bp.post("/cafe/<code>/notes")
@limiter.limit("30 per minute", key_func=_note_key)
def post_note(code: str):
    cafe = _by_code_or_404(code)
    me = _me(cafe)
    if me is None:
        abort(403)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(cafe, me, form.body.data)
        except services.CafeError as error:
            flash(str(error), "error")
        else:
            flash(_("Your note is on the table."), "success")
        return redirect(url_for("cafe.table", code=code), 303)
    context = _phone_context(cafe, me)
    return render_template("cafe/table.html", form=form, announcement=_announcement(context),
                           **context), 422


@bp.post("/cafe/<code>/notes/<int:note_id>/key")
def mark_key(code: str, note_id: int):
    cafe = _by_code_or_404(code)
    note = db.session.get(CafeNote, note_id)
    if note is None or note.cafe_id != cafe.id:
        abort(404)
    me = _me(cafe)
    hosting = me is not None and note.table.host_id == me.id
    if not hosting and not can("cafe.run", cafe):
        abort(403)
    services.mark_key(note, request.form.get("key") == "1")
    back = request.form.get("back")
    if back == "console" and can("cafe.run", cafe):
        return redirect(url_for("cafe.console", cafe_id=cafe.id), 303)
    return redirect(url_for("cafe.table", code=code), 303)


# Command line -----------------------------------------------------------------------------------

@bp.cli.command("plan")
@click.option("--people", type=click.IntRange(min=1), required=True)
@click.option("--tables", type=click.IntRange(min=1), required=True)
@click.option("--rounds", type=click.IntRange(min=0), required=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--mode", type=click.Choice(["classic", "topic"]), default="classic",
              show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="End with one JSON line: hosts, rounds and seconds.")
def plan_command(people: int, tables: int, rounds: int, seed: int, mode: str, as_json: bool):
    """Plan a world café: who sits at which table in each round (people are numbered 0..N-1)."""
    if people < tables:
        raise click.BadParameter("need at least one person (the host) per table",
                                 param_hint="--people")
    began = time.perf_counter()
    result = rotation.plan(people, tables, rounds, seed=seed, mode=mode)
    seconds = time.perf_counter() - began
    quality = rotation.score(result)
    if not as_json:
        for number, seating in enumerate(result.rounds, start=1):
            click.echo(f"Round {number}")
            for t, members in enumerate(seating):
                click.echo(f"  table {t}: host {members[0]} | " + " ".join(
                    str(p) for p in members[1:]))
        bound = rotation.lower_bound(people, tables, rounds)
        click.echo(f"repeated pairs: {quality.repeated_pairs} (lower bound {bound.repeated_pairs})")
        click.echo(f"revisits: {quality.revisits} (lower bound {bound.revisits})")
        click.echo(f"distinct encounters per traveller: mean "
                   f"{quality.mean_distinct_encounters:.1f}, min {quality.min_distinct_encounters}")
        click.echo(f"seconds: {seconds:.3f}")
        return
    click.echo(json.dumps({**result.to_dict(), "seconds": round(seconds, 4)}))

