"""The one-line Streamlit app bench_app.py times its first element against: the least any
Streamlit page needs on this machine to show something."""
import streamlit as st

st.write("Hello from Streamlit")
st.line_chart([1, 3, 2, 4])
