"""What `python -m playground train` reports: the run, trained with the loss taken every
LOG_EVERY epochs as the tutorial prints it, and the one JSON object of --json."""
import math

from ..fast import W_and_b
from ..network import LOG_EVERY
from ..session import TrainingSession

# 2: config gained problem and classes; y_train and predictions follow the problem type,
# and runs other than binary classification add their own metrics (see `report`)
SCHEMA_VERSION = 2


def weights_json(params):
    """[{"W": fan_in x fan_out rows, "b": flat list}, ...] from input to output."""
    return [{"W": W.astype(float).tolist(), "b": b.astype(float).ravel().tolist()}
            for W, b in W_and_b(params)]


def _number(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def train(config, log=None):
    """Train, collecting the training loss before the update of every LOG_EVERY-th epoch."""
    session = TrainingSession(config)
    losses = []
    while not session.done:
        loss = session.evaluate().train_loss
        losses.append(loss)
        if log:
            log(f"Epoch {session.epoch}, Loss: {loss}")
        session.advance(LOG_EVERY)
    return session, losses


def report(session, losses):
    m = session.evaluate()
    out = {
        "schema_version": SCHEMA_VERSION,
        "config": session.config.to_dict(),
        "epochs_run": session.epoch,
        "losses": losses,
        "predictions": session.predict(session.data.X_train).astype(float).tolist(),
        "train_loss": _number(m.train_loss),
        "train_accuracy": _number(m.train_accuracy),      # null for regression
        "test_loss": _number(m.test_loss),
        "test_accuracy": _number(m.test_accuracy),
        "diverged": session.diverged or None,
        "X_train": session.data.X_train.astype(float).tolist(),
        "y_train": targets_json(session),
        "initial_weights": weights_json(session.initial_params),
        "weights": weights_json(session.params),
    }
    if session.output == "linear":
        out.update(train_r2=_number(m.train_r2), test_r2=_number(m.test_r2))
    elif session.output == "softmax":
        out.update(train_class_accuracy=[_number(x) for x in m.train_class_accuracy],
                   test_class_accuracy=[_number(x) for x in m.test_class_accuracy])
    return out


def targets_json(session):
    """Class indices (whole numbers) for classification, real targets for regression."""
    y = session.data.y_train
    return y.astype(float).tolist() if session.output == "linear" else y.astype(int).tolist()
