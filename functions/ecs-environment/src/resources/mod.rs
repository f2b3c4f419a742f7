//! One module per kind of resource: find it (with its owner tag), ensure it, remove it.

pub mod adopt;
pub mod cluster;
pub mod debug_tasks;
pub mod endpoints;
pub mod log_groups;
pub mod network;
pub mod preflight;
pub mod role_standing;
pub mod roles;
pub mod security_group;
pub mod service_linked_role;
pub mod source_groups;
pub mod tagging;
pub mod task_definition;
