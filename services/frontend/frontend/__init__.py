"""Storefront: server-rendered catalog, product and order pages, plus JSON /products and /orders."""
