#!/usr/bin/env python3
"""A spoke's notices reach its hub as EventBridge delivers them (issue 36 item 5; bus_targets.py),
against a moto server of its own: the spoke stack's rule NoticesToTheHub (made on the spoke's bus
as CloudFormation would) sends a `Debug Task Notice` to the hub's bus as its role; the hub bus's
policy (the toolkit stack's NoticesFromSpokes) must admit the spoke's account; the event keeps the
sender's `account` and `region` (a new `id`: a delivery to another Region may get one). A third account the hub does not list, and a rule without a
role, deliver nothing, and each refusal is in the report.

Run: python3 tests/moto/strict/test_bus_targets.py   (or python3 -m unittest discover -s tests/moto/strict)
"""

import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from world import HUB, HUB_BUS, HUB_REGION, SPOKE_TEMPLATE, World, _Dumper, load_template  # noqa: E402

import yaml  # noqa: E402

SPOKE, SPOKE_REGION = "222222222222", "eu-central-1"
THIRD = "333333333333"
NOTICE = {"Source": "ecs-debug-toolkit", "DetailType": "Debug Task Notice"}
world = None
received = None


def setUpModule():
    global world, received
    world = World()
    world.hub_buses([SPOKE])
    received = hub_queue()
    for account, alias in ((SPOKE, "dev"), (THIRD, "rogue")):
        world.as_test("events", account, SPOKE_REGION).create_event_bus(Name="ecs-debug-toolkit")
        world.spoke(account, SPOKE_REGION, alias)


def tearDownModule():
    world.stop()


def hub_queue():
    """The hub's bus with a rule sending its notices to a queue; reads (and empties) the queue."""
    events, sqs = world.as_test("events", HUB, HUB_REGION), world.as_test("sqs", HUB, HUB_REGION)
    events.create_event_bus(Name=HUB_BUS)
    queue = sqs.create_queue(QueueName="hub-notices")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": ["ecs-debug-toolkit"], "detail-type": ["Debug Task Notice"]}
    events.put_rule(Name="notices", EventBusName=HUB_BUS, EventPattern=json.dumps(pattern))
    events.put_targets(Rule="notices", EventBusName=HUB_BUS, Targets=[{"Id": "q", "Arn": arn}])

    def read():
        time.sleep(0.2)
        answer = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for message in answer.get("Messages", []):
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(m["Body"]) for m in answer.get("Messages", [])]

    return read


def put(account, detail, detail_type="Debug Task Notice"):
    entry = NOTICE | {"DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": "ecs-debug-toolkit"}
    answer = world.as_test("events", account, SPOKE_REGION).put_events(Entries=[entry])
    return answer["Entries"][0]["EventId"]


def deliveries(account):
    return [r for r in world.records() if r.get("call") == "events:PutEvents (rule target)" and r["account"] == account]


class NoticesToTheHub(unittest.TestCase):
    def test_a_a_spokes_notice_reaches_the_hub_with_the_senders_account_and_region(self):
        event_id = put(SPOKE, {"kind": "refused", "reason": "a", "channel": "C1"})
        got = received()
        self.assertEqual(len(got), 1, got)
        self.assertEqual((got[0]["account"], got[0]["region"]), (SPOKE, SPOKE_REGION))
        self.assertNotEqual(got[0]["id"], event_id, "a delivery elsewhere may get a new id: the world gives one")
        self.assertEqual(got[0]["detail"]["reason"], "a")
        self.assertEqual([r["outcome"] for r in deliveries(SPOKE)][-1:], ["allowed"])

    def test_b_an_account_the_hub_does_not_list_delivers_nothing_and_is_reported(self):
        put(THIRD, {"kind": "refused", "reason": "b", "channel": "C1"})
        self.assertEqual(received(), [])
        refused = deliveries(THIRD)
        self.assertEqual([(r["outcome"], r["checks"][0]["result"]) for r in refused][-1:], [("denied", "ImplicitlyDenied")])

    def test_c_a_rule_without_a_role_delivers_nothing(self):
        template = load_template(SPOKE_TEMPLATE)
        del template["Resources"]["NoticesToTheHub"]["Properties"]["Targets"][0]["RoleArn"]
        path = os.path.join(tempfile.mkdtemp(), "spoke-without-role.yaml")
        with open(path, "w") as file:
            yaml.dump(template, file, Dumper=_Dumper, sort_keys=False)
        world.as_test("events", SPOKE, "us-west-2").create_event_bus(Name="ecs-debug-toolkit")
        world.spoke(SPOKE, "us-west-2", "west", template=path)
        entry = NOTICE | {"Detail": json.dumps({"kind": "refused"}), "EventBusName": "ecs-debug-toolkit"}
        world.as_test("events", SPOKE, "us-west-2").put_events(Entries=[entry])
        self.assertEqual(received(), [])
        self.assertEqual([r["checks"][0]["result"] for r in deliveries(SPOKE)][-1:], ["no RoleArn"])

    def test_d_only_notices_go_to_the_hub(self):
        put(SPOKE, {"cluster": "c", "requestedBy": "U1"}, detail_type="Debug Task Requested")
        self.assertEqual(received(), [])


if __name__ == "__main__":
    unittest.main()
