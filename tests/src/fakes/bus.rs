//! EventBridge in moto: a bus whose `Debug Task Requested` events a rule delivers to an SQS queue,
//! so tests read exactly what `slack-command` put.

use aws_config::SdkConfig;
use serde_json::Value;

pub struct Bus {
    pub name: String,
    queue_url: String,
    sqs: aws_sdk_sqs::Client,
}

impl Bus {
    pub async fn create(aws: &SdkConfig, name: &str) -> Self {
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
            .queue_name(format!("{name}-launch-requests"))
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
        events
            .put_rule()
            .name("debug-task-requested")
            .event_bus_name(name)
            .event_pattern(
                r#"{"source":["ecs-debug-toolkit"],"detail-type":["Debug Task Requested"]}"#,
            )
            .send()
            .await
            .expect("PutRule");
        events
            .put_targets()
            .rule("debug-task-requested")
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
