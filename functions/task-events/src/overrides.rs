//! The `overrides` of a task in ECS's events (kept after a stop, unlike its tags), read as far as
//! this function needs: the channel the launcher recorded in the debug-toolkit container's
//! environment.

use debug_toolkit::{names, stop_record};
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overrides {
    #[serde(default)]
    container_overrides: Vec<ContainerOverride>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ContainerOverride {
    name: Option<String>,
    #[serde(default)]
    environment: Vec<EnvironmentVariable>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct EnvironmentVariable {
    name: Option<String>,
    value: Option<String>,
}

impl Overrides {
    /// The channel recorded in the debug-toolkit container's environment.
    pub fn channel(&self) -> Option<String> {
        self.recorded(stop_record::CHANNEL_VARIABLE)
    }

    /// In a spoke: the hub's seal of that channel, recorded beside it.
    pub fn channel_seal(&self) -> Option<String> {
        self.recorded(stop_record::CHANNEL_SEAL_VARIABLE)
    }

    fn recorded(&self, variable: &str) -> Option<String> {
        let container = self
            .container_overrides
            .iter()
            .find(|c| c.name.as_deref() == Some(names::CONTAINER))?;
        let environment = container
            .environment
            .iter()
            .filter_map(|v| Some((v.name.as_deref()?, v.value.as_deref().unwrap_or_default())));
        stop_record::recorded(environment, variable).map(str::to_string)
    }
}
