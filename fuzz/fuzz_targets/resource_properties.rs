//! A CloudFormation custom-resource request from anywhere: the envelope and `ResourceProperties`
//! parsing never panic, whatever the JSON.
#![no_main]

use ecs_environment::request;
use ecs_environment::spec::{Defaults, EnvironmentSpec, Home};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = request::open(&value);
    let props = match &value {
        Value::Object(map) => match map.get("ResourceProperties") {
            Some(Value::Object(props)) => props.clone(),
            _ => map.clone(),
        },
        _ => return,
    };
    let defaults = Defaults {
        image: Some("nicolaka/netshoot:latest".into()),
        ..Defaults::default()
    };
    let home = Home {
        partition: "aws".into(),
        region: "eu-west-1".into(),
        account: "123456789012".into(),
    };
    if let Ok(spec) = EnvironmentSpec::parse_with(&props, &home, &defaults) {
        assert!(debug_toolkit::cluster::is_valid_name(&spec.cluster_name));
    }
});
