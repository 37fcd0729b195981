"""Shared building blocks of the TechCommerce services."""
