"""A workshop room full of students, for the README's screenshot of the wall and for
trying the wall by hand: real runs on one challenge (moons), each trained a different
while with its own network, their tiles put into the store and some submitted.

    python tools/wall_demo.py [--room demo-room] [--students 40]   # into NNP_STORE's store

then open http://127.0.0.1:8501/?room=demo-room&wall=1 (the teacher's key is printed).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from playground import Config, TrainingSession  # noqa: E402
from playground.room import service  # noqa: E402
from playground.room.rules import Challenge, breaks  # noqa: E402
from playground.room.store import open_store  # noqa: E402
from playground.room.tile import make_tile  # noqa: E402
from playground.saves import save_bytes  # noqa: E402

NAMES = ["Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Margaret",
         "Linus", "Frances", "Dennis", "Radia", "Ken", "Shafi", "Tim", "Hedy", "John",
         "Sophie", "Claude", "Annie"]
# The networks the class tries, in turn: hidden layers, activation, learning rate.
TRIES = [((8, 8), "tanh", 0.1), ((4,), "relu", 0.05), ((16,), "sigmoid", 0.5),
         ((6, 6), "relu", 0.03), ((2,), "tanh", 0.3), ((12, 4), "tanh", 0.2)]
CHALLENGE = Challenge(dataset="moons", max_units=16, max_layers=2, score="test_accuracy")


def student(n):
    """Student n's run: a network from TRIES, trained for 20 to 780 epochs."""
    hidden, activation, lr = TRIES[n % len(TRIES)]
    session = TrainingSession(Config(dataset="moons", samples=200, hidden=hidden,
                                     activation=activation, lr=lr, seed=42))
    session.advance(20 + (n * 97) % 760)
    return session


def nickname(n):
    return NAMES[n] if n < len(NAMES) else f"Student {n + 1}"


def fill_room(store, name, students=40, submitted=8):
    """The room made anew with `students` tiles and `submitted` submissions; the
    teacher's key."""
    key = service.create_room(store, name, CHALLENGE)
    for n in range(students):
        session, token = student(n), f"wall-demo-token-{n:04d}"
        tile = {**make_tile(session, nickname(n)), "playing": n % 4 != 0}
        service.publish(store, name, token, tile)
        if n < submitted and not breaks(CHALLENGE, session):
            service.submit(store, name, token, session, save_bytes(session), nickname(n))
    return key


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--room", default="demo-room")
    ap.add_argument("--students", type=int, default=40)
    args = ap.parse_args()
    key = fill_room(open_store(), args.room, args.students)
    print(f"room {args.room}: teacher's key {key}; the wall: ?room={args.room}&wall=1")


if __name__ == "__main__":
    main()
