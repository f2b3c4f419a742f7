#!/usr/bin/env python3
"""What the gate answers a call denied on a task StopTask has just stopped (stopping.py): denied
while the task is stopping, TagResource refused for the task's state once it is STOPPED; and the
recently stopped tasks ListTasks still returns.

Run: python3 tests/moto/strict/test_stopping.py
"""

import datetime
import os
import sys
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from strict import stopping  # noqa: E402
from strict.consistency import Refusal  # noqa: E402
from strict.ecs_events import STOPPED_AFTER_SECONDS  # noqa: E402

DENIAL = Refusal("AccessDeniedException", "User: ... is not authorized to perform: ecs:TagResource")


class StoppedTaskAnswers(unittest.TestCase):
    def test_each_call_and_moment(self):
        for operation, stopped_for, code, outcome in [
            ("TagResource", 0.0, "AccessDeniedException", "denied-stopping-task"),
            ("TagResource", STOPPED_AFTER_SECONDS / 2, "AccessDeniedException", "denied-stopping-task"),
            ("TagResource", STOPPED_AFTER_SECONDS, "InvalidParameterException", "refused-stopped-task"),
            ("TagResource", 60.0, "InvalidParameterException", "refused-stopped-task"),
            ("StopTask", 60.0, "AccessDeniedException", "denied-stopping-task"),
            ("DescribeTasks", 60.0, "AccessDeniedException", "denied-stopping-task"),
        ]:
            with self.subTest(operation=operation, stopped_for=stopped_for):
                refusal, recorded = stopping.answer(operation, stopped_for, DENIAL)
                self.assertEqual((refusal.code, recorded), (code, outcome))
                if code == "InvalidParameterException":
                    self.assertEqual(refusal.message, stopping.STOPPED_MESSAGE)
                    self.assertEqual(refusal.status, 400)

    def test_recently_stopped_tasks_are_still_listed_for_a_while(self):
        now = datetime.datetime.now(datetime.timezone.utc)

        def stopped(seconds_ago):
            at = now - datetime.timedelta(seconds=seconds_ago)
            return types.SimpleNamespace(id=f"{seconds_ago}", desired_status="STOPPED", stopping_at=at)

        tasks = [
            stopped(1),
            stopped(stopping.LISTED_AFTER_STOP_SECONDS - 2),
            stopped(stopping.LISTED_AFTER_STOP_SECONDS + 1),
            stopped(3600),
            types.SimpleNamespace(id="stopped, not by StopTask", desired_status="STOPPED"),
        ]
        listed = [task.id for task in stopping.still_listed(tasks)]
        self.assertEqual(listed, ["1", f"{stopping.LISTED_AFTER_STOP_SECONDS - 2}"])


if __name__ == "__main__":
    unittest.main()
