"""The demo: the AP story of 8 March 2026 as claims walked through every state of the
workflow (story.py), and a fictional coverage corpus served on loopback (corpus.py and
corpus_pages/). It loads through the same services as everything else, and sits on the
top floor because it uses every app; no app imports it."""
