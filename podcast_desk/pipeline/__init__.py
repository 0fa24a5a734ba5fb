"""The podcast handler and one adapter per external tool."""
