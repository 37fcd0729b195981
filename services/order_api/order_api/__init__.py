"""Orders service: creates orders, reserving stock through product-api."""
