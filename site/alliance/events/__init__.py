"""Events and involvement opportunities: staff publish them, people register with the least personal
data needed, a full event keeps a waiting list, and emails (with an iCalendar file) go through the
outbox. Contact details and access needs are erased a set time after the event by `flask retention run`.
"""
