"""Tables (storage only), DTOs and change-sets (these cross into the UI)."""
