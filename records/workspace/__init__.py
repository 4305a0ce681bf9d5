"""The staff client workspace: the client list with search and filters, the client
account view (header and tabs) and its small POST actions. Views only: every read is a
selector and every write a service (people.services, notifications.services)."""
