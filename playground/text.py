"""Text from outside (a link, a file) echoed back to the learner, made safe first.

Messages go to Streamlit widgets that render Markdown, so any value they echo passes
`safe_quote`: it can then render as nothing but its own text.
"""
ECHO_CHARS = 40            # an echoed value is cut to this many characters
SAFE_PUNCTUATION = " .,-+=%'"


def safe_quote(value, limit=ECHO_CHARS) -> str:
    """`value` as a Markdown code span that can render as nothing but its text.

    Only letters, digits, spaces and .,-+=%' are kept, so no HTML tag, link, image,
    emphasis, LaTeX ($) or Streamlit directive (:red[...]) survives, and the code span
    stops bare URLs from becoming links. Cut to `limit` characters, ellipsis included.
    """
    text = str(value)
    head = text[:limit * 4]                              # enough to fill `limit`
    kept = "".join(ch if ch.isalnum() or ch in SAFE_PUNCTUATION else " " if ch.isspace()
                   else "" for ch in head)
    kept = " ".join(kept.split())
    if len(kept) > limit or (len(text) > len(head) and kept):
        kept = kept[:limit - 1] + "…"
    if not kept:
        return "(blank)" if not text.strip() else "(symbols only)"
    return f"`{kept}`"
