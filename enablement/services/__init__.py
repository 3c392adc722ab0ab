"""The API that ui/ and the CLI call. Services own sessions and transactions and return
DTOs; changing calls return ``Done(value, changes)``."""
