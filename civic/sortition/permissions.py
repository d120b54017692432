"""Who may run a lottery: the staff who act for its area (区民協働課 for every lottery, 地域担当職員
for their areas' ones) and administrators. The register and the replies are theirs alone."""

from civic.accounts.permissions import acts_for_area, has_role, rule

rule("lottery.create")(lambda user, _obj: has_role(user, "staff"))
# obj: the lottery
rule("lottery.manage")(lambda user, lottery: acts_for_area(user, lottery.area_id))
