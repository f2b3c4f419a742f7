//! `ResourceProperties` parsed into a typed [`EnvironmentSpec`] before any AWS call.

mod app;
mod checks;
mod defaults;
mod error;
mod fields;
mod home;
mod like;
mod retain;
mod rules;
pub mod vpc_endpoints;

pub use app::{AppSpec, GroupRef};
pub use defaults::{Defaults, IMAGE_VARIABLE};

pub use rules::{is_cluster_name, MAX_CLUSTER_NAME_LEN};

pub use error::{PropertyError, PropertyErrors};
pub use fields::Properties;
pub use home::Home;
pub use retain::{on_delete as exec_logs_on_delete, ExecLogsOnDelete};
pub use vpc_endpoints::VpcEndpoints;

use checks::{
    capacity_providers, check_cluster_name, check_subnets, check_tag_value, check_vpc_id,
    container_insights, cpu_and_memory, default_capacity_provider, egress_ports, image, kms_key,
    retention, slack_ids, user_tags,
};
use debug_toolkit::slack_ids::{is_channel_id, is_user_or_group_id};
use debug_toolkit::tags;
use fields::{list, number, required_text, text};
use std::collections::BTreeMap;

/// Properties CloudFormation itself adds to every request.
const CLOUDFORMATION_PROPERTIES: [&str; 2] = ["ServiceToken", "ServiceTimeout"];

const KNOWN_PROPERTIES: [&str; 29] = [
    "ClusterName",
    "VpcId",
    "SubnetIds",
    "Environment",
    "EnableContainerInsights",
    "CapacityProviders",
    "DefaultCapacityProvider",
    "CapacityProviderBase",
    "CapacityProviderWeight",
    "DebugToolkitImage",
    "DebugToolkitCpu",
    "DebugToolkitMemory",
    "LogRetentionDays",
    "DebugLogRetentionDays",
    "KmsKeyArn",
    "ExtraEgressPorts",
    "AllowedSlackUsers",
    "AllowedSlackChannels",
    "IdleTimeoutMinutes",
    "MaxLifetimeMinutes",
    "Tags",
    "AppS3BucketArns",
    "AppDynamoDbTableArns",
    "AppIngressPorts",
    "AppIngressSourceSecurityGroupIds",
    "AppKmsKeyArns",
    retain::PROPERTY,
    like::PROPERTY,
    vpc_endpoints::PROPERTY,
];

/// Tags we put on the cluster besides the user's: `Environment`, managed-by, owner, the eight
/// launch tags and the two `doctor` reads (task role, image); `debug-toolkit:like-services`, one
/// more, only with `LikeServices`: `like.rs` checks that. AWS allows 50 tags a resource.
const OUR_TAG_COUNT: usize = 13;
const MAX_USER_TAGS: usize = 50 - OUR_TAG_COUNT;
/// A security group holds 60 egress rules; one is the HTTPS rule.
const MAX_EXTRA_EGRESS_PORTS: usize = 59;
/// A week: longer debug sessions are not what this service is for.
/// A week: the longest idle timeout and lifetime (the same limit as Slack's durations).
const MAX_MINUTES: i64 = debug_toolkit::duration::MAX_MINUTES as i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerInsights {
    Enabled,
    Disabled,
    Enhanced,
}

impl ContainerInsights {
    pub fn setting_value(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Enhanced => "enhanced",
        }
    }
}

/// One ECS environment as the template asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvironmentSpec {
    pub cluster_name: String,
    pub vpc_id: String,
    /// `None`: the subnets of `vpc_id` tagged `Tier=private`.
    pub subnet_ids: Option<Vec<String>>,
    pub environment: String,
    pub container_insights: ContainerInsights,
    pub capacity_providers: Vec<String>,
    pub default_capacity_provider: String,
    pub capacity_provider_base: i32,
    pub capacity_provider_weight: i32,
    pub image: String,
    pub cpu: i64,
    pub memory: i64,
    pub log_retention_days: i32,
    pub debug_log_retention_days: i32,
    pub kms_key_arn: Option<String>,
    pub extra_egress_ports: Vec<u16>,
    pub allowed_slack_users: Vec<String>,
    pub allowed_slack_channels: Vec<String>,
    /// `LikeServices`: services `start --like` may copy (`*`: any); empty: none.
    pub like_services: Vec<String>,
    pub idle_timeout_minutes: i64,
    pub max_lifetime_minutes: i64,
    /// The user's `Tags`.
    pub tags: BTreeMap<String, String>,
    /// The application side (docs/interface.md, `ecs-environment`).
    pub app: AppSpec,
    /// The toolkit stack's `AllowForeignResourceArns`: without it the app role's S3 grants hold
    /// for buckets of this account only (their ARNs name no account).
    pub foreign_resources_allowed: bool,
    /// `VpcEndpoints` (docs/interface.md, "VPC endpoints").
    pub vpc_endpoints: VpcEndpoints,
}

impl EnvironmentSpec {
    /// [`Self::parse_with`] the defaults of a stack that published `nicolaka/netshoot:latest`, in
    /// account 123456789012.
    #[cfg(test)]
    pub fn parse(props: &Properties, region: &str) -> Result<Self, PropertyErrors> {
        let defaults = Defaults {
            image: Some("nicolaka/netshoot:latest".into()),
            ..Defaults::default()
        };
        Self::parse_with(props, &Home::example(region), &defaults)
    }

