"""Wallet passes: a membership card per client (``membership``), as an Apple Wallet
``.pkpass`` (``apple``) and a "Save to Google Wallet" link (``google``), with the
signing keys from settings (``config``)."""
