"""Referral codes, who joined through them, and the reward for both sides."""