    /// Parses and validates every property, reporting all problems at once. `home` is where the
    /// stack is (a KMS key must be in its region, an ARN in its partition and account: [`Home`]);
    /// `defaults` fill what the properties leave out.
    pub fn parse_with(
        props: &Properties,
        home: &Home,
        defaults: &Defaults,
    ) -> Result<Self, PropertyErrors> {
        let region = home.region.as_str();
        let mut errors = PropertyErrors::default();
        for name in props.keys() {
            let known = KNOWN_PROPERTIES.contains(&name.as_str())
                || CLOUDFORMATION_PROPERTIES.contains(&name.as_str());
            if !known {
                errors.push(PropertyError::unknown(name, &KNOWN_PROPERTIES));
            }
        }
        let cluster_name =
            errors.take(required_text(props, "ClusterName").and_then(check_cluster_name));
        let vpc_id = errors.take(required_text(props, "VpcId").and_then(check_vpc_id));
        let subnet_ids = errors.take(list(props, "SubnetIds").and_then(check_subnets));
        let environment = errors.take(
            text(props, "Environment")
                .map(|e| e.unwrap_or_else(|| "default".into()))
                .and_then(|e| check_tag_value("Environment", e)),
        );
        let container_insights = errors.take(container_insights(props));
        let capacity_providers = errors.take(capacity_providers(props));
        let default_capacity_provider = errors.take(default_capacity_provider(
            props,
            capacity_providers.as_deref().unwrap_or(&[]),
        ));
        let base = errors.take(number(props, "CapacityProviderBase", 0, 0..=100_000));
        let weight = errors.take(number(props, "CapacityProviderWeight", 1, 1..=1_000));
        let image = errors.take(image(props, defaults.image.as_deref()));
        let cpu_memory = errors.take(cpu_and_memory(props));
        let log_retention = errors.take(retention(props, "LogRetentionDays", 30));
        let debug_log_retention = errors.take(retention(props, "DebugLogRetentionDays", 7));
        let kms_key_arn = errors.take(kms_key(props, region));
        let extra_egress_ports = errors.take(egress_ports(props));
        let users = errors.take(slack_ids(
            props,
            "AllowedSlackUsers",
            is_user_or_group_id,
            "U or W (a user) or S (a user group)",
        ));
        let channels = errors.take(slack_ids(
            props,
            "AllowedSlackChannels",
            is_channel_id,
            "C, G or D",
        ));
        let like_services = errors.take(like::like_services(props));
        let idle = errors.take(number(
            props,
            "IdleTimeoutMinutes",
            defaults.idle_timeout_minutes,
            1..=MAX_MINUTES,
        ));
        let max = errors.take(number(
            props,
            "MaxLifetimeMinutes",
            defaults.max_lifetime_minutes,
            1..=MAX_MINUTES,
        ));
        if let (Some(idle), Some(max)) = (idle, max) {
            if idle > max {
                // A value this environment did not set is the toolkit stack's default: say so.
                let from = |property: &'static str, default: &str| match text(props, property) {
                    Ok(Some(_)) => String::new(),
                    _ => format!(" from the toolkit stack's {default}"),
                };
                errors.push(PropertyError::new(
                    "IdleTimeoutMinutes",
                    format!(
                        "must not exceed MaxLifetimeMinutes ({max}{}), got {idle}{}",
                        from("MaxLifetimeMinutes", "DefaultMaxLifetimeMinutes"),
                        from("IdleTimeoutMinutes", "DefaultIdleTimeoutMinutes"),
                    ),
                ));
            }
        }
        let tags = errors.take(user_tags(props));
        if let (Some(like), Some(tags)) = (&like_services, &tags) {
            errors.take(like::fits_beside(like, tags.len()));
        }
        let app = AppSpec::parse(props, region, &mut errors);
        home.check(
            kms_key_arn.as_ref().and_then(Option::as_ref),
            app.as_ref(),
            defaults.allow_foreign_resource_arns,
            &mut errors,
        );
        let vpc_endpoints = errors.take(vpc_endpoints::parse(props));
        // Read by Delete alone (`exec_logs_on_delete`); Create and Update only validate it.
        errors.take(retain::parse(props));
        errors.into_result()?;

        let (cpu, memory) = cpu_memory.expect("no errors means every field parsed");
        Ok(Self {
            cluster_name: cluster_name.expect("parsed"),
            vpc_id: vpc_id.expect("parsed"),
            subnet_ids: subnet_ids.expect("parsed"),
            environment: environment.expect("parsed"),
            container_insights: container_insights.expect("parsed"),
            capacity_providers: capacity_providers.expect("parsed"),
            default_capacity_provider: default_capacity_provider.expect("parsed"),
            capacity_provider_base: base.expect("parsed") as i32,
            capacity_provider_weight: weight.expect("parsed") as i32,
            image: image.expect("parsed"),
            cpu,
            memory,
            log_retention_days: log_retention.expect("parsed"),
            debug_log_retention_days: debug_log_retention.expect("parsed"),
            kms_key_arn: kms_key_arn.expect("parsed"),
            extra_egress_ports: extra_egress_ports.expect("parsed"),
            allowed_slack_users: users.expect("parsed"),
            allowed_slack_channels: channels.expect("parsed"),
            like_services: like_services.expect("parsed"),
            idle_timeout_minutes: idle.expect("parsed"),
            max_lifetime_minutes: max.expect("parsed"),
            tags: tags.expect("parsed"),
            app: app.expect("parsed"),
            foreign_resources_allowed: defaults.allow_foreign_resource_arns,
            vpc_endpoints: vpc_endpoints.expect("parsed"),
        })
    }

    /// The value of the `Environment` tag on every resource: the user's own `Environment` tag
    /// wins over the property.
    pub fn environment_tag(&self) -> &str {
        self.tags
            .get(tags::ENVIRONMENT)
            .unwrap_or(&self.environment)
    }
}

#[cfg(test)]
mod tests;
