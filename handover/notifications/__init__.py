"""Reaching people: the outbox, the channels (mail, in-app, chat webhooks) and calendar invitations."""
