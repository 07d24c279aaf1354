"""The WebSocket protocols, pure: ops in, ops out (see session.py)."""
