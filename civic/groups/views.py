"""Local groups: the directory per area, a group's page, admin requests, activities."""

from flask import Blueprint

from civic.groups import models  # noqa: F401  (the models belong to the app's metadata)

bp = Blueprint("groups", __name__)
