//! What a user's account already has before the stack: a VPC with private subnets.

use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, Tag, TagSpecification};

pub struct Vpc {
    pub id: String,
    pub cidr: String,
    /// Subnets tagged `Tier=private`, sorted.
    pub private_subnets: Vec<String>,
    pub public_subnet: String,
}

impl Vpc {
    /// A VPC (DNS host names on, which moto needs to run tasks) with two private subnets and one
    /// public one.
    pub async fn create(ec2: &aws_sdk_ec2::Client, cidr: &str) -> Self {
        let vpc = ec2
            .create_vpc()
            .cidr_block(cidr)
            .send()
            .await
            .expect("CreateVpc");
        let id = vpc
            .vpc()
            .and_then(|v| v.vpc_id())
            .expect("vpc id")
            .to_string();
        ec2.modify_vpc_attribute()
            .vpc_id(&id)
            .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .expect("ModifyVpcAttribute");
        let prefix = cidr.rsplitn(3, '.').last().expect("a /16 CIDR").to_string();
        let mut private_subnets = Vec::new();
        for (i, tier) in [(1, Some("private")), (2, Some("private")), (3, None)] {
            let mut request = ec2
                .create_subnet()
                .vpc_id(&id)
                .cidr_block(format!("{prefix}.{i}.0/24"));
            if let Some(tier) = tier {
                request = request.tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::Subnet)
                        .tags(Tag::builder().key("Tier").value(tier).build())
                        .build(),
                );
            }
            let subnet = request.send().await.expect("CreateSubnet");
            let subnet_id = subnet
                .subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string();
            if tier.is_some() {
                private_subnets.push(subnet_id);
            } else {
                return Self::finish(id, cidr, private_subnets, subnet_id);
            }
        }
        unreachable!("the loop returns after the public subnet")
    }

    fn finish(
        id: String,
        cidr: &str,
        mut private_subnets: Vec<String>,
        public_subnet: String,
    ) -> Self {
        private_subnets.sort();
        Self {
            id,
            cidr: cidr.to_string(),
            private_subnets,
            public_subnet,
        }
    }

    /// A security group of the user's in this VPC (a load balancer's, a service's); its id.
    pub async fn security_group(
        &self,
        ec2: &aws_sdk_ec2::Client,
        name: &str,
        description: &str,
    ) -> String {
        ec2.create_security_group()
            .group_name(name)
            .description(description)
            .vpc_id(&self.id)
            .send()
            .await
            .expect("CreateSecurityGroup")
            .group_id()
            .expect("a group id")
            .to_string()
    }

    /// The application load balancer's security group (the app's ingress source); its id.
    pub async fn load_balancer_group(&self, aws: &aws_config::SdkConfig) -> String {
        let ec2 = aws_sdk_ec2::Client::new(aws);
        let description = "the application's load balancer";
        self.security_group(&ec2, "payments-alb", description).await
    }
}

/// A KMS key in the emulator, as a user would bring one for `KmsKeyArn`.
pub struct LogsKey {
    pub arn: String,
}

impl LogsKey {
    /// A key whose policy lets the account's IAM decide and, when `admits_logs`, lets CloudWatch
    /// Logs of the region use it for log groups (the statement of CloudWatch Logs' guide).
    pub async fn create(aws: &aws_config::SdkConfig, admits_logs: bool) -> Self {
        let key = aws_sdk_kms::Client::new(aws)
            .create_key()
            .policy(Self::policy(admits_logs))
            .send()
            .await
            .expect("CreateKey");
        let arn = key.key_metadata().and_then(|k| k.arn()).expect("a key ARN");
        Self {
            arn: arn.to_string(),
        }
    }

    /// Replaces the key's policy, as a user editing it after the Create would.
    pub async fn set_admits_logs(&self, aws: &aws_config::SdkConfig, admits_logs: bool) {
        aws_sdk_kms::Client::new(aws)
            .put_key_policy()
            .key_id(&self.arn)
            .policy_name("default")
            .policy(Self::policy(admits_logs))
            .send()
            .await
            .expect("PutKeyPolicy");
    }

    fn policy(admits_logs: bool) -> String {
        let mut statements = vec![serde_json::json!({
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*"
        })];
        if admits_logs {
            statements.push(serde_json::json!({
                "Sid": "CloudWatch Logs",
                "Effect": "Allow",
                "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*"}}
            }));
        }
        serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
    }
}
