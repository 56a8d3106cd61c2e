"""A run to bytes and back, exactly: what the workshop room saves so no student loses a run.

A save is MAGIC, then an .npz archive (np.savez: no pickle, so a save from anyone is safe
to read): the arrays (data points, initial weights, weights, optimizer buffers, history,
snapshots) and one `header` array holding JSON (the settings, the epoch, the shuffling
generator's state, the run's story). Resumed from a save, a run trains on to the same
weights (==) as the run never interrupted: every number that steers training is kept as
its own bits, none recomputed.
"""
import io
import json

import numpy as np

from .config import Config, validated
from .data.datasets import Dataset
from .history import History
from .session import TrainingSession, fits, rebuilt_by
from .snapshots import Snapshots

MAGIC = b"NNP-SAVE\n"       # what a save starts with, so a foreign blob is told apart
FORMAT = 1                  # raise when a save's layout changes; older saves are refused
MAX_UNPACKED = 32_000_000   # bytes a save may unpack to (the largest run's are ~3 MB)
DATA = ("X_train", "y_train", "X_test", "y_test")


def _group(prefix, arrays):
    return {f"{prefix}.{name}": value for name, value in arrays.items()}


def _ungroup(prefix, arrays):
    return {name[len(prefix) + 1:]: value for name, value in arrays.items()
            if name.startswith(prefix + ".")}


def _optimizer_parts(opt_state):
    """(its counters for the header, its buffers as arrays): {"t": 3}, {"opt.v.0": ...}."""
    counters = {k: v for k, v in opt_state.items() if not isinstance(v, list)}
    buffers = {f"opt.{k}.{i}": a for k, v in opt_state.items() if isinstance(v, list)
               for i, a in enumerate(v)}
    return counters, buffers


def _header(s: TrainingSession) -> dict:
    return {
        "format": FORMAT, "config": s.config.to_dict(), "initial_config": s.initial_config.to_dict(),
        "layers": len(s.initial_params), "epoch": s.epoch, "diverged": s.diverged,
        "best_loss": s.best_loss, "started": s.started, "changes": s.changes,
        "optimizer": _optimizer_parts(s.opt_state)[0], "rng": s.rng.bit_generator.state,
    }


def save_bytes(session: TrainingSession) -> bytes:
    """Everything the run needs to go on as if never stopped, as bytes (see load_session)."""
    arrays = {"header": np.frombuffer(json.dumps(_header(session)).encode(), np.uint8),
              "theta": session.theta, **_optimizer_parts(session.opt_state)[1],
              **{name: getattr(session.data, name) for name in DATA},
              **{f"initial.{i}": p for i, p in enumerate(session.initial_params)},
              **_group("history", session.history.to_arrays()),
              **_group("snapshots", session.snapshots.to_arrays())}
    out = io.BytesIO()
    out.write(MAGIC)
    np.savez_compressed(out, **arrays)      # half the bytes for ~3 ms (benchmarks/bench_saves.py)
    return out.getvalue()


def _config(d) -> Config:
    return Config(**{**d, "hidden": tuple(d["hidden"]), "features": tuple(d["features"])})


def _unpack(raw):
    """{name: array} of the archive's bytes; None when they would unpack to more than
    MAX_UNPACKED (the sizes are read from the archive's index, before anything is)."""
    with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
        if sum(member.file_size for member in archive.zip.infolist()) > MAX_UNPACKED:
            return None
        return {name: archive[name] for name in archive.files}


def _open(blob):
    """(header, {name: array}) of a save, or ValueError saying in one sentence why not."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or bytes(blob[:len(MAGIC)]) != MAGIC:
        raise ValueError("This is not a saved run of NN Playground.")
    try:
        arrays = _unpack(bytes(blob[len(MAGIC):]))
        if arrays is not None:
            header = json.loads(arrays["header"].tobytes().decode())
            version = header["format"]
    except Exception:   # damaged bytes reach zipfile, zlib and the .npy reader in many ways
        raise ValueError("This saved run is damaged and cannot be read.") from None
    if arrays is None:
        raise ValueError(f"This saved run is too large to open (over {MAX_UNPACKED:,} bytes "
                         "unpacked).")
    if version != FORMAT:
        raise ValueError(f"This saved run is in save format {version}, and this version of "
                         f"NN Playground reads format {FORMAT} only.")
    return header, arrays


def _restore_optimizer(session, counters, arrays):
    """The optimizer's memory as saved, into buffers shaped as the session makes them."""
    state = session.opt_state
    for key, value in state.items():
        if isinstance(value, list):
            for i, buffer in enumerate(value):
                _put(buffer, arrays[f"opt.{key}.{i}"], f"the optimizer's {key}")
        else:
            state[key] = type(value)(counters[key])


def _put(target, saved, what):
    """Copy saved into target, which must have its shape and dtype (a flat view's place)."""
    if saved.shape != target.shape or saved.dtype != target.dtype:
        raise ValueError(f"{what} has shape {saved.shape} ({saved.dtype}), not "
                         f"{target.shape} ({target.dtype})")
    target[...] = saved


def _rebuild(header, arrays) -> TrainingSession:
    config, initial = _config(header["config"]), _config(header["initial_config"])
    if rebuilt_by(initial, config):
        raise ValueError(f"its {', '.join(rebuilt_by(initial, config))} changed mid-run")
    data = Dataset(*(arrays[name] for name in DATA))
    params = [arrays[f"initial.{i}"] for i in range(header["layers"])]
    if not fits(initial, params):
        raise ValueError("its initial weights do not fit its network")
    session = TrainingSession(initial, data, params)    # the data and network it started with
    session.config = validated(config, own_data=True)  # as retune checked it
    _put(session.theta, arrays["theta"], "the weights")
    _restore_optimizer(session, header["optimizer"], arrays)
    session.rng.bit_generator.state = header["rng"]
    session.epoch, session.diverged = int(header["epoch"]), str(header["diverged"])
    session.best_loss = float(header["best_loss"])
    session.started = tuple(header["started"]) if header["started"] else None
    session.changes = [(int(epoch), dict(changed)) for epoch, changed in header["changes"]]
    session.history = History.from_arrays(_ungroup("history", arrays))
    session.snapshots = Snapshots.from_arrays(_ungroup("snapshots", arrays))
    return session


def load_session(blob: bytes) -> TrainingSession:
    """The run a save holds, ready to train on; a foreign or damaged blob is refused with a
    ValueError of one sentence, and nothing else is touched."""
    header, arrays = _open(blob)
    try:
        return _rebuild(header, arrays)
    except (KeyError, ValueError, TypeError, IndexError) as e:
        reason = str(e).strip("'\". ") or type(e).__name__
        raise ValueError(f"This saved run is damaged and cannot be resumed ({reason}).") from None
