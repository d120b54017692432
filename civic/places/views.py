"""地域資源マップ: the map, the list that needs no JavaScript, the GeoJSON download, staff editing."""

from flask import Blueprint

from civic.places import models  # noqa: F401  (the models belong to the app's metadata)

bp = Blueprint("places", __name__)
