//! What the toolkit stack gives environments that set none (docs/interface.md, "Properties"): the
//! debug-toolkit image it published to its own ECR repository, and its idle timeout and max
//! lifetime; and what it holds every environment to: the permissions boundary of their roles and
//! whether their ARN-valued properties may name other accounts' resources. Read once per cold
//! start from the function's environment.

use debug_toolkit::config::{self, ConfigError};

/// `DEFAULT_DEBUG_TOOLKIT_IMAGE`: `<repository-uri>:<toolkit version>`.
pub const IMAGE_VARIABLE: &str = "DEFAULT_DEBUG_TOOLKIT_IMAGE";
/// The managed policy every environment role is created with as its permissions boundary.
pub const BOUNDARY_VARIABLE: &str = "ENVIRONMENT_ROLE_BOUNDARY_ARN";
/// `true`: `KmsKeyArn`, `AppS3BucketArns`, `AppDynamoDbTableArns` and `AppKmsKeyArns` may name
/// other accounts' resources (stack parameter `AllowForeignResourceArns`).
pub const FOREIGN_ARNS_VARIABLE: &str = "ALLOW_FOREIGN_RESOURCE_ARNS";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defaults {
    /// `None`: the stack gave no image, so `DebugToolkitImage` is required.
    pub image: Option<String>,
    pub idle_timeout_minutes: i64,
    pub max_lifetime_minutes: i64,
    /// `None` (local runs against a bare emulator): roles are made without a boundary, which the
    /// deployed function's own policy refuses.
    pub role_boundary: Option<String>,
    pub allow_foreign_resource_arns: bool,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            image: None,
            idle_timeout_minutes: 30,
            max_lifetime_minutes: 240,
            role_boundary: None,
            allow_foreign_resource_arns: false,
        }
    }
}

impl Defaults {
    pub fn from_env() -> Result<Self, ConfigError> {
        let fallback = Self::default();
        Ok(Self {
            image: config::var(IMAGE_VARIABLE),
            idle_timeout_minutes: config::positive_minutes(
                "DEFAULT_IDLE_TIMEOUT_MINUTES",
                fallback.idle_timeout_minutes as u32,
            )?
            .into(),
            max_lifetime_minutes: config::positive_minutes(
                "DEFAULT_MAX_LIFETIME_MINUTES",
                fallback.max_lifetime_minutes as u32,
            )?
            .into(),
            role_boundary: config::var(BOUNDARY_VARIABLE),
            allow_foreign_resource_arns: config::flag(FOREIGN_ARNS_VARIABLE)?,
        })
    }
}
