"""Paying a package in installments on the card on file (see commerce.models.installments)."""
