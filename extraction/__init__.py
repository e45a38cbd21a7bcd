"""Claims, attributions and anonymity caveats suggested from the text of a news story."""
