"""What a room accepts: its name, a nickname, a challenge and the runs that keep it.

Pure functions and one frozen dataclass; the service (service.py) calls them and turns
a ValueError or a reason into a refusal on screen. A score is always computed here, from
the run itself, never taken from the page.
"""
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, fields

import numpy as np

from ..data.datasets import NAMES as DATASETS, REGRESSION, make_dataset
from ..outputs import PROBLEMS

MAX_STUDENTS = 200          # tiles in one room: the wall's grid holds this many
MAX_SUBMISSIONS = 20        # submissions per student per room
NAME = re.compile(r"[a-z0-9-]{3,32}")
MAX_NICKNAME = 24
# Characters a nickname may not hold: control characters, and the bidirectional overrides
# that would turn the wall's text around (shown as plain text, they still reorder it).
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@dataclass(frozen=True)
class Score:
    """How a challenge scores a run: the Metrics field read, and which way is better."""
    metric: str             # a field of session.Metrics
    higher_better: bool
    problem: str            # the problem type it fits


SCORES = {
    "test_loss": Score("test_loss", False, ""),                 # any problem
    "test_accuracy": Score("test_accuracy", True, "classification"),
    "r2": Score("test_r2", True, "regression"),
}


def check_room_name(name) -> str:
    """The room's name, or ValueError: it goes into links and the store's keys."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError("A room name is 3 to 32 characters: lower-case letters a-z, "
                         "digits 0-9 and hyphens.")
    return name


def check_nickname(text) -> str:
    """The nickname stripped, or ValueError: plain text, 1 to 24 characters."""
    name = text.strip() if isinstance(text, str) else ""
    if not 1 <= len(name) <= MAX_NICKNAME:
        raise ValueError(f"A nickname is 1 to {MAX_NICKNAME} characters.")
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI for ch in name):
        raise ValueError("A nickname may not hold control characters.")
    return name


def default_nickname(n: int) -> str:
    return f"Student {n}"


def _limit(value, what):
    """A limit is None (no limit) or a whole number of at least 1."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    raise ValueError(f"The challenge's {what} must be a whole number of at least 1, or none.")


@dataclass(frozen=True)
class Challenge:
    """A room's contest: one problem on one dataset, limits on the network, and a score."""
    problem: str = "classification"
    dataset: str = "moons"
    max_units: int | None = None        # hidden units in all layers together
    max_layers: int | None = None       # hidden layers
    epoch_budget: int | None = None     # epochs trained, at most
    score: str = "test_loss"            # a name from SCORES

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d) -> "Challenge":
        """A checked Challenge, or ValueError naming the first bad value."""
        if not isinstance(d, dict) or set(d) - {f.name for f in fields(cls)}:
            raise ValueError("A challenge holds only problem, dataset, max_units, "
                             "max_layers, epoch_budget and score.")
        c = cls(**d)
        if c.problem not in PROBLEMS:
            raise ValueError(f"The challenge's problem must be one of {', '.join(PROBLEMS)}.")
        if c.dataset not in DATASETS or (c.dataset in REGRESSION) != (c.problem == "regression"):
            raise ValueError(f"The dataset {c.dataset!r} does not fit a {c.problem} challenge.")
        if c.score not in SCORES or SCORES[c.score].problem not in ("", c.problem):
            raise ValueError(f"The score {c.score!r} does not fit a {c.problem} challenge.")
        for name in ("max_units", "max_layers", "epoch_budget"):
            _limit(getattr(c, name), name.replace("_", " "))
        return c


def _own_points(session) -> bool:
    """Whether the run trains on points of its own (uploaded or edited) rather than the
    dataset its config names: those would make the scores incomparable."""
    c = session.initial_config
    made = make_dataset(c.dataset, c.samples, c.noise, c.test_fraction, c.seed, c.classes,
                        c.formula)
    return not all(np.array_equal(getattr(made, part), getattr(session.data, part))
                   for part in ("X_train", "y_train", "X_test", "y_test"))


def breaks(challenge: Challenge, session) -> str:
    """Why this run does not keep the challenge's rules (one sentence), or "" when it does.
    A run without test points breaks it: every score is measured on unseen points."""
    c = session.config
    reasons = (
        (c.problem != challenge.problem, f"The challenge is a {challenge.problem} problem."),
        (c.dataset != challenge.dataset, f"The challenge is on the {challenge.dataset} dataset."),
        (_own_points(session), "The challenge is on the dataset's own points, not uploaded ones."),
        (len(session.data.y_test) == 0, "The challenge scores on test points: set a test "
                                        "fraction above 0."),
        (challenge.max_layers is not None and len(c.hidden) > challenge.max_layers,
         f"The challenge allows at most {challenge.max_layers} hidden layers."),
        (challenge.max_units is not None and sum(c.hidden) > challenge.max_units,
         f"The challenge allows at most {challenge.max_units} hidden units in all."),
        (challenge.epoch_budget is not None and session.epoch > challenge.epoch_budget,
         f"The challenge allows at most {challenge.epoch_budget:,} epochs of training."
         if challenge.epoch_budget is not None else ""),
        (bool(session.diverged), "A run that diverged has no score."),
    )
    return next((reason for broken, reason in reasons if broken), "")


def score(challenge: Challenge, session) -> float:
    """The run's score on its own test points, by the challenge's measure (nan if it has
    none; `breaks` refuses such a run first)."""
    return float(getattr(session.evaluate(), SCORES[challenge.score].metric))


def parameters(session) -> int:
    """How many weights and biases the run's network has: the tie-breaker."""
    return int(session.theta.size)


def rank_key(entry: dict):
    """Sort key of a leaderboard entry ({"metric", "score", "params", "submitted"}):
    the better score first (nan last), then fewer parameters, then the earlier."""
    value = entry["score"]
    if value is None or math.isnan(value):
        value = math.inf
    elif SCORES[entry["metric"]].higher_better:
        value = -value
    return (value, entry["params"], entry["submitted"])
