"""Insights: the booking page's built-in counts and the clinic's consent-gated tracking links.

The public pages and the API record counts and render the tracking banner through this app;
the staff module shows the counts. The domain (appointments, clinics, core) never imports it:
counts of bookings arrive through the ``appointment_booked`` signal.
"""
