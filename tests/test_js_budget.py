"""JavaScript per page stays within 20 kB. The one exception is the map page (places/map.html),
which loads Leaflet; no other template may load it."""

import re
from pathlib import Path

from civic.places.views import LEAFLET_DIR

ROOT = Path(__file__).resolve().parents[1] / "civic"
BUDGET = 20 * 1024
# template → the scripts it may load beyond the budget (served by civic from XStatic-Leaflet).
EXCEPTIONS = {"places/map.html": {"leaflet.js"}}
STATIC = re.compile(r"url_for\('static', filename='(js/[^']+)'\)")
LEAFLET = re.compile(r"url_for\('places\.leaflet'[^)]*filename='([^']+\.js)'\)")


def _templates():
    base = ROOT / "templates"
    return {str(path.relative_to(base)): path.read_text() for path in base.rglob("*.html")}


def test_every_page_keeps_to_the_javascript_budget_but_the_map():
    templates = _templates()
    shared = {name for name in STATIC.findall(templates["base.html"])}
    for name, text in templates.items():
        scripts = shared | set(STATIC.findall(text))
        size = sum((ROOT / "static" / script).stat().st_size for script in scripts)
        assert size <= BUDGET, f"{name}: {size} bytes of JavaScript"
        allowed = EXCEPTIONS.get(name, set())
        assert set(LEAFLET.findall(text)) <= allowed, f"{name} loads Leaflet"


def test_the_exception_is_the_map_and_leaflet_only(client):
    answer = client.get("/places/map")
    sources = re.findall(r'<script[^>]* src="([^"?]+)', answer.text)
    leaflet = [src for src in sources if src.startswith("/places/leaflet/")]
    assert [src.rsplit("/", 1)[1] for src in leaflet] == ["leaflet.js"]
    assert (LEAFLET_DIR / "leaflet.js").stat().st_size > BUDGET  # why it is an exception
    own = sum(len(client.get(src).data) for src in sources if src not in leaflet)
    assert own <= BUDGET
    page = client.get("/places").text
    assert "/places/leaflet/" not in page
