"""Spin-the-wheel and scratch-card games: the play service (``services``), reads
(``selectors``) and the weighted draw (``draw``)."""
