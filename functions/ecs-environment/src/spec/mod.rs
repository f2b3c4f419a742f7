//! `ResourceProperties` parsed into a typed [`EnvironmentSpec`] before any AWS call.

mod app;
mod error;
mod fields;
mod rules;

pub use app::AppSpec;

pub use rules::{is_cluster_name, MAX_CLUSTER_NAME_LEN};

pub use error::{PropertyError, PropertyErrors};
pub use fields::Properties;

use debug_toolkit::tags;
use fields::{list, number, required_text, text};
use std::collections::BTreeMap;

/// Properties CloudFormation itself adds to every request.
const CLOUDFORMATION_PROPERTIES: [&str; 2] = ["ServiceToken", "ServiceTimeout"];

const KNOWN_PROPERTIES: [&str; 25] = [
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
];

/// Tags we put on the cluster besides the user's: `Environment`, managed-by, owner and the eight
/// launch tags. AWS allows 50 tags a resource.
const OUR_TAG_COUNT: usize = 11;
const MAX_USER_TAGS: usize = 50 - OUR_TAG_COUNT;
/// A security group holds 60 egress rules; one is the HTTPS rule.
const MAX_EXTRA_EGRESS_PORTS: usize = 59;
/// A week: longer debug sessions are not what this service is for.
const MAX_MINUTES: i64 = 7 * 24 * 60;

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
    pub idle_timeout_minutes: i64,
    pub max_lifetime_minutes: i64,
    /// The user's `Tags`.
    pub tags: BTreeMap<String, String>,
    /// The application side (contract v2).
    pub app: AppSpec,
}

