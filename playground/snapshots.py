"""Parameters saved during training, for replaying it.

Snapshots are spaced geometrically: every epoch at first, then each about 10% later
than the one before, so the early epochs, where the surface changes fastest, are well
covered and a run of a million epochs keeps fewer than 200. A byte budget bounds them
too: when it fills, every other snapshot is dropped and the spacing widens.
"""
import math

import numpy as np


class Snapshots:
    def __init__(self, ratio=1.1, max_count=160, max_bytes=2_000_000):
        self.ratio, self.max_count, self.max_bytes = ratio, max_count, max_bytes
        self.epochs, self.thetas = [], []
        self.next = 0                       # the next epoch worth a snapshot

    def due(self, epoch):
        return epoch >= self.next

    def add(self, epoch, theta):
        """Keep a copy of the flat parameters at `epoch` (before that epoch's update)."""
        if self.epochs and epoch <= self.epochs[-1]:
            return
        self.epochs.append(epoch)
        self.thetas.append(np.array(theta, copy=True))
        if len(self.epochs) > self.max_count or len(self.epochs) * theta.nbytes > self.max_bytes:
            self.epochs, self.thetas = self.epochs[::2], self.thetas[::2]
            self.ratio = self.ratio ** 2
        self.next = max(epoch + 1, math.ceil(epoch * self.ratio))

    def truncate(self, last_epoch):
        """Forget snapshots after last_epoch (a diverged stretch was rolled back)."""
        keep = sum(e <= last_epoch for e in self.epochs)
        del self.epochs[keep:], self.thetas[keep:]
        last = self.epochs[-1] if self.epochs else -1
        self.next = max(last + 1, math.ceil(last * self.ratio))

    @property
    def nbytes(self):
        return sum(t.nbytes for t in self.thetas)

    def to_arrays(self) -> dict:
        """The snapshots and their spacing, as arrays: what a save keeps."""
        thetas = np.stack(self.thetas) if self.thetas else np.empty((0, 0))  # (count, params)
        return {"epochs": np.array(self.epochs, dtype=np.int64), "thetas": thetas,
                "ratio": np.array(self.ratio),
                "limits": np.array([self.max_count, self.max_bytes, self.next], dtype=np.int64)}

    @classmethod
    def from_arrays(cls, arrays) -> "Snapshots":
        """The snapshots `to_arrays` described, taken on exactly as they would have been."""
        epochs, thetas = arrays["epochs"], arrays["thetas"]
        if len(epochs) != len(thetas):
            raise ValueError(f"{len(epochs)} snapshot epochs for {len(thetas)} snapshots")
        max_count, max_bytes, next_epoch = (int(v) for v in arrays["limits"])
        new = cls(float(arrays["ratio"]), max_count, max_bytes)
        new.epochs, new.thetas = [int(e) for e in epochs], [t.copy() for t in thetas]
        new.next = next_epoch
        return new
