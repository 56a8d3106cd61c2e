"""Developer tools shared by the tests, the benchmarks and the screenshots: starting the
app server, driving Streamlit sessions, and the tutorial's own code as the oracle."""
