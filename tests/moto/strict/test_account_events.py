#!/usr/bin/env python3
"""The strict gate's world of several accounts and Regions (issue 24), against a moto server of
its own: the tests' own `acct-<id>` keys act in that account; a spoke's functions run with the
spoke stack's policies in the spoke's account; ECS events reach only the targets registered for
the task's account and Region, whoever started or stopped it (here the hub, through the spoke's
role).

Run: python3 tests/moto/strict/test_account_events.py   (or python3 -m pytest tests/moto/strict -q)
"""

import json
import os
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from world import HUB, HUB_REGION, World  # noqa: E402

SPOKE, SPOKE_REGION = "222222222222", "eu-central-1"
MANAGED = {"key": "debug-toolkit:managed-by", "value": "ecs-debug-toolkit"}
world = None


def setUpModule():
    global world
    world = World()
    world.spoke(SPOKE, SPOKE_REGION, "dev")


def tearDownModule():
    world.stop()


class Received(BaseHTTPRequestHandler):
    events = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Received.events.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class Accounts(unittest.TestCase):
    def test_the_tests_own_key_of_an_account_acts_in_that_account(self):
        vpc = world.as_test("ec2", SPOKE, SPOKE_REGION).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        seen = [v["VpcId"] for v in world.as_test("ec2", SPOKE, SPOKE_REGION).describe_vpcs()["Vpcs"]]
        self.assertIn(vpc, seen)
        hub = world.client("ec2", "testing", SPOKE_REGION).describe_vpcs()["Vpcs"]
        self.assertNotIn(vpc, [v["VpcId"] for v in hub])

    def test_a_spoke_function_runs_with_the_spoke_stack_policies_in_its_account(self):
        world.register("debug-launcher-s", "debug-launcher", SPOKE, SPOKE_REGION, {"SPOKE_ALIAS": "dev"}, stack="spoke")
        world.client("ecs", "debug-launcher-s", SPOKE_REGION).describe_clusters(clusters=["here"])
        with self.assertRaises(ClientError) as raised:  # its policy names its own Region's clusters
            world.client("ecs", "debug-launcher-s", HUB_REGION).describe_clusters(clusters=["there"])
        self.assertEqual(raised.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn(f"arn:aws:sts::{SPOKE}:assumed-role/debug-launcher/", raised.exception.response["Error"]["Message"])
        mine = [r for r in world.records() if r["function"] == "debug-launcher" and "call" in r]
        self.assertEqual(
            [(r["account"], r["outcome"], r["checks"][0]["resource"]) for r in mine],
            [
                (SPOKE, "allowed", f"arn:aws:ecs:{SPOKE_REGION}:{SPOKE}:cluster/here"),
                (SPOKE, "denied", f"arn:aws:ecs:{HUB_REGION}:{SPOKE}:cluster/there"),
            ],
        )

    def test_the_hub_session_is_the_role_in_the_spoke_and_nothing_more(self):
        world.hub("slack-command-s")
        credentials = world.assume("slack-command-s", SPOKE, SPOKE_REGION)
        ecs = world.session_client("ecs", credentials, HUB_REGION)  # the role's policy: its own Region
        with self.assertRaises(ClientError) as raised:
            ecs.describe_clusters(clusters=["elsewhere"])
        message = raised.exception.response["Error"]["Message"]
        role = f"ecs-debug-toolkit-hub-{SPOKE_REGION}"
        self.assertTrue(message.startswith(f"User: arn:aws:sts::{SPOKE}:assumed-role/{role}/ecs-debug-toolkit-hub "), message)


class EcsEventsPerAccount(unittest.TestCase):
    def setUp(self):
        Received.events = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Received)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{self.server.server_port}"
        targets = [("/spoke", SPOKE, SPOKE_REGION, "spoke"), ("/hub", HUB, None, "toolkit"), ("/elsewhere", SPOKE, HUB_REGION, "spoke")]
        for path, account, region, stack in targets:
            body = {"function": "task-events", "url": url + path, "account": account, "stack": stack}
            world.post("/_strict/event-targets", body | ({"region": region} if region else {}))

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_a_task_of_the_spoke_started_there_and_stopped_by_the_hub_is_told_to_the_spoke_only(self):
        task = _run_debug_task(SPOKE, SPOKE_REGION)
        world.hub("slack-command-e")
        credentials = world.assume("slack-command-e", SPOKE, SPOKE_REGION)
        world.session_client("ecs", credentials, SPOKE_REGION).stop_task(cluster="debug", task=task, reason="done")
        deadline = time.monotonic() + 5
        while len(Received.events) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # nothing more, and nothing elsewhere
        got = [(path, e["account"], e["region"], e["detail"]["lastStatus"]) for path, e in Received.events]
        self.assertEqual(
            got,
            [
                ("/spoke", SPOKE, SPOKE_REGION, "RUNNING"),
                ("/spoke", SPOKE, SPOKE_REGION, "RUNNING"),
                ("/spoke", SPOKE, SPOKE_REGION, "STOPPED"),
            ],
        )
        self.assertEqual(Received.events[1][1]["detail"]["desiredStatus"], "STOPPED")


def _run_debug_task(account, region):
    """A debug task running in `account`/`region`, started by the test itself."""
    ec2, ecs = world.as_test("ec2", account, region), world.as_test("ecs", account, region)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="debug", Description="debug", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="debug")
    container = {"name": "debug", "image": "debug-toolkit", "memoryReservation": 256}
    ecs.register_task_definition(
        family="debug", containerDefinitions=[container], requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc", cpu="256", memory="512", tags=[MANAGED],
    )
    task = ecs.run_task(
        cluster="debug", taskDefinition="debug", launchType="FARGATE", startedBy="debug-toolkit", tags=[MANAGED],
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}},
    )["tasks"][0]
    return task["taskArn"]


if __name__ == "__main__":
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    print(f"{result.testsRun} tests in {time.monotonic() - started:.1f} s")
    sys.exit(0 if result.wasSuccessful() else 1)
