"""What happens in the dialog, for the parts that react to it (mails, answer times).

Senders call these inside their transaction; receivers that mail or enqueue do so with
``transaction.on_commit``, so nothing goes out for work that is rolled back.
"""

from django.dispatch import Signal

# A thread was started (kwargs: thread).
thread_started = Signal()
# A message became visible to its readers (kwargs: message) – at once, or when approved.
message_published = Signal()
# A relative's message in a shared thread waits for moderation (kwargs: message).
message_held = Signal()
# Staff rejected a message (kwargs: message, reason); the author is told why.
message_rejected = Signal()
# A membership changed (kwargs: membership, action: "requested"/"approved"/"declined"/"ended").
membership_changed = Signal()
