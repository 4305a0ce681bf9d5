"""Consent and intake forms: answering, signing, the signed PDF and renewals."""
