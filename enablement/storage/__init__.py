"""The only place with SQL: engine, sessions, migrations, repositories and the blob store."""
