//! EventBridge in moto: a bus whose `Debug Task Requested` events (or, for a hub's bus, its spokes'
//! `Debug Task Notice`s) a rule delivers to an SQS queue, so tests read exactly what was put; a
//! hub's notices are relayed from there to its task-events as EventBridge invokes it ([`relay`]).

use crate::fakes::runtime_api::RuntimeApi;
use crate::strict::Deliveries;
use aws_config::SdkConfig;
use serde_json::Value;
use std::time::Duration;

/// The detail-type of launch requests, and of the notices spokes send their hub.
pub const LAUNCH_REQUESTS: &str = "Debug Task Requested";
pub const NOTICES: &str = "Debug Task Notice";

pub struct Bus {
    pub name: String,
    queue_url: String,
    sqs: aws_sdk_sqs::Client,
}

impl Bus {
    /// A bus whose launch requests go to the queue.
    pub async fn create(aws: &SdkConfig, name: &str) -> Self {
        Self::create_for(aws, name, LAUNCH_REQUESTS).await
    }

    /// A bus whose events of `detail_type` (from source `ecs-debug-toolkit`) go to the queue.
    pub async fn create_for(aws: &SdkConfig, name: &str, detail_type: &str) -> Self {
        let events = aws_sdk_eventbridge::Client::new(aws);
        let sqs = aws_sdk_sqs::Client::new(aws);
        events
            .create_event_bus()
            .name(name)
            .send()
            .await
            .expect("CreateEventBus");
        let queue_url = sqs
            .create_queue()
            .queue_name(format!("{name}-{}", detail_type.replace(' ', "-")))
            .send()
            .await
            .expect("CreateQueue")
            .queue_url()
            .expect("queue url")
            .to_string();
        let queue_arn = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("GetQueueAttributes")
            .attributes()
            .and_then(|a| {
                a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                    .cloned()
            })
            .expect("queue arn");
        let rule = detail_type.to_lowercase().replace(' ', "-");
        let pattern =
            serde_json::json!({"source": ["ecs-debug-toolkit"], "detail-type": [detail_type]});
        events
            .put_rule()
            .name(&rule)
            .event_bus_name(name)
            .event_pattern(pattern.to_string())
            .send()
            .await
            .expect("PutRule");
        events
            .put_targets()
            .rule(&rule)
            .event_bus_name(name)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("queue")
                    .arn(queue_arn)
                    .build()
                    .expect("target"),
            )
            .send()
            .await
            .expect("PutTargets");
        Self {
            name: name.to_string(),
            queue_url,
            sqs,
        }
    }

    /// Every event delivered so far (each as the full EventBridge envelope), removed from the queue.
    pub async fn drain(&self) -> Vec<Value> {
        let mut events = Vec::new();
        loop {
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await
                .expect("ReceiveMessage");
            if received.messages().is_empty() {
                return events;
            }
            for message in received.messages() {
                events.push(
                    serde_json::from_str(message.body().unwrap_or("null")).expect("an event"),
                );
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(message.receipt_handle().unwrap_or_default())
                    .send()
                    .await
                    .expect("DeleteMessage");
            }
        }
    }
}

/// Relays what reaches `bus`'s queue to the function under `runtime`, as EventBridge invokes it
/// (asynchronously, one event per invocation), for as long as the test runs.
pub fn relay(bus: Bus, runtime: RuntimeApi) -> Deliveries {
    let deliveries = Deliveries::default();
    let recorded = deliveries.clone();
    tokio::spawn(async move {
        loop {
            for event in bus.drain().await {
                let reply = runtime.invoke(event.clone(), Duration::from_secs(30)).await;
                recorded.record(event, reply);
            }
            // moto (Python, one IAM judgement at a time) is slow under load: a slow poll leaves it to the functions under test
            // (a hub's first `list` has 2 s for each spoke's answer).
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    deliveries
}
