"""The demo ward's karte and visions."""

from sqlalchemy import func, select

from civic.areas.models import AreaFact, AreaVision, GoalLink
from civic.extensions import db
from civic.spaces.models import Area


def test_every_demo_area_has_three_years_of_figures_and_a_vision(app, client, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    areas = db.session.scalars(select(Area)).all()
    for area in areas:
        years = db.session.scalars(select(AreaFact.year).where(AreaFact.area_id == area.id)
                                   .distinct()).all()
        assert len(years) == 3, area.slug
        vision = db.session.scalar(select(AreaVision).where(AreaVision.area_id == area.id))
        assert vision is not None and len(vision.goals) >= 2
        page = client.get(f"/areas/{area.slug}")
        assert page.status_code == 200 and vision.title in page.text
        assert page.text.count("<svg") >= 4  # pyramid and three trends, besides the menu icons
    assert db.session.scalar(select(func.count()).select_from(GoalLink)) >= len(areas)
    populations = db.session.scalars(select(AreaFact.value).where(
        AreaFact.key == "population")).all()
    assert all(15_000 < value < 50_000 for value in populations)
    assert client.get("/areas/compare").status_code == 200
