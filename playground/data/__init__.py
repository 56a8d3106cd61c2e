"""The points a network learns from: generated datasets, input features, your own points."""
