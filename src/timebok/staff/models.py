"""The staff module keeps no models of its own. (The built-in counts, ``DailyCount``, moved
to timebok.insights; staff/migrations/0002 hands its table over.)"""
