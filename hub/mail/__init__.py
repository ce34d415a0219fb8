"""Email at the edge: the domain queues messages (hub/domain/outbox.py); this package
renders them (compose.py) and delivers them (delivery.py), outside any request."""
