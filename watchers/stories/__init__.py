"""Making stories: is a statement news or a repeat, and which watches fire for it."""
