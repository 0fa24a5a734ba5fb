"""The library: finding episodes, exports, search, subscriptions."""
