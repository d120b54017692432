"""The accessibility statement (アクセシビリティ方針): what the site meets, how it is tested, limits."""

from datetime import date

from flask import Blueprint, render_template

bp = Blueprint("accessibility", __name__)

# Changed whenever the statement is reviewed against the site (JIS X 8341-3 asks for a date).
REVIEWED_ON = date(2026, 11, 23)


@bp.get("/accessibility")
def statement():
    return render_template("accessibility/statement.html", reviewed_on=REVIEWED_ON)
