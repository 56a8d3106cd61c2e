"""Plotly figure builders: pure functions from arrays to `go.Figure`, no Streamlit.
The only part of playground/ that imports Plotly."""
