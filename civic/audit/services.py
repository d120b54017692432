"""Recording audit events inside the caller's transaction, so an action and its record commit together."""

from civic.audit.models import AuditEvent
from civic.extensions import db


def record(actor, action: str, target, **detail) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "none",
        target_id=getattr(target, "id", None),
        detail=detail,
    )
    db.session.add(event)
    return event
