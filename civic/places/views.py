"""地域資源マップ: the list (no JavaScript needed), the map, the GeoJSON download, staff editing.

Leaflet comes from the XStatic-Leaflet package and is served by civic itself from
``/places/leaflet/…``: no CDN, and the map page is the only one that loads it (the one page
allowed past the 20 kB JavaScript budget; tests/test_js_budget.py).
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import xstatic.pkg.leaflet as xstatic_leaflet
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

import civic.places.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import acts_for_area, can, permission_required, require
from civic.caching import services as caching
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int
from civic.places import services
from civic.places.forms import PlaceForm
from civic.places.models import CATEGORIES, Place
from civic.security import csp_nonce
from civic.spaces import services as spaces
from civic.transactions import read_only

bp = Blueprint("places", __name__)

CATEGORY_LABELS = {
    "meeting_room": _l("Meeting rooms and halls"),
    "park": _l("Parks and open spaces"),
    "helpful_shop": _l("Shops that help"),
    "activity_site": _l("Activity sites"),
    "funded_project": _l("Joint projects"),
    "welfare": _l("Welfare facilities"),
    "disaster": _l("Disaster prevention"),
    "school": _l("Schools"),
    "other": _l("Other places"),
}
bp.app_template_global("place_categories")(lambda: CATEGORY_LABELS)

LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)
LEAFLET_FILES = frozenset({"leaflet.js", "leaflet.css", "images/layers.png",
                           "images/layers-2x.png", "images/marker-icon.png",
                           "images/marker-icon-2x.png", "images/marker-shadow.png"})
LEAFLET_MAX_AGE = 7 * 24 * 3600  # the URL carries Leaflet's version


def _filters() -> tuple[int | None, str | None]:
    area_id = request.args.get("area", type=db_int)
    category = request.args.get("category")
    return area_id or None, category if category in CATEGORIES else None


def _listing(template: str, **extra):
    area_id, category = _filters()
    areas = spaces.areas()
    return render_template(template, places=services.published_places(area_id, category),
                           areas=areas, area_names={area.id: area.name for area in areas},
                           area_id=area_id, category=category, **extra)


@bp.get("/places")
@read_only
def index():
    return _listing("places/index.html")


def tile_origin(tile_url: str) -> str:
    """The CSP source of the tile server: scheme and host; Leaflet's {s} becomes a wildcard."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


@bp.get("/places/map")
@read_only
def map_page():
    area_id, category = _filters()
    config = current_app.config
    settings = {
        "tiles": config["CIVIC_MAP_TILE_URL"], "attribution": config["CIVIC_MAP_ATTRIBUTION"],
        "maxZoom": config["CIVIC_MAP_MAX_ZOOM"], "center": list(config["CIVIC_MAP_CENTER"]),
        "zoom": config["CIVIC_MAP_ZOOM"],
        "geojson": url_for("places.geojson_download", area=area_id, category=category),
    }
    page = _listing("places/map.html", map_settings=json.dumps(settings, ensure_ascii=False),
                    leaflet_version=xstatic_leaflet.VERSION)
    response = make_response(page)
    nonce = csp_nonce()
    # The one page whose images may come from elsewhere: the tile server, nothing more.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        f"img-src 'self' data: {tile_origin(config['CIVIC_MAP_TILE_URL'])}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return response


@bp.get("/places/leaflet/<version>/<path:filename>")
@read_only
def leaflet(version: str, filename: str):
    if version != xstatic_leaflet.VERSION or filename not in LEAFLET_FILES:
        abort(404)
    return send_from_directory(LEAFLET_DIR, filename, max_age=LEAFLET_MAX_AGE)


@bp.get("/places.geojson")
@read_only
def geojson_download():
    area_id, category = _filters()

    def link(place_id: int) -> str:
        return url_for("places.show", place_id=place_id, _external=True)

    # Served from memory as bytes until a place changes (civic.caching): every map view loads
    # all places, over a megabyte for a whole ward (written without spaces: 7 % less). The
    # links' host is in the key.
    key, depends = (area_id, category, link(0)), ("place",)
    tag = caching.stamp("places.geojson", key, depends)
    response = caching.not_modified(tag) or caching.encoded(
        "places.geojson", key, depends, tag, mimetype="application/geo+json",
        compute=lambda: json.dumps(services.feature_collection(area_id, category, link=link),
                                   ensure_ascii=False, separators=(",", ":")).encode())
    if request.args.get("download"):
        response.headers["Content-Disposition"] = 'attachment; filename="places.geojson"'
    return response


def _place_or_404(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None or not (place.published or can("place.manage", place)):
        abort(404)
    return place


@bp.get("/places/<int:place_id>")
@read_only
def show(place_id: int):
    place = _place_or_404(place_id)
    from civic.groups.models import Group, GroupPlace

    groups = db.session.scalars(
        select(Group).join(GroupPlace, GroupPlace.group_id == Group.id)
        .where(GroupPlace.place_id == place.id, Group.published.is_(True))
        .order_by(Group.name)).all()
    return render_template("places/show.html", place=place, groups=groups)


# Staff ------------------------------------------------------------------------------------------

def _form(place: Place) -> PlaceForm:
    form = PlaceForm(obj=place)
    form.category.choices = [(key, str(label)) for key, label in CATEGORY_LABELS.items()]
    form.area.choices = [(area.id, area.name) for area in spaces.areas()
                         if acts_for_area(current_user, area.id)]
    from civic.groups.models import Group

    form.group.choices = [(0, _("None"))] + [
        (group.id, group.name) for group in db.session.scalars(select(Group).order_by(Group.name))]
    if request.method == "GET" and place.id is not None:
        form.area.data, form.group.data = place.area_id, place.group_id or 0
    return form


@bp.get("/staff/places")
@permission_required("place.manage")
def staff_index():
    statement = select(Place).order_by(Place.area_id, Place.name)
    places = [place for place in db.session.scalars(statement) if can("place.manage", place)]
    areas = spaces.areas()
    return render_template("places/staff_index.html", places=places,
                           area_names={area.id: area.name for area in areas})


@bp.route("/staff/places/new", methods=["GET", "POST"])
@bp.route("/staff/places/<int:place_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("120 per hour", methods=["POST"], key_func=person_or_address)
def edit(place_id: int | None = None):
    if place_id is None:
        require("place.manage")
        place = Place()
    else:
        place = db.session.get(Place, place_id) or abort(404)
        require("place.manage", place)
    form = _form(place)
    if form.validate_on_submit():
        services.save_place(place, form.data, current_user)
        flash(_("The place has been saved."), "success")
        return redirect(url_for("places.show", place_id=place.id))
    return render_template("places/form.html", form=form, place=place), (
        422 if form.errors else 200)
