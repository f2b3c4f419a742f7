//! What an environment is made of, and the response `Data` it gives.

use std::collections::BTreeMap;

/// What an environment is made of, once converged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provisioned {
    pub cluster_name: String,
    pub cluster_arn: String,
    pub security_group_id: String,
    pub subnet_ids: Vec<String>,
    pub execution_role_arn: String,
    pub task_role_arn: String,
    pub app_task_role_arn: String,
    pub task_definition_arn: String,
    pub log_groups: [String; 3],
    /// `ok`, or what keeps ECS Exec from working in the subnets (docs/interface.md,
    /// `ecs-environment`).
    pub exec_preflight: String,
    /// The VPC endpoints this environment made (`VpcEndpoints`).
    pub vpc_endpoint_ids: Vec<String>,
}

impl Provisioned {
    /// The response `Data` (for `Fn::GetAtt`).
    pub fn data(&self) -> BTreeMap<String, String> {
        let [cluster_logs, debug_logs, exec_logs] = self.log_groups.clone();
        BTreeMap::from([
            ("ClusterName".into(), self.cluster_name.clone()),
            ("ClusterArn".into(), self.cluster_arn.clone()),
            ("SecurityGroupId".into(), self.security_group_id.clone()),
            ("SubnetIds".into(), self.subnet_ids.join(",")),
            (
                "TaskExecutionRoleArn".into(),
                self.execution_role_arn.clone(),
            ),
            ("DebugToolkitTaskRoleArn".into(), self.task_role_arn.clone()),
            (
                "DebugToolkitTaskDefinitionArn".into(),
                self.task_definition_arn.clone(),
            ),
            ("AppTaskRoleArn".into(), self.app_task_role_arn.clone()),
            // The application's own awslogs group is the cluster's (docs/interface.md,
            // `ecs-environment`).
            ("ServiceLogGroupName".into(), cluster_logs.clone()),
            ("ClusterLogGroupName".into(), cluster_logs),
            ("DebugToolkitLogGroupName".into(), debug_logs),
            ("ExecLogGroupName".into(), exec_logs),
            ("ExecPreflight".into(), self.exec_preflight.clone()),
            ("VpcEndpointIds".into(), self.vpc_endpoint_ids.join(",")),
        ])
    }
}
