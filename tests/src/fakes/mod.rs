//! The parts of the world that are not AWS, played with their exact shapes on local servers:
//! CloudFormation's `ResponseURL` (`cfn`), Slack (`slack`), the Lambda Runtime API
//! (`runtime_api`), EventBridge's bus routed to SQS (`bus`), and the fault-injecting proxy in front
//! of moto (`fault_proxy`).

pub mod bus;
pub mod cfn;
pub mod fault_proxy;
pub mod runtime_api;
pub mod slack;
pub mod slack_requests;
