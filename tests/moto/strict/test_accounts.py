#!/usr/bin/env python3
"""The strict gate across accounts (issues 24 and 30), against a moto server of its own: a hub's
slack-command assumes the role a spoke stack (infra/spoke.yaml) gives it and acts in the spoke's
account, launch requests on the spoke's bus included (a same-account PutEvents as that role); the
trust policy is evaluated as AWS evaluates it, and a bus without a policy admits no other account,
so a role that trusts the wrong principal, a caller the trust does not name, a hub without the
permission, the hub's own credentials on a spoke's bus, and a bus policy admitting everyone are all
caught.

Run: python3 tests/moto/strict/test_accounts.py   (or python3 -m pytest tests/moto/strict -q)
"""

import os
import sys
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from world import (  # noqa: E402
    HUB,
    HUB_REGION,
    World,
    launch_request,
    loosened_spoke,
    spoke_bus_arn,
    spoke_role_arn,
)

SPOKE, SPOKE_REGION = "222222222222", "eu-central-1"
THIRD = "333333333333"
world = None


def setUpModule():
    global world
    world = World()
    world.spoke(SPOKE, SPOKE_REGION, "dev")


def tearDownModule():
    world.stop()


class AssumingTheSpokeRole(unittest.TestCase):
    def denied(self, key, account=SPOKE, region=SPOKE_REGION):
        with self.assertRaises(ClientError) as raised:
            world.assume(key, account, region)
        error = raised.exception.response
        self.assertEqual(error["Error"]["Code"], "AccessDenied")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn(
            f"is not authorized to perform: sts:AssumeRole on resource: {spoke_role_arn(account, region)}",
            error["Error"]["Message"],
        )
        return error["Error"]["Message"]

    def test_a_the_hub_assumes_a_trusted_spoke_role_and_acts_in_the_spoke_account(self):
        world.as_test("ecs", SPOKE, SPOKE_REGION).create_cluster(clusterName="in-the-spoke")
        world.as_test("ecs", HUB, SPOKE_REGION).create_cluster(clusterName="in-the-hub")
        world.hub("slack-command-a")
        credentials = world.assume("slack-command-a", SPOKE, SPOKE_REGION)
        ecs = world.session_client("ecs", credentials, SPOKE_REGION)
        clusters = ecs.list_clusters()["clusterArns"]
        self.assertIn(f"arn:aws:ecs:{SPOKE_REGION}:{SPOKE}:cluster/in-the-spoke", clusters)
        self.assertFalse([arn for arn in clusters if "in-the-hub" in arn or f":{HUB}:" in arn], clusters)
        # The session is a caller of its own, in the spoke's account, reported as the hub's role.
        session = [r for r in world.records() if r.get("call") == "ecs:ListClusters" and r["account"] == SPOKE]
        self.assertEqual([(r["function"], r["outcome"]) for r in session], [("hub role (dev)", "allowed")])
        assumed = [r for r in world.records() if r.get("call") == "sts:AssumeRole" and r["outcome"] == "allowed"]
        self.assertEqual({(r["function"], r["account"]) for r in assumed}, {("slack-command", HUB)})

    def test_h_the_hub_role_reads_debug_tasks_only_and_no_task_definition(self):
        """Issue 36 item 5: task definitions often carry secrets in plain environment variables,
        and DescribeTaskDefinition has no resource-level permissions, so the hub role has none;
        DescribeTasks needs our managed-by tag on the task (a task without it is refused)."""
        test_ecs = world.as_test("ecs", SPOKE, SPOKE_REGION)
        test_ecs.create_cluster(clusterName="apps")
        test_ecs.register_task_definition(
            family="app", containerDefinitions=[{"name": "app", "image": "nginx", "memoryReservation": 64}]
        )
        world.hub("slack-command-h")
        ecs = world.session_client("ecs", world.assume("slack-command-h", SPOKE, SPOKE_REGION), SPOKE_REGION)
        for call in (
            lambda: ecs.describe_task_definition(taskDefinition="app"),
            lambda: ecs.describe_tasks(cluster="apps", tasks=["0123456789abcdef0123456789abcdef"]),
        ):
            with self.assertRaises(ClientError) as raised:
                call()
            self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")
        denied = [r["call"] for r in world.records() if r.get("account") == SPOKE and r.get("outcome") == "denied"]
        self.assertIn("ecs:DescribeTaskDefinition", denied)
        self.assertIn("ecs:DescribeTasks", denied)

    def test_b_a_spoke_role_trusting_another_role_is_denied(self):
        other = "444444444444"
        world.spoke(other, SPOKE_REGION, "wrong-trust", hub_role_arn=f"arn:aws:iam::{HUB}:role/someone-else")
        world.hub("slack-command-b")
        message = self.denied("slack-command-b", other)
        self.assertTrue(message.startswith(f"User: arn:aws:sts::{HUB}:assumed-role/slack-command/"), message)

    def test_c_another_function_of_the_hub_cannot_assume_the_spoke_role(self):
        world.register("debug-launcher-c", "debug-launcher")
        self.denied("debug-launcher-c")
        # Even with an identity policy that allows it: the trust names slack-command's role only.
        with tempfile.TemporaryDirectory() as directory:
            world.register("debug-launcher-c2", "debug-launcher", template=_granting_assume_role(directory), report=False)
            self.denied("debug-launcher-c2")

    def test_g_a_hub_without_spokes_has_no_permission_to_assume(self):
        world.hub("slack-command-g", spokes=None)
        self.denied("slack-command-g")

    def test_a_role_no_spoke_has_is_denied(self):
        world.hub("slack-command-n")
        self.denied("slack-command-n", "777777777777", "eu-north-1")

    def test_an_organisation_condition_needs_the_callers_organisation(self):
        hub, spoke = "555555555555", "565656565656"
        world.spoke(spoke, SPOKE_REGION, "org", hub_role_arn=f"arn:aws:iam::{hub}:role/slack-command", org="o-spokes1234")
        world.hub("slack-command-o", account=hub)
        received = world.spoke_bus_with_queue(spoke, SPOKE_REGION, "launch-requests-o")
        for org in (None, "o-other12345"):
            if org:
                world.post("/_strict/organizations", {"account": hub, "org_id": org})
            self.denied("slack-command-o", spoke)
        world.post("/_strict/organizations", {"account": hub, "org_id": "o-spokes1234"})
        credentials = world.assume("slack-command-o", spoke, SPOKE_REGION)
        events = world.session_client("events", credentials, SPOKE_REGION)
        events.put_events(Entries=[launch_request(spoke_bus_arn(spoke, SPOKE_REGION))])
        self.assertEqual([m["account"] for m in received()], [spoke])


