"""Pictures: arrays in, pixels out. The network's outputs over the input plane, made
into uint8 pictures and the 256-entry colour tables that paint them, for the live view,
the figures, the exports and the room alike. NumPy only; the session trains and
predicts, and everything drawn from its predictions is made here."""
