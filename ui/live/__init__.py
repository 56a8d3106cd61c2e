"""The live view: the server side (playback.py), the Streamlit component (view.py) and
the page side (live.js, live.css)."""
