"""AWS's documented request rates, as token buckets per account and Region: a call over the rate
gets the service's throttling error, which the SDK's standard retry then has to absorb.

Only rates AWS documents are enforced: DescribeLogStreams and CreateLogStream from the CloudWatch
Logs service model (the team's aws-facts, "CloudWatch Logs rates"), FilterLogEvents from the
CloudWatch Logs quotas page. A bucket holds one second of the rate.
"""

import threading
import time

RATES_PER_SECOND = {
    ("logs", "DescribeLogStreams"): 25,
    ("logs", "CreateLogStream"): 50,
    ("logs", "FilterLogEvents"): 5,
}


class Rates:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets = {}

    def take(self, call, account):
        """True when `call` is within its rate (and counts it); False when AWS would throttle it."""
        rate = RATES_PER_SECOND.get((call.service, call.operation))
        if rate is None:
            return True
        key = (account, call.region, call.service, call.operation)
        with self.lock:
            now = self.clock()
            tokens, last = self.buckets.get(key, (rate, now))
            tokens = min(rate, tokens + (now - last) * rate)
            if tokens < 1:
                self.buckets[key] = (tokens, now)
                return False
            self.buckets[key] = (tokens - 1, now)
            return True
