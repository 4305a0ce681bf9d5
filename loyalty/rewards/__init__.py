"""The rewards catalogue, vouchers and reward requests (services and selectors)."""
