"""NN Playground's core: a neural network from scratch in NumPy, after the tutorial
"Implementing a Neural Network from Scratch in Python". No Streamlit here; only
`figures` imports Plotly."""
from .config import PRESETS, Config, from_preset, problems, validated
from .data.datasets import DATASETS, make_dataset
from .session import Metrics, TrainingSession

__all__ = ["Config", "PRESETS", "from_preset", "problems", "validated", "DATASETS",
           "make_dataset", "Metrics", "TrainingSession"]
