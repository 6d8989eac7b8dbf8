"""Getting articles: fetch feeds and pages, parse them, schedule the next poll."""
