"""Lessons: ready setups that each show one thing, with a few sentences for the learner.

The app loads one from a click or a link (`?lesson=xor-stuck`), so the names are public
and must stay stable. Every claim a text makes is checked by training the config in
tests/test_lessons.py: the epochs here are chosen so the claim holds within them.
"""
from dataclasses import dataclass

from ..config import Config, from_preset


@dataclass(frozen=True)
class Lesson:
    title: str       # a few words, for a button or a heading
    text: str        # 2-4 plain sentences: what to look at, what happens, why
    config: Config


# The circles lessons differ only in their hidden layer.
# Dead units at the end of the Dying ReLU lesson, as its text, Why is it stuck? and
# tests/unit/test_lessons.py all say (measured on both kernel choices of .ci/run).
DYING_RELU_DEAD = 7
_CIRCLES = dict(dataset="circles", samples=400, noise=0.05, activation="tanh",
                optimizer="adam", lr=0.03, epochs=1000, seed=42)

LESSONS = {
    "tutorial": Lesson(
        "The tutorial's network",
        "This is the network of 'Implementing a Neural Network from Scratch in Python': "
        "two inputs, two sigmoid hidden units and a sigmoid output, trained on the four XOR "
        "points with the tutorial's seed 42, learning rate 0.1 and 10,000 epochs of its own "
        "update rule. Press Play and compare the printout with the tutorial's: the numbers "
        "match digit for digit. Watch the loss: it drops, then levels off long before zero.",
        from_preset("tutorial")),
    "xor-stuck": Lesson(
        "Stuck on XOR",
        "The tutorial's own run does not learn XOR: the loss flattens near 0.128 and two of "
        "the four points stay on the wrong side of 0.5, hovering right at 0.5. Open the panel "
        "Why is it stuck? and it names a plateau, where the loss's slope is almost flat. Both "
        "hidden units are saturated (near 1) at the points (0,1) and (1,1), so those two look "
        "the same to the output unit, which can only put both at 0.5; even three times as "
        "many epochs barely move it.",
        from_preset("tutorial")),
    "xor-four-units": Lesson(
        "Four units solve XOR",
        "The same network, seed and learning rate, but four hidden units instead of two. "
        "Within the 10,000 epochs all four points end on the right side of 0.5 and the loss "
        "falls below 0.01. More units give gradient descent more ways down the slope, so it "
        "is less likely to stall on a plateau.",
        from_preset("tutorial", hidden=(4,))),
    "circles-two-units": Lesson(
        "Circles with two units",
        "The blue disc sits inside the orange ring. Each hidden unit draws one straight edge "
        "across the plane, and two edges make a band or a wedge, never a closed region, so "
        "part of the ring always leaks through and accuracy stays below 90%. Watch the "
        "boundary settle into a stripe.",
        Config(**_CIRCLES, hidden=(2,))),
    "circles-three-units": Lesson(
        "Circles with three units",
        "The same points with three hidden units. Three edges can close around the disc, "
        "and within 1,000 epochs the network gets every training point and nearly every test "
        "point right. Look at the unit pictures: each draws one edge of the fence. Three is "
        "the fewest straight edges that enclose a region of the plane.",
        Config(**_CIRCLES, hidden=(3,))),
    "lr-too-high": Lesson(
        "Learning rate too high",
        "ReLU units with a learning rate of 20. Every step overshoots the bottom of the "
        "valley and lands higher up the other side, so the loss jumps up and down, between "
        "about 1.7 and 3.1, far above where it started. After 300 epochs of this the run "
        "stops and says what to change. Set the learning rate to 0.3, press Reset, and the "
        "same network learns the moons.",
        Config(dataset="moons", samples=200, hidden=(8, 8), activation="relu",
               optimizer="sgd", lr=20.0, epochs=500, seed=42)),
    "dying-relu": Lesson(
        "Dying ReLU",
        "Sixteen ReLU units trained with momentum and a learning rate of 4. Press Step "
        "to watch the unit pictures one epoch at a time: within 25 epochs the big steps push "
        f"{DYING_RELU_DEAD} of them "
        "below zero at every training point, where a ReLU outputs 0 and its slope is 0, so "
        "no gradient reaches the unit again and its picture stays blank for good. Open Why "
        f"is it stuck? to count them ({DYING_RELU_DEAD} of 16 in layer 1); with a learning "
        "rate of 0.03 all sixteen stay alive.",
        Config(dataset="moons", samples=200, hidden=(16,), activation="relu",
               optimizer="momentum", lr=4.0, epochs=500, init="he", seed=42)),
    "regularization": Lesson(
        "L2 regularization",
        "Two layers of 32 units learn from only 20 noisy points. L2 regularization pulls "
        "every weight toward zero at each step, which keeps the boundary smooth. Set "
        "Regularization to None and press Reset: the boundary then bends around every noisy "
        "point, the training loss gets lower and the test loss several times higher.",
        Config(dataset="moons", samples=40, noise=0.3, hidden=(32, 32), activation="tanh",
               optimizer="adam", lr=0.01, epochs=1000, regularization="l2", reg_rate=0.01,
               seed=42)),
    "minibatch-noise": Lesson(
        "Mini-batch noise",
        "Each update here follows 10 points, not all 100, so each step trusts a rough guess "
        "of the slope. The loss curve jitters up and down instead of falling smoothly. Set "
        "Batch size to Full batch and press Reset to compare: one exact step per epoch "
        "gives a smooth curve, but ten rough ones get lower sooner.",
        Config(dataset="moons", samples=200, noise=0.2, hidden=(8, 8), activation="tanh",
               optimizer="sgd", lr=0.1, batch_size=10, epochs=300, seed=42)),
    "spiral-three-classes": Lesson(
        "Three classes need softmax",
        "Three spiral arms, one class each: the output is now three softmax units, one "
        "probability per class summing to 1, trained with cross-entropy. Two hidden layers "
        "of 16 tanh units untangle the arms, and within 2,000 epochs over 90% of the "
        "training and test points are right. Set the hidden layers to one layer of 4 units "
        "and press Reset: fewer than half stay right, as four straight edges cannot part "
        "three arms wound around each other.",
        Config(dataset="spiral", problem="classification", classes=3, loss="ce", samples=600,
               noise=0.02, hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.02,
               epochs=2000, seed=42)),
    "plane-linear": Lesson(
        "Regression: a plane",
        "Here each point has a value, not a class: its target is (x1 + x2) / 10, a tilted "
        "plane. The output is one linear unit, the loss mean squared error, and R² says "
        "how much of the targets' spread the network explains (1 is all of it). A network "
        "with one linear hidden unit is a linear model, and within 1,000 epochs its R² "
        "is above 0.99: a plane is exactly what it can draw.",
        Config(dataset="plane", problem="regression", loss="mse", samples=300, noise=0.0,
               hidden=(1,), activation="linear", optimizer="adam", lr=0.02, epochs=1000,
               seed=42)),
    "bumps-need-hidden-units": Lesson(
        "Regression: six bumps",
        "Six bumps, three up and three down, on the same kind of plane. Two hidden layers "
        "of 8 tanh units shape them: within 1,000 epochs R² is above 0.85 on the "
        "training and the test points. Set the hidden layers to one unit and the activation "
        "to Linear, press Reset, and R² stays below 0.1, since the best plane through "
        "bumps that cancel out is nearly flat.",
        Config(dataset="multi-gaussian", problem="regression", loss="mse", samples=300,
               noise=0.0, hidden=(8, 8), activation="tanh", optimizer="adam", lr=0.02,
               epochs=1000, seed=42)),
    "sine-needs-units": Lesson(
        "Faster sines need more units",
        "The classes here come from your own formula, `x2 > sin(8*x1)`: a sine that winds up "
        "and down more than twice across the square, with 3 tanh units to follow it. Each "
        "unit bends the boundary about once, so three cannot follow every wiggle and fewer "
        "than 80% of the training points end up right. Type `x2 > sin(2*x1)` in the formula "
        "box: the slower sine has fewer bends, and three units get nearly every point "
        "right. Back at `sin(8*x1)`, a layer of 16 units follows it all.",
        Config(dataset="formula", formula="x2 > sin(8*x1)", samples=400, noise=0.0,
               hidden=(3,), activation="tanh", optimizer="adam", lr=0.03, epochs=1500,
               seed=42)),
}


def lesson_names() -> tuple:
    """The lessons in the order the app lists them: from the tutorial outward."""
    return tuple(LESSONS)
