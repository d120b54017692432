"""Who may change an area's karte and vision. The area pages themselves are public."""

from civic.accounts.permissions import EVERY_AREA, acts_for_area, rule, staff_scope

# The karte's figures come from the ward's statistics for every area at once (one file):
# city-wide staff import them.
rule("areas.import_facts")(lambda user, _obj: staff_scope(user) == EVERY_AREA)
# obj: the area. Its 地域担当職員 and city-wide staff keep its vision with the residents.
rule("area.edit_vision")(lambda user, area: acts_for_area(user, area.id))
