use super::service_of;

#[test]
fn service_names() {
    for (name, region, expected) in [
        (
            "com.amazonaws.eu-west-1.ssmmessages",
            "eu-west-1",
            Some("ssmmessages"),
        ),
        (
            "com.amazonaws.eu-west-1.ecr.dkr",
            "eu-west-1",
            Some("ecr.dkr"),
        ),
        (
            "cn.com.amazonaws.cn-north-1.ecr.api",
            "cn-north-1",
            Some("ecr.api"),
        ),
        ("com.amazonaws.cn-north-1.s3", "cn-north-1", Some("s3")),
        (
            "cn.com.amazonaws.cn-northwest-1.logs",
            "cn-northwest-1",
            Some("logs"),
        ),
        ("com.amazonaws.eu-west-2.logs", "eu-west-1", None),
        ("com.amazonaws.eu-west-1", "eu-west-1", None),
        ("com.amazonaws.eu-west-10.logs", "eu-west-1", None),
        (
            "com.amazonaws.vpce.eu-west-1.vpce-svc-0123",
            "eu-west-1",
            None,
        ),
        ("aws.sagemaker.eu-west-1.notebook", "eu-west-1", None),
    ] {
        assert_eq!(service_of(name, region), expected, "{name} in {region}");
    }
}