class PuttingOnTheSpokeBus(unittest.TestCase):
    def put_as_the_spoke_role(self, key, entries):
        """PutEvents in the spoke as its hub role, assumed by the hub's slack-command `key`."""
        world.hub(key)
        credentials = world.assume(key, SPOKE, SPOKE_REGION)
        return world.session_client("events", credentials, SPOKE_REGION).put_events(Entries=entries)

    def denied(self, put):
        with self.assertRaises(ClientError) as raised:
            put()
        self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")
        return raised.exception.response["Error"]["Message"]

    def test_d_the_hub_puts_a_launch_request_as_the_spoke_role_on_the_spoke_bus(self):
        received = world.spoke_bus_with_queue(SPOKE, SPOKE_REGION, "launch-requests-d")
        answer = self.put_as_the_spoke_role("slack-command-d", [launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))])
        self.assertEqual(answer["FailedEntryCount"], 0)
        messages = received()
        self.assertEqual([(m["detail-type"], m["region"]) for m in messages], [("Debug Task Requested", SPOKE_REGION)])
        self.assertEqual(messages[0]["account"], SPOKE)  # a same-account PutEvents: the spoke's own
        puts = [r for r in world.records() if r.get("call") == "events:PutEvents" and r["outcome"] == "allowed"]
        self.assertIn(("hub role (dev)", SPOKE), [(r["function"], r["account"]) for r in puts])

    def test_the_spoke_role_puts_launch_requests_only_and_on_its_own_bus_only(self):
        """ForAllValues on source and detail-type: one other entry in the batch denies it all."""
        received = world.spoke_bus_with_queue(SPOKE, SPOKE_REGION, "launch-requests-only", {"source": [{"prefix": ""}]})
        bus = spoke_bus_arn(SPOKE, SPOKE_REGION)
        other = launch_request(bus) | {"DetailType": "Something Else"}
        for entries in ([other], [launch_request(bus), other], [launch_request(bus) | {"Source": "not-us"}]):
            self.denied(lambda: self.put_as_the_spoke_role("slack-command-only", entries))
        default = launch_request(f"arn:aws:events:{SPOKE_REGION}:{SPOKE}:event-bus/default")
        self.denied(lambda: self.put_as_the_spoke_role("slack-command-only", [default]))
        self.assertEqual(received(), [])

    def test_the_hubs_own_credentials_are_refused_on_the_spoke_bus(self):
        """The spoke's bus has no policy: the hub's slack-command (or any role of its account with
        events:PutEvents anywhere) cannot put on it from its own account."""
        received = world.spoke_bus_with_queue(SPOKE, SPOKE_REGION, "launch-requests-hub")
        world.hub("slack-command-own")
        events = world.client("events", "slack-command-own", SPOKE_REGION)
        self.denied(lambda: events.put_events(Entries=[launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))]))
        with tempfile.TemporaryDirectory() as directory:
            template = _granting(directory, "events:PutEvents")
            world.register("debug-launcher-put", "debug-launcher", template=template, report=False)
        events = world.client("events", "debug-launcher-put", SPOKE_REGION)
        message = self.denied(lambda: events.put_events(Entries=[launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))]))
        self.assertIn(f"events:PutEvents on resource: {spoke_bus_arn(SPOKE, SPOKE_REGION)}", message)
        self.assertEqual(received(), [])

    def test_e_a_third_account_is_not_admitted_on_the_spoke_bus(self):
        """The test that fails if someone gives infra/spoke.yaml's bus a policy admitting others."""
        received = world.spoke_bus_with_queue(SPOKE, SPOKE_REGION, "launch-requests-e", {"source": [{"prefix": ""}]})
        with tempfile.TemporaryDirectory() as directory:  # its own policy allows PutEvents anywhere
            template = _granting(directory, "events:PutEvents")
            world.register("debug-launcher-e", "debug-launcher", THIRD, template=template, report=False)
        events = world.client("events", "debug-launcher-e", SPOKE_REGION)
        self.denied(lambda: events.put_events(Entries=[launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))]))
        self.assertEqual(received(), [])

    def test_f_a_bus_policy_admitting_everyone_is_not_denied_and_cannot_be_played(self):
        """What test_e would meet on a loosened spoke: not AccessDenied. The gate refuses to play it
        (the `account` of an event another account puts is not documented)."""
        spoke = "666666666666"
        with tempfile.TemporaryDirectory() as directory:
            world.spoke(spoke, SPOKE_REGION, "loose", template=loosened_spoke(directory))
            # A caller whose own policy allows PutEvents anywhere: the bus policy decides.
            template = _granting(directory, "events:PutEvents")
            world.register("debug-launcher-f", "debug-launcher", THIRD, template=template, report=False)
        events = world.client("events", "debug-launcher-f", SPOKE_REGION)
        with self.assertRaises(ClientError) as raised:
            events.put_events(Entries=[launch_request(spoke_bus_arn(spoke, SPOKE_REGION))])
        self.assertEqual(raised.exception.response["Error"]["Code"], "StrictGateError")
        self.assertIn("not documented", raised.exception.response["Error"]["Message"])

    def test_g_a_hub_without_spokes_may_not_put_on_a_spoke_bus(self):
        world.hub("slack-command-gp", spokes=None)
        events = world.client("events", "slack-command-gp", SPOKE_REGION)
        with self.assertRaises(ClientError) as raised:
            events.put_events(Entries=[launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))])
        self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")

    def test_a_bus_without_a_policy_admits_no_other_account(self):
        world.as_test("events", "888888888888", SPOKE_REGION).create_event_bus(Name="ecs-debug-toolkit")
        world.hub("slack-command-p")
        events = world.client("events", "slack-command-p", SPOKE_REGION)
        with self.assertRaises(ClientError) as raised:
            events.put_events(Entries=[launch_request(spoke_bus_arn("888888888888", SPOKE_REGION))])
        self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")

    def test_a_bus_is_reached_with_a_client_in_its_region(self):
        world.hub("slack-command-r")
        events = world.client("events", "slack-command-r", HUB_REGION)
        with self.assertRaises(ClientError) as raised:
            events.put_events(Entries=[launch_request(spoke_bus_arn(SPOKE, SPOKE_REGION))])
        self.assertEqual(raised.exception.response["Error"]["Code"], "StrictGateError")
        refused = [r for r in world.records() if r["function"] == "slack-command" and r.get("outcome") == "gate-error"]
        self.assertTrue(refused)


def _granting_assume_role(directory):
    return _granting(directory, "sts:AssumeRole")


def _granting(directory, action):
    """infra/template.yaml with debug-launcher's policies also allowing `action` anywhere."""
    import yaml
    from world import ROOT, _Dumper, load_template

    template = load_template(os.path.join(ROOT, "infra", "template.yaml"))
    statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    policies = template["Resources"]["DebugLauncherFunction"]["Properties"]["Policies"]
    policies.append({"Version": "2012-10-17", "Statement": [statement]})
    path = os.path.join(directory, f"template-debug-launcher-may-{action.replace(':', '-')}.yaml")
    with open(path, "w") as file:
        yaml.dump(template, file, Dumper=_Dumper, sort_keys=False)
    return path


if __name__ == "__main__":
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    print(f"{result.testsRun} tests in {time.monotonic() - started:.1f} s")
    sys.exit(0 if result.wasSuccessful() else 1)
