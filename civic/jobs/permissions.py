"""A job's progress and outcome are for the person who started it, and for staff."""

from civic.accounts.permissions import has_role, rule, signed_in

rule("job.view")(lambda user, job: signed_in(user) and (job.created_by_id == user.id
                                                          or has_role(user, "staff")))
