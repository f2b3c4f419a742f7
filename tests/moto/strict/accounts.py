"""Which account a request acts in, and moto told so.

One moto serves every account of the test world: it keeps a backend per account and reads the
account a request acts in from the `x-moto-account-id` header (`BaseResponse.get_current_account`,
before the access key; `MOTO_ACCOUNT_ID` in the environment would override both, so
`moto_server.py` clears it). The gate sets that header on what it forwards:
- a registered function acts in its own account (`"account"` of `/_strict/callers`, default
  `DEFAULT_ACCOUNT`); an assumed-role session the gate registered, in its role's account;
- a PutEvents entry that names its bus by ARN acts in the bus's account: moto's PutEvents reduces
  the ARN to a bus name in the current account. The request's SigV4 Region must be the bus's (a
  client in the bus's Region, as the product must use) and all its entries must go to one account,
  else the gate refuses it as a gate error (it cannot play one request in two accounts);
- an unregistered access key `acct-<12 digits>` is the test's own view of that account, forwarded
  unjudged; any other unregistered key is left to moto (`testing`: `DEFAULT_ACCOUNT`; credentials
  moto issued for a role: the role's account).

A PutEvents on another account's bus is refused (AccessDenied) unless the bus's policy admits it
(trust.py); one that a policy admits is a gate error (`cross_account_put`): what AWS writes in the
`account` of an event another account puts directly is not documented, so the world does not
pretend to know it. The hub puts a launch request as the spoke's own role, in the spoke's
account, and the event's `account` is the spoke's (contract section 9).
"""

import re

from moto.iam.models import get_account_id_from

DEFAULT_ACCOUNT = "123456789012"
HEADER = "HTTP_X_MOTO_ACCOUNT_ID"
_TEST_KEY = re.compile(r"acct-(\d{12})")


class GateError(Exception):
    """A request the gate cannot play as AWS would; refused as `StrictGateError`, a gate error."""


def test_account(access_key):
    """The account an unregistered key `acct-<12 digits>` stands for, else None."""
    match = _TEST_KEY.fullmatch(access_key or "")
    return match.group(1) if match else None


def moto_account(access_key):
    """The account moto gives a request signed with `access_key` and no header."""
    return get_account_id_from(access_key)


def arn_account(arn):
    return arn.split(":")[4]


def arn_region(arn):
    return arn.split(":")[3]


def acting_account(call, account):
    """The account `call`, of a caller in `account`, acts in; GateError when it cannot be played."""
    if (call.service, call.operation) != ("events", "PutEvents"):
        return account
    buses = [entry.get("EventBusName") or "default" for entry in call.params.get("Entries", [])]
    arns = [bus for bus in buses if bus.startswith("arn:")]
    for arn in arns:
        if arn_region(arn) != call.region:
            raise GateError(
                f"PutEvents to {arn} signed for Region {call.region}: a bus is reached with a client "
                f"in its own Region ({arn_region(arn)})"
            )
    accounts = {arn_account(arn) for arn in arns} | ({account} if len(arns) < len(buses) else set())
    if len(accounts) > 1:
        raise GateError(f"one PutEvents with entries for the buses of accounts {sorted(accounts)}")
    return accounts.pop() if accounts else account


def act_in(environ, account):
    """Tells moto the account the request in `environ` acts in."""
    environ[HEADER] = account


def cross_account_put(call, caller_account, acting):
    """GateError for a PutEvents a bus policy admitted from another account: the `account` AWS
    writes in such an event is not documented (the product puts as the bus's own account)."""
    if (call.service, call.operation) == ("events", "PutEvents") and acting != caller_account:
        raise GateError(
            f"PutEvents from account {caller_account} on a bus of account {acting}, admitted by its bus "
            "policy: the `account` AWS writes in such an event is not documented (put as a role of the "
            "bus's own account instead)"
        )
