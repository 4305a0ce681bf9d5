"""Files on a client's account: documents and clinical photos uploaded by staff
(``services``), read clinic first (``selectors``), and the photo-use consent they
check (``consent``)."""
