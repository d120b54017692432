"""The audit log for administrators: what staff, moderators and admins did, newest first."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from civic.accounts.permissions import permission_required
from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.security import no_store

bp = Blueprint("audit", __name__)


@bp.get("/admin/audit")
@no_store
@permission_required("users.administer")
def events():
    action = request.args.get("action", "").strip()
    statement = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        statement = statement.where(AuditEvent.action == action)
    page = db.paginate(statement, per_page=50, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct()
                                 .order_by(AuditEvent.action)).all()
    return render_template("admin/audit.html", page=page, action=action, actions=actions)
