"""The outbox: every email the site sends is a row written in the transaction of the change that causes it,
and `flask mail send` (cron, or its `--loop` beside the dev server) delivers it with retries.

Nothing sends mail inside a request. To send one, add it to the outbox with `enqueue` before the
caller commits; if the transaction rolls back, the message goes with it.
"""

from alliance.outbox.services import enqueue, register_composer
from alliance.outbox.transports import Attachment

__all__ = ["Attachment", "enqueue", "register_composer"]
