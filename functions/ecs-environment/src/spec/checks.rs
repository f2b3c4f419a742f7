//! One check per property (or group of properties): each returns the typed value or the
//! [`PropertyError`] naming the property, so `EnvironmentSpec::parse` reports every problem at once.

use super::fields::{self, list, number, text, Properties};
use super::{app, ContainerInsights};
use super::{rules, PropertyError};
use super::{MAX_EXTRA_EGRESS_PORTS, MAX_USER_TAGS, OUR_TAG_COUNT};
use debug_toolkit::tags;
use std::collections::BTreeMap;

pub(super) fn check_cluster_name(name: String) -> Result<String, PropertyError> {
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

pub(super) fn check_vpc_id(id: String) -> Result<String, PropertyError> {
    if rules::is_ec2_id(&id, "vpc") {
        return Ok(id);
    }
    Err(PropertyError::new(
        "VpcId",
        format!("must look like vpc-0a1b2c3d, got {id:?}"),
    ))
}

pub(super) fn check_subnets(
    ids: Option<Vec<String>>,
) -> Result<Option<Vec<String>>, PropertyError> {
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

pub(super) fn check_tag_value(
    property: &'static str,
    value: String,
) -> Result<String, PropertyError> {
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

pub(super) fn container_insights(props: &Properties) -> Result<ContainerInsights, PropertyError> {
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

pub(super) fn capacity_providers(props: &Properties) -> Result<Vec<String>, PropertyError> {
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

pub(super) fn default_capacity_provider(
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

/// The property, else the stack's published image; without either, the property is required.
pub(super) fn image(props: &Properties, default: Option<&str>) -> Result<String, PropertyError> {
    let Some(image) = text(props, "DebugToolkitImage")?.or(default.map(str::to_string)) else {
        return Err(PropertyError::new(
            "DebugToolkitImage",
            format!("required: this toolkit has no default image ({}, set by the toolkit stack from its ECR repository, is empty; see docs/image.md)", super::IMAGE_VARIABLE),
        ));
    };
    if rules::is_image(&image) {
        return Ok(image);
    }
    Err(PropertyError::new(
        "DebugToolkitImage",
        format!("must be an image reference of at most 255 letters, digits and - _ . : / @ #, got {image:?}"),
    ))
}

pub(super) fn cpu_and_memory(props: &Properties) -> Result<(i64, i64), PropertyError> {
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

pub(super) fn retention(
    props: &Properties,
    name: &'static str,
    default: i64,
) -> Result<i32, PropertyError> {
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

pub(super) fn kms_key(props: &Properties, region: &str) -> Result<Option<String>, PropertyError> {
    let Some(arn) = text(props, "KmsKeyArn")? else {
        return Ok(None);
    };
    match rules::kms_key_arn_problem(&arn, region) {
        None => Ok(Some(arn)),
        Some(problem) => Err(PropertyError::new("KmsKeyArn", problem)),
    }
}

pub(super) fn egress_ports(props: &Properties) -> Result<Vec<u16>, PropertyError> {
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

pub(super) fn slack_ids(
    props: &Properties,
    name: &'static str,
    is_id: fn(&str) -> bool,
    described: &str,
) -> Result<Vec<String>, PropertyError> {
    let ids = dedup(list(props, name)?.unwrap_or_default());
    if let Some(bad) = ids.iter().find(|id| !is_id(id)) {
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

pub(super) fn user_tags(props: &Properties) -> Result<BTreeMap<String, String>, PropertyError> {
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

pub(super) fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

pub(super) fn join(values: &[i64]) -> String {
    values
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn describe_options(values: &[i64]) -> String {
    match values {
        [first, .., last] if values.len() > 4 => {
            format!("{first} to {last} in steps of {}", values[1] - values[0])
        }
        _ => join(values),
    }
}
