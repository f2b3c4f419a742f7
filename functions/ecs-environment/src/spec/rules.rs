//! Value rules AWS enforces (and moto mostly does not), checked before any AWS call.

/// Longest `ClusterName` whose derived names all fit: the task family `<C>-debug-toolkit` and
/// the security group `<C>-ecs-tasks` may be at most 255 characters.
pub const MAX_CLUSTER_NAME_LEN: usize = 255 - "-debug-toolkit".len();

pub const LOG_RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Memory (MiB) values Fargate accepts for each cpu value (units).
pub fn fargate_memory_for(cpu: i64) -> Option<Vec<i64>> {
    let (from, to, step) = match cpu {
        256 => return Some(vec![512, 1024, 2048]),
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        16384 => (32768, 122880, 8192),
        _ => return None,
    };
    Some((from..=to).step_by(step).collect())
}

pub const FARGATE_CPU: [i64; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

pub fn is_cluster_name(name: &str) -> bool {
    name.len() <= MAX_CLUSTER_NAME_LEN && debug_toolkit::cluster::is_valid_name(name)
}

/// EC2 refuses security group names that start with `sg-` (we refuse any case of it), and the
/// group is named `<cluster>-ecs-tasks`.
pub fn starts_like_a_group_id(cluster_name: &str) -> bool {
    cluster_name
        .get(..3)
        .is_some_and(|head| head.eq_ignore_ascii_case("sg-"))
}

/// `vpc-…`, `subnet-…`: the prefix and 8 or 17 lowercase hex digits.
pub fn is_ec2_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            (8..=17).contains(&hex.len())
                && hex
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        })
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

/// `arn:<partition>:s3:::<bucket>` with a valid bucket name (3-63 lowercase letters, digits, dots
/// and hyphens, starting and ending with a letter or digit); no object path, no wildcard.
pub fn is_s3_bucket_arn(arn: &str) -> bool {
    let Some(bucket) = PARTITIONS
        .iter()
        .find_map(|p| arn.strip_prefix(&format!("arn:{p}:s3:::")))
    else {
        return false;
    };
    (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// `arn:<partition>:dynamodb:<region>:<account>:table/<name>` with a valid table name (3-255 of
/// letters, digits, `_`, `-`, `.`); no index path, no wildcard.
pub fn is_dynamodb_table_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [scheme, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let Some(table) = resource.strip_prefix("table/") else {
        return false;
    };
    scheme == "arn"
        && PARTITIONS.contains(&partition)
        && service == "dynamodb"
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && (3..=255).contains(&table.len())
        && table
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Capacity provider names: FARGATE, FARGATE_SPOT, or a custom (Auto Scaling group) provider,
/// whose name may not start with `aws`, `ecs` or `fargate`.
pub fn is_capacity_provider(name: &str) -> bool {
    if name == "FARGATE" || name == "FARGATE_SPOT" {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !["aws", "ecs", "fargate"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// Container image references: letters, digits and `- _ . : / @ #`, at most 255 characters.
pub fn is_image(image: &str) -> bool {
    (1..=255).contains(&image.len())
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@#".contains(c))
        && image
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
}

/// A KMS key ARN (an alias is not accepted by CloudWatch Logs) in the given region.
pub fn kms_key_arn_problem(arn: &str, region: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let shape_ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "kms"
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5].strip_prefix("key/").is_some_and(|id| {
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !shape_ok {
        return Some(format!(
            "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got {arn:?}"
        ));
    }
    if !region.is_empty() && parts[3] != region {
        return Some(format!(
            "the key must be in the stack's region {region} (CloudWatch Logs, S3 and DynamoDB use it there), got {}",
            parts[3]
        ));
    }
    None
}

/// Text AWS accepts in tag keys and values: letters, digits, spaces and `+ - = . _ : / @`.
pub fn is_tag_text(text: &str) -> bool {
    text.chars().all(debug_toolkit::tags::is_tag_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fargate_pairs() {
        assert_eq!(fargate_memory_for(256).unwrap(), [512, 1024, 2048]);
        assert!(fargate_memory_for(512).unwrap().contains(&4096));
        assert!(!fargate_memory_for(512).unwrap().contains(&512));
        assert!(fargate_memory_for(8192).unwrap().contains(&61440));
        assert!(!fargate_memory_for(8192).unwrap().contains(&17408));
        assert_eq!(fargate_memory_for(16384).unwrap().last(), Some(&122880));
        assert!(fargate_memory_for(300).is_none());
    }

    #[test]
    fn ids() {
        assert!(is_ec2_id("vpc-0a1b2c3d", "vpc"));
        assert!(is_ec2_id("vpc-0a1b2c3d4e5f67890", "vpc"));
        assert!(!is_ec2_id("vpc-0A1B2C3D", "vpc"));
        assert!(!is_ec2_id("subnet-0a1b2c3d", "vpc"));
        assert!(!is_ec2_id("vpc-123", "vpc"));
        assert!(is_ec2_id("subnet-0a1b2c3d", "subnet"));
    }

    #[test]
    fn cluster_names() {
        assert!(is_cluster_name("payments-dev_2"));
        assert!(is_cluster_name(&"a".repeat(MAX_CLUSTER_NAME_LEN)));
        assert!(!is_cluster_name(&"a".repeat(MAX_CLUSTER_NAME_LEN + 1)));
        assert!(!is_cluster_name("has space"));
        assert!(!is_cluster_name("slash/name"));
        assert!(!is_cluster_name(""));
    }

    #[test]
    fn cluster_names_that_make_a_group_name_ec2_refuses() {
        for (name, refused) in [
            ("sg-payments", true),
            ("SG-x", true),
            ("sg", false),
            ("psg-x", false),
            ("sg_x", false),
        ] {
            assert_eq!(starts_like_a_group_id(name), refused, "{name}");
        }
    }

    #[test]
    fn capacity_providers() {
        assert!(is_capacity_provider("FARGATE"));
        assert!(is_capacity_provider("FARGATE_SPOT"));
        assert!(is_capacity_provider("my-asg-provider"));
        assert!(!is_capacity_provider("fargate"));
        assert!(!is_capacity_provider("FARGATE_SPOTTY"));
        assert!(!is_capacity_provider("ecs-thing"));
        assert!(!is_capacity_provider("bad name"));
    }

    #[test]
    fn images() {
        assert!(is_image("nicolaka/netshoot:latest"));
        assert!(is_image(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tools@sha256:abcd"
        ));
        assert!(!is_image("netshoot; rm -rf /"));
        assert!(!is_image(""));
        assert!(!is_image(&"a".repeat(256)));
    }

    #[test]
    fn kms_keys() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(kms_key_arn_problem(key, "eu-west-1"), None);
        assert!(kms_key_arn_problem(key, "us-east-1")
            .unwrap()
            .contains("region"));
        assert!(kms_key_arn_problem("arn:aws:kms:eu-west-1:123456789012:alias/logs", "").is_some());
        assert!(kms_key_arn_problem("1234abcd", "").is_some());
    }
}
