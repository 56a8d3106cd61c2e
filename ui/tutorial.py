"""The tutorial preset's printout: what the tutorial's own code prints, from this run."""
import streamlit as st

from playground.config import PRESETS


def printout(session):
    """The tutorial's `Epoch N, Loss: ...` lines for every 100th epoch reached so far,
    and its `Predictions:` once the run is complete (the same formatting as print())."""
    h = session.history
    lines = [f"Epoch {int(e)}, Loss: {loss}"
             for e, loss in zip(h.column("epoch"), h.column("train_loss")) if e % 100 == 0]
    if session.done and not session.diverged:
        lines.append(f"Predictions: \n{session.predict(session.data.X_train).reshape(-1, 1)}")
    return "\n".join(lines)


def is_tutorial(config):
    """Whether the run is the tutorial's network exactly (every preset setting kept)."""
    return all(getattr(config, k) == (tuple(v) if isinstance(v, tuple) else v)
               for k, v in PRESETS["tutorial"].items() if k != "epochs")


def tutorial_ui(session):
    if not is_tutorial(session.config):
        return
    # closed at first: its hundred lines would push the panels below out of sight
    with st.expander("The tutorial's printout, reproduced by this run", expanded=False):
        st.caption("The tutorial's 2-2-1 sigmoid network on XOR: seed 42, learning rate 0.1, "
                   "squared error and its summed update rule, float64. These are the lines its "
                   "code prints, number for number. With this seed two hidden units get stuck "
                   "(loss ≈ 0.128, two of four points wrong): a real effect, not a bug.")
        st.code(printout(session) or "Press Play or Step to train.", language="text")
