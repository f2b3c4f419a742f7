"""A call on a task that StopTask has just stopped, denied because StopTask deleted the tags a
grant asks for (`debug-toolkit:managed-by`): a race with a stop that AWS has too, not a missing
grant. AWS may answer it two ways, and the gate plays both:

- while the task is stopping (the first `STOPPED_AFTER_SECONDS` after StopTask, as its ECS events
  say: `ecs_events.py`), any such call is denied, `AccessDeniedException`, as IAM finds no tag;
- once it is STOPPED, TagResource is refused for the task's state, InvalidParameterException
  "The specified task is stopped. Specify a running task and try again." (what moto_server.py
  answers any caller whose grant has no tag condition).

Both are recorded apart (`denied-stopping-task`, `refused-stopped-task`) and never fail the run.

ListTasks may return recently stopped tasks (ECS API reference, ListTasks: "Recently stopped tasks
might appear in the returned results"): a task StopTask stopped less than
`LISTED_AFTER_STOP_SECONDS` ago is listed with the running ones (moto_server.py's ListTasks), its
tags gone, so a caller that describes what it lists must allow for it.
"""

from . import state
from .consistency import Refusal
from .ecs_events import STOPPED_AFTER_SECONDS

RACES = ("denied-stopping-task", "refused-stopped-task")
LISTED_AFTER_STOP_SECONDS = 10.0
STOPPED_MESSAGE = "The specified task is stopped. Specify a running task and try again."


def refusal(call, account, resource, denial):
    """(refusal, outcome) for `call` denied on `resource` as `denial`, when `resource` is a task
    being stopped or stopped; None otherwise (a denial for want of a grant)."""
    if call.service != "ecs":
        return None
    stopped_for = state.ecs_task_stopped_for(account, call.region, resource)
    if stopped_for is None:
        return None
    return answer(call.operation, stopped_for, denial)


def answer(operation, stopped_for, denial):
    """What AWS answers `operation` on a task whose StopTask was `stopped_for` seconds ago."""
    if operation == "TagResource" and stopped_for >= STOPPED_AFTER_SECONDS:
        return Refusal("InvalidParameterException", STOPPED_MESSAGE), "refused-stopped-task"
    return denial, "denied-stopping-task"


def still_listed(tasks):
    """Of these stopped moto tasks, those ListTasks still returns with the running ones (stopped by
    StopTask a moment ago)."""
    listed = []
    for task in tasks:
        stopped_for = state.task_stopped_for(task) if hasattr(task, "stopping_at") else None
        if stopped_for is not None and stopped_for < LISTED_AFTER_STOP_SECONDS:
            listed.append(task)
    return listed
