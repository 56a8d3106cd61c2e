"""NN Playground's Streamlit user interface: widgets, session state, layout. No math."""
