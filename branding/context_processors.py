from branding.selectors import clinic_branding, clinic_features, clinic_theme


def clinic(request):
    """The clinic, its branding and features for every template. Lazy, so pages that
    do not use them pay nothing."""
    current = getattr(request, "clinic", None)
    if current is None:
        return {"clinic": None}
    return {
        "clinic": current,
        "branding": lambda: clinic_branding(current),
        "features": lambda: clinic_features(current),
        "theme_vars": lambda: clinic_theme(current),
    }
