from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import inspect

import civic.comments.permissions  # noqa: F401  (declares the rules)
import civic.moderation.permissions  # noqa: F401
from civic.accounts.permissions import can, has_role, require, signed_in
from civic.accounts.services import personal_data_sections
from civic.caching import services as caching
from civic.comments import services
from civic.comments.forms import STANCE_LABELS, CommentForm, form_prefix
from civic.comments.models import Comment
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int, form_checks_csrf
from civic.moderation import services as moderation

bp = Blueprint("comments", __name__)


@bp.app_template_global()
def comment_form(parent_id: int | None = None) -> CommentForm:
    return CommentForm(formdata=None, prefix=form_prefix(parent_id))


bp.app_template_global("stance_labels")(lambda: STANCE_LABELS)

# The tables a comment section is rendered from (vote counts live on the comment rows).
THREAD_TABLES = ("comment", "user", "user_role")  # user_role: the staff badge


class SharedReader:
    """A signed-in person who wrote none of the comments on the page and moderates nothing:
    whose rights the cached HTML of a thread shows. No account has id 0."""

    id = 0
    is_authenticated = True
    is_deleted = False

    @staticmethod
    def has_role(*_roles: str) -> bool:
        return False


def _vote_button(comment_id: int, way: str, chosen: bool) -> str:
    # Must match the vote buttons of comments/_thread.html.
    state = ' chosen" aria-pressed="true"' if chosen else '" aria-pressed="false"'
    return f'data-vote="{comment_id}{way}" class="vote{state}'


def section(target_type: str, target_id: int, sort: str | None, cpage, page_url) -> Markup:
    """A target's comment section, as its host page shows it.

    Everyone who sees a page of comments alike gets it from the fragment cache, with their own
    votes and CSRF token filled in. Moderators, blocked people and the authors of comments on
    the page see something of their own (hidden comments, edit links), rendered for them alone.
    """
    target = services.load_target(target_type, target_id)
    may_comment = can("comment.create", target)

    def render(reader, cached: bool):
        thread = services.thread_page(target_type, target_id, sort, cpage,
                                      user=None if cached else reader)
        html = render_template("comments/_section.html", thread=thread, page_url=page_url,
                               reader=reader, may_comment=may_comment,
                               **({"csrf_token": caching.csrf_slot} if cached else {}))
        return html, {c.author_id for c in thread.comments}, [c.id for c in thread.comments]

    person = current_user
    if has_role(person, "moderator") or moderation.is_blocked(person):
        return Markup(render(person, cached=False)[0])  # noqa: S704 - rendered by Jinja  # nosec B704
    signed = signed_in(person)
    reader = SharedReader() if signed else person
    if signed:
        # Blocked people got their own rendering above; the shared reader never asks the
        # database whether account 0 is blocked.
        moderation.remember_blocked(reader, False)
    html, authors, shown = caching.fragment(
        "comments.section", (target_type, target_id, sort, cpage, signed, may_comment),
        THREAD_TABLES, lambda: render(reader, cached=True))
    if signed and person.id in authors:
        return Markup(render(person, cached=False)[0])  # noqa: S704  # nosec B704
    for comment_id, value in services.votes_of(person, shown).items():
        way = "up" if value > 0 else "down"
        html = html.replace(_vote_button(comment_id, way, False),
                            _vote_button(comment_id, way, True))
    return Markup(caching.fill_csrf(html))  # noqa: S704 - rendered by Jinja  # nosec B704


def _url(target_type: str, target_id: int):
    entry, obj = services.load_target(target_type, target_id)
    if obj is None or not entry.can_view(current_user, obj):
        abort(404)
    return entry, obj


def _comment_or_404(comment_id: int) -> tuple[Comment, object]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    entry, obj = _url(comment.target_type, comment.target_id)
    return comment, entry.url(obj)


def _back(url: str, comment_id: int | None = None):
    return redirect(url + (f"#comment-{comment_id}" if comment_id else "#comments"))


@bp.post("/comments/<target_type>/<int:target_id>")
@login_required
@limiter.limit("10 per minute;100 per hour", key_func=person_or_address)
@form_checks_csrf
def post(target_type: str, target_id: int):
    entry, obj = _url(target_type, target_id)
    require("comment.create", (entry, obj))
    parent_id = request.args.get("parent", type=db_int)
    form = CommentForm(prefix=form_prefix(parent_id))
    if form.validate_on_submit():
        back = entry.url(obj)  # before the commit expires obj, which would cost a reload
        try:
            comment = services.add(current_user, target_type, target_id, form.body.data,
                                   form.stance.data, parent_id)
        except services.CommentError as error:
            form.body.errors = [*form.body.errors, str(error)]
        else:
            flash(_("Your comment has been posted."), "success")
            # Its id from the identity: comment.id would reload the comment the commit expired.
            return _back(back, inspect(comment).identity[0])
    return render_template("comments/form.html", form=form, back=entry.url(obj),
                           action=request.full_path), 422


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def edit(comment_id: int):
    comment, back = _comment_or_404(comment_id)
    require("comment.edit", comment)
    form = CommentForm(obj=comment, prefix="edit")
    if form.validate_on_submit():
        try:
            services.edit(comment, form.body.data, form.stance.data)
        except services.CommentError as error:
            form.body.errors = [*form.body.errors, str(error)]
        else:
            flash(_("Your comment has been updated."), "success")
            return _back(back, comment.id)
    return render_template("comments/form.html", form=form, back=back, comment=comment,
                           action=request.path), 422 if form.errors else 200


@bp.get("/comments/<int:comment_id>")
def show(comment_id: int):
    """A lasting link to one comment: the target's page of threads that holds it.

    Thread pages take the page number as ``cpage`` (see ``thread_page``)."""
    comment, back = _comment_or_404(comment_id)
    page = services.page_of(comment)
    if page > 1:
        back += ("&" if "?" in back else "?") + f"cpage={page}"
    return _back(back, comment.id)


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete(comment_id: int):
    comment, back = _comment_or_404(comment_id)
    require("comment.delete", comment)
    services.delete(comment)
    flash(_("Your comment has been deleted."), "success")
    return _back(back, comment.id)


@bp.post("/comments/<int:comment_id>/vote")
@login_required
@limiter.limit("60 per minute", key_func=person_or_address)
def vote(comment_id: int):
    comment, back = _comment_or_404(comment_id)
    require("comment.vote", comment)
    value = {"up": 1, "down": -1}.get(request.form.get("value"))
    if value is None:
        abort(400)
    services.vote(current_user, comment, value)
    return _back(back, comment.id)


def _comment_url(comment: Comment) -> str:
    entry, obj = services.load_target(comment.target_type, comment.target_id)
    return (entry.url(obj) if obj is not None else "/") + f"#comment-{comment.id}"


moderation.register("comment", Comment, url=_comment_url, label=lambda c: c.body[:80],
                    can_view=lambda user, c: can("comment.view", c, user=user))


def _personal_data(user):
    return "comments", services.comments_by(user)


if _personal_data not in personal_data_sections:
    personal_data_sections.append(_personal_data)
