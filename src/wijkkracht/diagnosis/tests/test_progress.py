import pytest

from wijkkracht.diagnosis.progress import green_share, progress_between
from wijkkracht.diagnosis.tests.helpers import refreshed, take


def test_progress_on_a_scale_where_low_is_good(world):
    before = take(
        world,
        "integrale-nulmeting",
        {
            "veiligheid": 4,
            "wonen": 3,
            "opleiding": 1,
            "werk": 4,
            "opvoeden": 2,
            "vrije-tijd": 2,
            "zorg": 3,
            "financien": 4,
        },
    )
    after = take(
        world,
        "integrale-nulmeting",
        {
            "veiligheid": 2,
            "wonen": 3,
            "opleiding": 2,
            "werk": 1,
            "opvoeden": 2,
            "vrije-tijd": 1,
            "zorg": 3,
            "financien": 3,
        },
    )
    progress = progress_between(refreshed(before), refreshed(after))
    changes = {d.code: d.change for d in progress.domains}
    assert changes == {
        "veiligheid": 2,
        "wonen": 0,
        "opleiding": -1,
        "werk": 3,
        "opvoeden": 0,
        "vrije-tijd": 1,
        "zorg": 0,
        "financien": 1,
    }
    assert (progress.improved, progress.same, progress.worse) == (4, 3, 1)
    assert progress.green_share_before == pytest.approx(3 / 8)  # opleiding 1, opvoeden 2, vrije tijd 2
    assert progress.green_share_after == pytest.approx(5 / 8)


def test_progress_on_a_scale_where_high_is_good(world):
    anna = world.household.members.get()
    before = take(world, "participatieladder", 2, person=anna)
    after = take(world, "participatieladder", 5, person=anna)
    progress = progress_between(refreshed(before), refreshed(after))
    assert [d.change for d in progress.domains] == [3]
    assert progress.improved == 1
    backwards = progress_between(refreshed(after), refreshed(before))
    assert [d.change for d in backwards.domains] == [-3] and backwards.worse == 1


def test_green_share_counts_green_values_only(world):
    measurement = take(world, "integrale-nulmeting", 3)
    assert green_share(refreshed(measurement)) == 0


def test_different_instruments_cannot_be_compared(world):
    a = take(world, "integrale-nulmeting", 3)
    b = take(world, "participatieladder", 3, person=world.household.members.get())
    with pytest.raises(ValueError):
        progress_between(refreshed(a), refreshed(b))
