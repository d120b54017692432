"""Who may change an area's karte and vision. The area pages themselves are public."""

from civic.accounts.permissions import acts_for_area, rule, staff_scope

# The karte's figures come from the ward's statistics, usually for every area at once: any staff
# may open the import, and a file's rows for areas outside their own are refused (services).
rule("areas.import_facts")(lambda user, _obj: staff_scope(user) is not None)
# obj: the area. Its 地域担当職員 and city-wide staff keep its vision with the residents.
rule("area.edit_vision")(lambda user, area: acts_for_area(user, area.id))
