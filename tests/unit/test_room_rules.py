"""What a room accepts: names, nicknames, challenges, the runs that keep one, their score
(checked against predictions counted here) and the leaderboard's order."""
import numpy as np
import pytest

from playground.config import Config
from playground.data.datasets import make_dataset
from playground.room.rules import (Challenge, breaks, check_nickname, check_room_name,
                                   default_nickname, parameters, rank_key, score)
from playground.session import TrainingSession

MOONS = Config(dataset="moons", samples=120, hidden=(4, 3), seed=3)
PLANE = Config(dataset="plane", problem="regression", loss="mse", samples=120, hidden=(5,))


def trained(config, epochs=30, data=None):
    session = TrainingSession(config, data)
    session.advance(epochs)
    return session


@pytest.mark.parametrize("name", ["abc", "maths-1", "a" * 32, "2026-dec-07", "---"])
def test_room_names_that_are_accepted(name):
    assert check_room_name(name) == name


@pytest.mark.parametrize("name", ["ab", "a" * 33, "Maths", "maths 1", "maths_1", "mathé",
                                  "", None, 123, "maths/../x"])
def test_room_names_that_are_refused_in_one_sentence(name):
    with pytest.raises(ValueError, match=r"^A room name is 3 to 32 characters: .*\.$"):
        check_room_name(name)


def test_nicknames_are_stripped_plain_text():
    assert check_nickname("  Ada  ") == "Ada"
    assert check_nickname("<b>Bo</b> 🙂") == "<b>Bo</b> 🙂"        # shown as text, kept as is
    assert check_nickname("x" * 24) == "x" * 24
    assert default_nickname(7) == "Student 7"
    for bad in ["", "   ", "x" * 25, None, 5]:
        with pytest.raises(ValueError, match="1 to 24 characters"):
            check_nickname(bad)
    for bad in ["Ada\x07", "a\nb", "\u202eAda"]:
        with pytest.raises(ValueError, match="control characters"):
            check_nickname(bad)


def test_a_challenge_round_trips_and_bad_ones_are_refused():
    c = Challenge("regression", "plane", max_units=8, max_layers=2, epoch_budget=500,
                  score="r2")
    assert Challenge.from_dict(c.to_dict()) == c
    assert Challenge.from_dict({}) == Challenge()
    bad = {
        "holds only": {"problem": "classification", "colour": "red"},
        "problem must be": {"problem": "clustering"},
        "does not fit a regression": {"problem": "regression", "dataset": "moons"},
        "'plane' does not fit a classification": {"dataset": "plane"},
        "score 'r2' does not fit": {"score": "r2"},
        "score 'test_accuracy' does not fit": {"problem": "regression", "dataset": "plane",
                                               "score": "test_accuracy"},
        "max units must be": {"max_units": 0},
        "max layers must be": {"max_layers": "2"},
        "epoch budget must be": {"epoch_budget": True},
    }
    for message, d in bad.items():
        with pytest.raises(ValueError, match=message):
            Challenge.from_dict(d)
    with pytest.raises(ValueError, match="holds only"):
        Challenge.from_dict(["moons"])


def test_a_run_that_keeps_the_rules_breaks_none():
    challenge = Challenge(max_units=7, max_layers=2, epoch_budget=30)
    assert breaks(challenge, trained(MOONS)) == ""


def test_each_rule_a_run_breaks_is_said_in_one_sentence():
    challenge = Challenge(max_units=7, max_layers=2, epoch_budget=30)
    moons = make_dataset("moons", 120, 0.1, 0.5, 3)
    moons.y_train[0] = 1 - moons.y_train[0]                 # one point of the learner's own
    cases = {
        "a classification problem": trained(PLANE, 1),
        "on the moons dataset": trained(Config(dataset="circles", hidden=(4,)), 1),
        "not uploaded ones": trained(MOONS, 1, data=moons),
        "set a test fraction above 0": trained(Config(test_fraction=0.0, hidden=(4,)), 1),
        "at most 2 hidden layers": trained(Config(hidden=(2, 2, 2)), 1),
        "at most 7 hidden units in all": trained(Config(hidden=(4, 4)), 1),
        "at most 30 epochs": trained(MOONS, 31),
    }
    for reason, session in cases.items():
        said = breaks(challenge, session)
        assert reason in said and said.endswith(".") and said.count(". ") == 0, said
    diverged = trained(Config(**{**PLANE.__dict__, "lr": 50.0}), 5)
    assert diverged.diverged
    assert breaks(Challenge("regression", "plane"), diverged) == "A run that diverged has no score."


def test_the_score_is_measured_on_the_test_points():
    session = trained(MOONS, 40)
    p = session.predict(session.data.X_test)                # probability of class 1
    accuracy = np.mean((p > 0.5) == (session.data.y_test > 0.5))
    assert score(Challenge(score="test_accuracy"), session) == pytest.approx(accuracy, abs=1e-12)
    assert score(Challenge(), session) == session.evaluate().test_loss
    assert parameters(session) == (2 * 4 + 4) + (4 * 3 + 3) + (3 * 1 + 1)
    regression = trained(PLANE, 40)
    y = regression.data.y_test
    r2 = 1 - np.mean((regression.predict(regression.data.X_test) - y) ** 2) / np.var(y)
    # the session measures in its own precision (float32), this in float64
    assert score(Challenge("regression", "plane", score="r2"), regression) == \
        pytest.approx(r2, rel=1e-6)


def test_the_leaderboard_order_better_then_fewer_parameters_then_earlier():
    def entry(metric, value, params=10, submitted=1.0):
        return {"metric": metric, "score": value, "params": params, "submitted": submitted}
    losses = [entry("test_loss", 0.3), entry("test_loss", 0.1, 50), entry("test_loss", None),
              entry("test_loss", 0.1, 20, 2.0), entry("test_loss", 0.1, 20, 1.0)]
    assert [losses.index(e) for e in sorted(losses, key=rank_key)] == [4, 3, 1, 0, 2]
    accuracies = [entry("test_accuracy", 0.8), entry("test_accuracy", 0.9),
                  entry("test_accuracy", float("nan")), entry("r2", 0.95)]
    assert [accuracies.index(e) for e in sorted(accuracies, key=rank_key)] == [3, 1, 0, 2]
