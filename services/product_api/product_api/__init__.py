"""Catalog and stock service."""
