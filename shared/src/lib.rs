//! Shared library of ecs-debug-toolkit.
//!
//! What more than one function needs lives here: the tag vocabulary of the contract, the
//! CloudFormation custom-resource response (its size rules and the PUT to `ResponseURL`), the
//! invocation deadline, and AWS SDK configuration from the standard chain.

pub mod aws;
pub mod cfn;
pub mod deadline;
pub mod tags;