impl EnvironmentSpec {
    /// Parses and validates every property, reporting all problems at once. `region` is the
    /// stack's region (a KMS key must be in it).
    pub fn parse(props: &Properties, region: &str) -> Result<Self, PropertyErrors> {
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
        let image = errors.take(image(props));
        let cpu_memory = errors.take(cpu_and_memory(props));
        let log_retention = errors.take(retention(props, "LogRetentionDays", 30));
        let debug_log_retention = errors.take(retention(props, "DebugLogRetentionDays", 7));
        let kms_key_arn = errors.take(kms_key(props, region));
        let extra_egress_ports = errors.take(egress_ports(props));
        let users = errors.take(slack_ids(props, "AllowedSlackUsers", &['U', 'W'], "U or W"));
        let channels = errors.take(slack_ids(
            props,
            "AllowedSlackChannels",
            &['C', 'G', 'D'],
            "C, G or D",
        ));
        let idle = errors.take(number(props, "IdleTimeoutMinutes", 30, 1..=MAX_MINUTES));
        let max = errors.take(number(props, "MaxLifetimeMinutes", 240, 1..=MAX_MINUTES));
        if let (Some(idle), Some(max)) = (idle, max) {
            if idle > max {
                errors.push(PropertyError::new(
                    "IdleTimeoutMinutes",
                    format!("must not exceed MaxLifetimeMinutes ({max}), got {idle}"),
                ));
            }
        }
        let tags = errors.take(user_tags(props));
        let app = AppSpec::parse(props, &mut errors);
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
            idle_timeout_minutes: idle.expect("parsed"),
            max_lifetime_minutes: max.expect("parsed"),
            tags: tags.expect("parsed"),
            app: app.expect("parsed"),
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

fn check_cluster_name(name: String) -> Result<String, PropertyError> {
    if rules::starts_like_a_group_id(&name) {
        return Err(PropertyError::new(
            "ClusterName",
            format!("must not start with sg- (the security group {name}-ecs-tasks would be refused by EC2)"),
        ));
    }
    if rules::is_cluster_name(&name) {
        return Ok(name);
    }
    Err(PropertyError::new(
        "ClusterName",
        format!(
            "must be 1 to {} letters, digits, hyphens or underscores, got {name:?}",
            rules::MAX_CLUSTER_NAME_LEN
        ),
    ))
}

fn check_vpc_id(id: String) -> Result<String, PropertyError> {
    if rules::is_ec2_id(&id, "vpc") {
        return Ok(id);
    }
    Err(PropertyError::new(
        "VpcId",
        format!("must look like vpc-0a1b2c3d, got {id:?}"),
    ))
}

fn check_subnets(ids: Option<Vec<String>>) -> Result<Option<Vec<String>>, PropertyError> {
    let Some(ids) = ids else { return Ok(None) };
    if let Some(bad) = ids.iter().find(|id| !rules::is_ec2_id(id, "subnet")) {
        return Err(PropertyError::new(
            "SubnetIds",
            format!("each must look like subnet-0a1b2c3d, got {bad:?}"),
        ));
    }
    let ids = dedup(ids);
    if ids.join(" ").len() > tags::MAX_TAG_VALUE_LEN {
        return Err(PropertyError::new(
            "SubnetIds",
            "too many subnets: space-separated they must fit in 256 characters (the debug-toolkit:subnets tag), about 10",
        ));
    }
    Ok(Some(ids))
}

fn check_tag_value(property: &'static str, value: String) -> Result<String, PropertyError> {
    if tags::has_reserved_aws_prefix(&value) {
        return Err(PropertyError::new(
            property,
            "must not start with aws: (AWS reserves it in tag values)",
        ));
    }
    if value.chars().count() <= tags::MAX_TAG_VALUE_LEN && rules::is_tag_text(&value) {
        return Ok(value);
    }
    Err(PropertyError::new(
        property,
        "must be at most 256 letters, digits, spaces or + - = . _ : / @ (it becomes a tag value)",
    ))
}

fn container_insights(props: &Properties) -> Result<ContainerInsights, PropertyError> {
    let raw = text(props, "EnableContainerInsights")?.unwrap_or_else(|| "true".into());
    match raw.to_ascii_lowercase().as_str() {
        "true" | "enabled" => Ok(ContainerInsights::Enabled),
        "false" | "disabled" => Ok(ContainerInsights::Disabled),
        "enhanced" => Ok(ContainerInsights::Enhanced),
        _ => Err(PropertyError::new(
            "EnableContainerInsights",
            format!("must be true, false or enhanced, got {raw:?}"),
        )),
    }
}

fn capacity_providers(props: &Properties) -> Result<Vec<String>, PropertyError> {
    let providers = list(props, "CapacityProviders")?
        .unwrap_or_else(|| vec!["FARGATE".into(), "FARGATE_SPOT".into()]);
    if let Some(bad) = providers.iter().find(|p| !rules::is_capacity_provider(p)) {
        return Err(PropertyError::new(
            "CapacityProviders",
            format!(
                "each must be FARGATE, FARGATE_SPOT or an Auto Scaling group capacity provider name \
                 (letters, digits, - and _, not starting with aws, ecs or fargate), got {bad:?}"
            ),
        ));
    }
    if providers.len() > 20 {
        return Err(PropertyError::new(
            "CapacityProviders",
            "at most 20 capacity providers",
        ));
    }
    Ok(dedup(providers))
}

fn default_capacity_provider(
    props: &Properties,
    providers: &[String],
) -> Result<String, PropertyError> {
    let chosen = text(props, "DefaultCapacityProvider")?.unwrap_or_else(|| "FARGATE".into());
    if providers.is_empty() || providers.contains(&chosen) {
        return Ok(chosen);
    }
    Err(PropertyError::new(
        "DefaultCapacityProvider",
        format!(
            "must be one of CapacityProviders ({}), got {chosen:?}",
            providers.join(", ")
        ),
    ))
}

fn image(props: &Properties) -> Result<String, PropertyError> {
    let image =
        text(props, "DebugToolkitImage")?.unwrap_or_else(|| "nicolaka/netshoot:latest".into());
    if rules::is_image(&image) {
        return Ok(image);
    }
    Err(PropertyError::new(
        "DebugToolkitImage",
        format!("must be an image reference of at most 255 letters, digits and - _ . : / @ #, got {image:?}"),
    ))
}

fn cpu_and_memory(props: &Properties) -> Result<(i64, i64), PropertyError> {
    let cpu = number(props, "DebugToolkitCpu", 256, 0..=i64::MAX)?;
    let Some(memory_options) = rules::fargate_memory_for(cpu) else {
        return Err(PropertyError::new(
            "DebugToolkitCpu",
            format!(
                "must be a Fargate cpu value ({}), got {cpu}",
                join(&rules::FARGATE_CPU)
            ),
        ));
    };
    let memory = number(props, "DebugToolkitMemory", 512, 0..=i64::MAX)?;
    if memory_options.contains(&memory) {
        return Ok((cpu, memory));
    }
    Err(PropertyError::new(
        "DebugToolkitMemory",
        format!(
            "with DebugToolkitCpu {cpu}, Fargate accepts {} MiB, got {memory}",
            describe_options(&memory_options)
        ),
    ))
}

fn retention(props: &Properties, name: &'static str, default: i64) -> Result<i32, PropertyError> {
    let days = number(props, name, default, 0..=i64::MAX)?;
    if rules::LOG_RETENTION_DAYS.contains(&days) {
        return Ok(days as i32);
    }
    Err(PropertyError::new(
        name,
        format!(
            "must be one of {} (CloudWatch Logs retention days), got {days}",
            join(&rules::LOG_RETENTION_DAYS)
        ),
    ))
}

fn kms_key(props: &Properties, region: &str) -> Result<Option<String>, PropertyError> {
    let Some(arn) = text(props, "KmsKeyArn")? else {
        return Ok(None);
    };
    match rules::kms_key_arn_problem(&arn, region) {
        None => Ok(Some(arn)),
        Some(problem) => Err(PropertyError::new("KmsKeyArn", problem)),
    }
}

fn egress_ports(props: &Properties) -> Result<Vec<u16>, PropertyError> {
    let ports = app::tcp_ports(props, "ExtraEgressPorts")?;
    if ports.len() > MAX_EXTRA_EGRESS_PORTS {
        return Err(PropertyError::new(
            "ExtraEgressPorts",
            format!(
                "at most {MAX_EXTRA_EGRESS_PORTS} ports (a security group holds 60 egress rules)"
            ),
        ));
    }
    Ok(ports)
}

fn slack_ids(
    props: &Properties,
    name: &'static str,
    first: &[char],
    described: &str,
) -> Result<Vec<String>, PropertyError> {
    let ids = dedup(list(props, name)?.unwrap_or_default());
    if let Some(bad) = ids.iter().find(|id| !rules::is_slack_id(id, first)) {
        return Err(PropertyError::new(
            name,
            format!("each must be a Slack id starting with {described} (upper-case letters and digits), got {bad:?}"),
        ));
    }
    if ids.join(" ").len() > tags::MAX_TAG_VALUE_LEN {
        return Err(PropertyError::new(
            name,
            "too many ids: space-separated they must fit in 256 characters (one tag value)",
        ));
    }
    Ok(ids)
}

fn user_tags(props: &Properties) -> Result<BTreeMap<String, String>, PropertyError> {
    let tags = fields::tags(props, "Tags")?;
    if tags.len() > MAX_USER_TAGS {
        return Err(PropertyError::new(
            "Tags",
            format!("at most {MAX_USER_TAGS} tags (AWS allows 50 a resource and this service sets {OUR_TAG_COUNT}), got {}", tags.len()),
        ));
    }
    for (key, value) in &tags {
        if tags::has_reserved_aws_prefix(key)
            || key.to_ascii_lowercase().starts_with(tags::RESERVED_PREFIX)
        {
            return Err(PropertyError::new(
                "Tags",
                format!(
                    "key {key:?} uses a reserved prefix (aws: or {})",
                    tags::RESERVED_PREFIX
                ),
            ));
        }
        if key.is_empty() || key.chars().count() > 128 || !rules::is_tag_text(key) {
            return Err(PropertyError::new(
                "Tags",
                format!("key {key:?} must be 1 to 128 letters, digits, spaces or + - = . _ : / @"),
            ));
        }
        if tags::has_reserved_aws_prefix(value) {
            return Err(PropertyError::new(
                "Tags",
                format!("the value of {key:?} must not start with aws: (AWS reserves it)"),
            ));
        }
        if value.chars().count() > tags::MAX_TAG_VALUE_LEN || !rules::is_tag_text(value) {
            return Err(PropertyError::new(
                "Tags",
                format!("the value of {key:?} must be at most 256 letters, digits, spaces or + - = . _ : / @"),
            ));
        }
    }
    Ok(tags)
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

fn join(values: &[i64]) -> String {
    values
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_options(values: &[i64]) -> String {
    match values {
        [first, .., last] if values.len() > 4 => {
            format!("{first} to {last} in steps of {}", values[1] - values[0])
        }
        _ => join(values),
    }
}

#[cfg(test)]
mod tests;
