//! An application service deployed from an environment's `Data`, as
//! `infra/example-environment.yaml` does with `Fn::GetAtt`: its task definition (execution role,
//! app task role, awslogs to the service log group) and an ECS service in the environment's
//! subnets and security group, with ECS Exec on.

use aws_config::SdkConfig;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, LogConfiguration,
    LogDriver, NetworkConfiguration, NetworkMode, PortMapping, TransportProtocol,
};
use serde_json::Value;

pub const PORT: i32 = 8080;

fn data<'a>(environment: &'a Value, key: &str) -> &'a str {
    environment["Data"][key]
        .as_str()
        .unwrap_or_else(|| panic!("Data.{key}"))
}

/// Registers the app's task definition and creates its service; returns the service ARN.
pub async fn deploy(aws: &SdkConfig, environment: &Value, region: &str) -> String {
    let ecs = aws_sdk_ecs::Client::new(aws);
    let cluster = data(environment, "ClusterName");
    let container = ContainerDefinition::builder()
        .name("app")
        .image("public.ecr.aws/nginx/nginx:stable-alpine")
        .essential(true)
        .memory_reservation(512)
        .port_mappings(
            PortMapping::builder()
                .container_port(PORT)
                .protocol(TransportProtocol::Tcp)
                .build(),
        )
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", data(environment, "ServiceLogGroupName"))
                .options("awslogs-region", region)
                .options("awslogs-stream-prefix", "app")
                .build()
                .expect("log driver"),
        )
        .build();
    let definition = ecs
        .register_task_definition()
        .family(format!("{cluster}-app"))
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .execution_role_arn(data(environment, "TaskExecutionRoleArn"))
        .task_role_arn(data(environment, "AppTaskRoleArn"))
        .container_definitions(container)
        .send()
        .await
        .expect("RegisterTaskDefinition");
    let definition_arn = definition
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .expect("a task definition ARN");
    let subnets: Vec<String> = data(environment, "SubnetIds")
        .split(',')
        .map(str::to_owned)
        .collect();
    let service = ecs
        .create_service()
        .cluster(cluster)
        .service_name(format!("{cluster}-app"))
        .task_definition(definition_arn)
        .desired_count(1)
        .enable_execute_command(true)
        .network_configuration(
            NetworkConfiguration::builder()
                .awsvpc_configuration(
                    AwsVpcConfiguration::builder()
                        .set_subnets(Some(subnets))
                        .security_groups(data(environment, "SecurityGroupId"))
                        .assign_public_ip(AssignPublicIp::Disabled)
                        .build()
                        .expect("subnets"),
                )
                .build(),
        )
        .send()
        .await
        .expect("CreateService");
    service
        .service()
        .and_then(|s| s.service_arn())
        .expect("a service ARN")
        .to_string()
}

/// Deletes the service and deregisters its task definition, as CloudFormation does before the
/// environment the service depends on.
pub async fn remove(aws: &SdkConfig, environment: &Value) {
    let ecs = aws_sdk_ecs::Client::new(aws);
    let cluster = data(environment, "ClusterName");
    ecs.delete_service()
        .cluster(cluster)
        .service(format!("{cluster}-app"))
        .force(true)
        .send()
        .await
        .expect("DeleteService");
    let families = ecs
        .list_task_definitions()
        .family_prefix(format!("{cluster}-app"))
        .send()
        .await
        .expect("ListTaskDefinitions");
    for arn in families.task_definition_arns() {
        ecs.deregister_task_definition()
            .task_definition(arn)
            .send()
            .await
            .expect("DeregisterTaskDefinition");
    }
}
