"""What every resource of the API shares: who it reads as, and how a person is named."""

from datetime import UTC

from marshmallow import fields

from civic.extensions import login_manager


# The API reads as a visitor whoever sends the request: its answers are public and cached as
# such, so a signed-in browser calling it sees (and a shared cache keeps) only what everyone may.
def visitor():
    return login_manager.anonymous_user()


def public_name(user) -> str | None:
    """The name a person shows next to what they wrote; none for a deleted account."""
    if user is None or user.is_deleted:
        return None
    return user.display_name


class PublicName(fields.Function):
    """An author as their public display name, never their address or anything else."""

    def __init__(self, attribute: str, **kwargs):
        super().__init__(lambda obj: public_name(getattr(obj, attribute)), allow_none=True,
                         metadata={"type": "string"}, **kwargs)


class Moment(fields.DateTime):
    """A stored (naive UTC) timestamp as ISO 8601 with its offset, as RFC 3339 wants."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
