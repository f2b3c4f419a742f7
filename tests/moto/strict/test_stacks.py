#!/usr/bin/env python3
"""The strict gate plays CloudFormation's DescribeStackResource for the stacks the tests register
(stacks.py), against a moto server of its own: the registered phase is shown, unknown and deleted
stacks and missing logical ids are CloudFormation's ValidationErrors, another account's stack is
denied (the policy names this account's stacks), and a function without cloudformation:DescribeStackResource is denied.

Run: python3 -m unittest discover -s tests/moto/strict -p 'test_*.py'
"""

import os
import sys
import unittest

from botocore.exceptions import ClientError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from world import HUB, HUB_REGION, World  # noqa: E402

STACK = f"arn:aws:cloudformation:{HUB_REGION}:{HUB}:stack/payments/6d2c3a70-1d2b-11ef-9e2a-0a1b2c3d4e5f"
CLUSTER = f"arn:aws:ecs:{HUB_REGION}:{HUB}:cluster/payments"
world = None


def setUpModule():
    global world
    world = World()
    world.register("ecs-environment-stacks", "ecs-environment")
    world.register("slack-command-stacks", "slack-command")


def tearDownModule():
    world.stop()


def describe(stack=STACK, logical="Env", key="ecs-environment-stacks"):
    client = world.client("cloudformation", key, HUB_REGION)
    return client.describe_stack_resource(StackName=stack, LogicalResourceId=logical)["StackResourceDetail"]


def show(status, physical_id=None, stack=STACK, logical="Env"):
    record = {"stack_id": stack, "logical_id": logical, "status": status}
    world.post("/_strict/stack-resources", record | ({"physical_id": physical_id} if physical_id else {}))


class DescribeStackResource(unittest.TestCase):
    def assert_error(self, code, words, **kwargs):
        with self.assertRaises(ClientError) as raised:
            describe(**kwargs)
        error = raised.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        self.assertIn(words, error["Message"])

    def test_each_phase_is_shown_as_registered(self):
        show("CREATE_IN_PROGRESS")
        detail = describe()
        self.assertEqual(detail["ResourceStatus"], "CREATE_IN_PROGRESS")
        self.assertEqual(detail["ResourceType"], "Custom::EcsEnvironment")
        self.assertNotIn("PhysicalResourceId", detail)
        show("UPDATE_COMPLETE", CLUSTER)
        detail = describe()
        self.assertEqual((detail["ResourceStatus"], detail["PhysicalResourceId"]), ("UPDATE_COMPLETE", CLUSTER))
        self.assertEqual((detail["StackId"], detail["StackName"]), (STACK, "payments"))
        self.assertEqual(describe(stack="payments")["PhysicalResourceId"], CLUSTER, "found by name too")

    def test_unknown_stacks_and_resources_are_validation_errors(self):
        unknown = STACK.replace("payments/", "nobody/")
        self.assert_error("ValidationError", f"Stack with id {unknown} does not exist", stack=unknown)
        show("CREATE_COMPLETE", CLUSTER)
        self.assert_error("ValidationError", "Resource Other does not exist for stack", logical="Other")

    def test_another_accounts_stack_is_denied(self):
        foreign = STACK.replace(f":{HUB}:", ":210987654321:")
        show("UPDATE_IN_PROGRESS", CLUSTER, stack=foreign)
        self.assert_error("AccessDenied", "210987654321:stack/payments", stack=foreign)

    def test_a_deleted_stack_does_not_exist(self):
        gone = STACK.replace("payments/", "gone/")
        show("DELETE_IN_PROGRESS", CLUSTER, stack=gone)
        world.post("/_strict/stack-resources", {"stack_id": gone, "gone": True})
        self.assert_error("ValidationError", f"Stack with id {gone} does not exist", stack=gone)

    def test_a_function_without_the_permission_is_denied(self):
        show("CREATE_IN_PROGRESS")
        self.assert_error("AccessDenied", "cloudformation:DescribeStackResource", key="slack-command-stacks")


if __name__ == "__main__":
    unittest.main()
