"""Training history on a fixed memory budget, however long the run.

Rows are recorded every `stride` epochs. When the budget fills, every other row is
dropped and the stride doubles, so a run of a million epochs keeps at most `budget`
rows, evenly spaced, always including epoch 0. The budget of 4,096 keeps the stride at 4
or less through the tutorial's 10,000 epochs, so its every-100th-epoch printout is kept.
"""
import numpy as np

COLUMNS = ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


class History:
    def __init__(self, budget=4096):
        self.rows = np.full((budget, len(COLUMNS)), np.nan)  # (budget, 5)
        self.n = 0
        self.stride = 1

    def wants(self, epoch):
        """Whether the row for this epoch would be kept."""
        return epoch % self.stride == 0 and (self.n == 0 or epoch > self.rows[self.n - 1, 0])

    def add(self, epoch, train_loss, train_accuracy, test_loss=np.nan, test_accuracy=np.nan):
        if not self.wants(epoch):
            return
        if self.n == len(self.rows):
            kept = self.rows[: self.n : 2].copy()
            self.rows[:] = np.nan
            self.n = len(kept)
            self.rows[: self.n] = kept
            self.stride *= 2
            if epoch % self.stride:
                return
        self.rows[self.n] = (epoch, train_loss, train_accuracy, test_loss, test_accuracy)
        self.n += 1

    def truncate(self, last_epoch):
        """Forget rows after last_epoch (used when a diverged stretch is rolled back)."""
        keep = int(np.searchsorted(self.rows[: self.n, 0], last_epoch, side="right"))
        self.rows[keep: self.n] = np.nan
        self.n = keep

    def column(self, name):
        return self.rows[: self.n, COLUMNS.index(name)]

    def as_dict(self):
        return {name: self.column(name).tolist() for name in COLUMNS}

    def to_arrays(self) -> dict:
        """The recorded rows and their spacing, as arrays: what a save keeps."""
        return {"rows": self.rows[: self.n].copy(), "stride": np.array(self.stride),
                "budget": np.array(len(self.rows))}

    @classmethod
    def from_arrays(cls, arrays) -> "History":
        """The history `to_arrays` described, recording on exactly as it would have."""
        new, rows = cls(int(arrays["budget"])), np.asarray(arrays["rows"], float)
        if rows.ndim != 2 or rows.shape[1] != len(COLUMNS) or len(rows) > len(new.rows):
            raise ValueError(f"history rows of shape {rows.shape} do not fit its budget")
        new.rows[: len(rows)], new.n, new.stride = rows, len(rows), int(arrays["stride"])
        return new

    def copy(self):
        new = History(len(self.rows))
        new.rows, new.n, new.stride = self.rows.copy(), self.n, self.stride
        return new
