"""The workshop room (issue 19): a teacher's room that students join, publish their live
tiles to, submit runs to and resume their saved runs from. Built on the core like teach/:
NumPy and the standard library (plus the `redis` client when the store is Redis), never
Streamlit or Plotly. rules.py says what a room accepts, store.py keeps it, service.py says
who may do what."""
