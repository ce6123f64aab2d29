"""Whole public pages for anonymous visitors, kept in a cache and purged by what changes them."""
