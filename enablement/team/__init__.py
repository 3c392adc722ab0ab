"""Team mode: one library on a PostgreSQL server, a database login per person, and roles
enforced by the database itself (grants and row-level security), not only by Python.

``names`` derives every role name from a per-library prefix, ``schema`` holds the
PostgreSQL-only part of the schema, ``server`` sets a server up, ``accounts`` manages
logins, ``connection`` opens a library as a login, ``blobs`` moves file bytes in chunks and
``publish`` copies an embedded library to a server.
"""
