"""Who may edit places: staff, for the areas they act for (``civic.accounts.permissions``)."""

from civic.accounts.permissions import acts_for_area, has_role, rule

# obj: a Place (its area), or None for the staff pages at all (a new place in one of their areas).
rule("place.manage")(lambda user, place: has_role(user, "staff") if place is None
                     else acts_for_area(user, place.area_id))
