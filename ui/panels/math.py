"""The math: the current network's forward and backward pass as equations, with the
live numbers of one training point."""
import streamlit as st

from playground.teach import mathview


# A matrix is one box KaTeX cannot break: a wide one (16 or 32 units) scrolls sideways
# inside its own box instead of being cut at the page's right edge. The box takes the
# keyboard's focus (its arrows then scroll it): a region that scrolls must, or a learner
# without a mouse cannot see its right end.
SCROLL = ("<style>.st-key-math_equations .nnp-eq { overflow-x: auto; overflow-y: hidden; }"
          ".nnp-eq:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }</style>")


def math_ui(run):
    st.html(SCROLL)
    with st.container(key="math_equations"):
        _math(run)


def _math(run):
    s = run.session
    st.markdown("**The forward and backward pass of this network**, as equations:")
    for line in mathview.architecture_latex(s.config):
        equation(line)
    with st.expander("The same as the tutorial's code"):
        st.code(mathview.tutorial_code(s.config), language="python")
    n = len(s.data.y_train)
    index = st.number_input(f"Follow one training point (0 to {n - 1})", 0, n - 1, 0,
                            key="math_point",
                            help="Every number below is for this point at the current epoch; "
                                 "the gradients and the update are the next step's, over the "
                                 "whole batch.")
    walk = mathview.point_walkthrough(s, int(index))
    st.caption(f"Epoch {s.epoch:,}: the numbers of the next training step.")
    for line in mathview.walkthrough_latex(walk):
        equation(line)


def equation(latex):
    """One equation, full size but as inline math: KaTeX can then break it after an `=`
    or an operator on a narrow screen, where display math would scroll sideways; in a box
    of its own that scrolls what still does not fit (SCROLL)."""
    st.markdown(f'<div class="nnp-eq" tabindex="0" role="group" aria-label="Equation">\n\n'
                f"$\\displaystyle {latex}$\n\n</div>", unsafe_allow_html=True)
