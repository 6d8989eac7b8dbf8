"""The store's areas written once for both backends, where their SQL is the same.

SQLite and PostgreSQL run one SQL text here: `?` placeholders (the PostgreSQL connection translates
them, watchers.store.postgres.connection.native), TRUE/FALSE for the flags (SQLite reads them as 1/0),
ON CONFLICT upserts. Each backend's package subclasses these classes with what only it has (SQLite's
FTS5 and lastrowid, PostgreSQL's RETURNING, leases, advisory locks, tsvector search), and its own
`Connection` supplies the `SqlConnection` calls the shared code makes (connection.py).

    connection.SqlConnection   what a backend's connection gives the shared areas
    feeds.FeedQueries          feed state between polls
    articles.ArticleQueries    articles seen; dedup level 1 (the level-2 probe is per backend)
    stories.StoryQueries       stories opened and extended; a story read back for its alert
    search.SearchQueries       /quotes (the /search index is per backend)
    outbox.OutboxQueries       queued Telegram actions and the deliveries they made
    chats.ChatQueries          subscriptions, a chat's life and settings, stories held for a digest
    store.StoreBase            the plumbing every Store has (close, context manager, schema version)
"""
