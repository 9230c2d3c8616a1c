"""Timebok: online booking without login for Norwegian clinics."""
