"""Everything about articles, from a feed's bytes to a story in the store; pipeline.py shows the flow."""
