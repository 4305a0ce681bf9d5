from branding.errors import DomainError


class LoyaltyError(DomainError):
    code = "loyalty"
