"""WCAG 2.x contrast ratios, used to warn managers about unreadable brand colours."""

AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"
INK = "#1a1a1a"  # the portal's body text colour


def _channel(value):
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour):
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(background):
    """The text colour (white or ink) that reads best on a background."""
    if contrast_ratio(background, WHITE) >= contrast_ratio(background, INK):
        return WHITE
    return INK


def brand_contrast_warnings(primary, accent):
    """Human-readable warnings for colour pairs the portal uses that fail WCAG AA.

    The primary colour is used for links and headings on white pages and as the
    background of buttons with white text; the accent colour sits behind dark text.
    """
    warnings = []
    ratio = contrast_ratio(primary, WHITE)
    if ratio < AA_NORMAL_TEXT:
        warnings.append(
            f"Primary colour {primary} against white has contrast {ratio:.2f}:1, below the "
            f"WCAG AA minimum of {AA_NORMAL_TEXT}:1: links and button labels will be hard "
            "to read. Choose a darker primary colour."
        )
    ratio = contrast_ratio(accent, INK)
    if ratio < AA_NORMAL_TEXT:
        warnings.append(
            f"Accent colour {accent} behind dark text has contrast {ratio:.2f}:1, below the "
            f"WCAG AA minimum of {AA_NORMAL_TEXT}:1. Choose a lighter accent colour."
        )
    return warnings
