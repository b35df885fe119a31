"""A measurement cannot lie before the household's registration (nor in the future): the same on the page
and in the API, and nothing saved."""

import datetime

from django.utils import translation
from django.utils.formats import date_format

from wijkkracht.diagnosis.models import Measurement


def test_a_measurement_before_the_registration_is_refused_on_the_page_and_in_the_api(world, client, api):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    too_early = (world.household.registered_on - datetime.timedelta(days=1)).isoformat()
    data = {"instrument": "integrale-nulmeting", "date": too_early, "participation": "together"}

    page = client.post(f"/huishoudens/{world.household.id}/metingen/nieuw/", data)
    response = api.post("/api/v1/measurements/", data | {"household": world.household.id}, format="json")

    with translation.override("nl"):
        registered = date_format(world.household.registered_on, "j F Y")
    assert page.status_code == 200 and registered in str(page.context["form"].errors["date"])
    assert response.status_code == 400 and registered in response.json()["date"][0]
    assert not Measurement.objects.exists()
    on_the_day = data | {"household": world.household.id, "date": world.household.registered_on.isoformat()}
    assert api.post("/api/v1/measurements/", on_the_day, format="json").status_code == 201
