"""Notifications are private: each person sees and marks only their own."""

from civic.accounts.permissions import rule, signed_in

rule("notifications.view")(lambda user, _obj=None: signed_in(user))
