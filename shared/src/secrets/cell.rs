//! A secret resolved once per cold start and read again only when it must be: when the value in
//! hand was refused (a rotated Slack signing secret works at once) or could not be had yet (the
//! stack's placeholder, a failed read), at most once per [`MIN_REREAD`] per instance.

use super::{value, Secret, SecretError, SecretSource};
use crate::aws::AwsError;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The shortest time between two reads of one secret by one instance.
pub const MIN_REREAD: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub struct SecretCell {
    source: SecretSource,
    /// The key that holds the secret when its stored value is a JSON object.
    json_key: &'static str,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    last: Option<Result<Secret, SecretError>>,
    read_at: Option<Instant>,
}

impl State {
    fn may_read(&self) -> bool {
        self.read_at.is_none_or(|at| at.elapsed() >= MIN_REREAD)
    }
}

impl SecretCell {
    pub fn new(source: SecretSource, json_key: &'static str) -> Self {
        Self {
            source,
            json_key,
            state: Mutex::default(),
        }
    }

    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// The secret: the value read before, else a read (an earlier failure is answered again
    /// until [`MIN_REREAD`] has passed).
    pub async fn get(
        &self,
        client: &aws_sdk_secretsmanager::Client,
    ) -> Result<Secret, SecretError> {
        let arn = match &self.source {
            SecretSource::Plain(secret) => return Ok(secret.clone()),
            SecretSource::Missing { variables } => {
                return Err(SecretError::Missing(variables.clone()))
            }
            SecretSource::SecretsManager { arn } => arn,
        };
        let mut state = self.state.lock().await;
        match &state.last {
            Some(Ok(secret)) => return Ok(secret.clone()),
            Some(Err(error)) if !state.may_read() => return Err(error.clone()),
            _ => {}
        }
        self.read_into(&mut state, client, arn).await
    }

    /// After `refused` was refused: the stored value if it is another one, read at most once per
    /// [`MIN_REREAD`]; `None` when there is nothing newer to try.
    pub async fn renewed(
        &self,
        client: &aws_sdk_secretsmanager::Client,
        refused: &Secret,
    ) -> Option<Secret> {
        let SecretSource::SecretsManager { arn } = &self.source else {
            return None;
        };
        let mut state = self.state.lock().await;
        if !state.may_read() {
            return None;
        }
        match self.read_into(&mut state, client, arn).await {
            Ok(secret) if &secret != refused => Some(secret),
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, "the secret could not be read again");
                None
            }
        }
    }

    /// After `refused` was refused by the service it is for (Slack's `invalid_auth` for a bot
    /// token): the value another caller already read in its place, else the stored value read
    /// now, whenever the last read was (the refusal came from our own call, not from a request
    /// anyone may send, so this cannot be used to make us read without end); `None` when the
    /// stored value is still `refused` or cannot be read.
    pub async fn read_again(
        &self,
        client: &aws_sdk_secretsmanager::Client,
        refused: &Secret,
    ) -> Option<Secret> {
        let SecretSource::SecretsManager { arn } = &self.source else {
            return None;
        };
        let mut state = self.state.lock().await;
        if let Some(Ok(held)) = &state.last {
            if held != refused {
                return Some(held.clone());
            }
        }
        match self.read_into(&mut state, client, arn).await {
            Ok(secret) if &secret != refused => Some(secret),
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, "the secret could not be read again");
                None
            }
        }
    }

    async fn read_into(
        &self,
        state: &mut State,
        client: &aws_sdk_secretsmanager::Client,
        arn: &str,
    ) -> Result<Secret, SecretError> {
        let read = read(client, arn, self.json_key).await;
        state.read_at = Some(Instant::now());
        match (&read, &state.last) {
            // A read that failed keeps a good value in hand.
            (Err(_), Some(Ok(_))) => {}
            _ => state.last = Some(read.clone()),
        }
        read
    }
}

async fn read(
    client: &aws_sdk_secretsmanager::Client,
    arn: &str,
    json_key: &'static str,
) -> Result<Secret, SecretError> {
    let stored = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| SecretError::Unreadable {
            arn: arn.to_string(),
            source: AwsError::of("GetSecretValue")(e),
        })?;
    match stored.secret_string() {
        Some(text) => value::read(arn, text, json_key),
        None => Err(SecretError::Empty(arn.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
    use aws_sdk_secretsmanager::Client;
    use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, RuleMode};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:1:secret:slack-AbCdEf";

    /// A Secrets Manager whose stored value is `stored[n]` at the n-th read (the last one after
    /// that); the counter says how many reads were made.
    fn stored(values: &'static [&'static str]) -> (Client, Arc<AtomicUsize>) {
        let reads = Arc::new(AtomicUsize::new(0));
        let counter = reads.clone();
        let rule = mock!(Client::get_secret_value).then_compute_output(move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let value = values[n.min(values.len() - 1)];
            GetSecretValueOutput::builder().secret_string(value).build()
        });
        let interceptor = MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .with_rule(&rule);
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
                "a", "b", None, None, "test",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build();
        (Client::from_conf(config), reads)
    }

    fn cell() -> SecretCell {
        SecretCell::new(
            SecretSource::SecretsManager { arn: ARN.into() },
            "signingSecret",
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_rotated_secret_is_read_again_at_most_every_ten_seconds() {
        let (client, reads) = stored(&["old", "new"]);
        let cell = cell();
        let old = cell.get(&client).await.unwrap();
        assert_eq!(old.expose(), "old");
        assert_eq!(cell.get(&client).await.unwrap(), old, "cached");
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Refused at once after the first read: too soon to read again.
        assert_eq!(cell.renewed(&client, &old).await, None);
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        tokio::time::advance(MIN_REREAD).await;
        let new = cell
            .renewed(&client, &old)
            .await
            .expect("the rotated value");
        assert_eq!(new.expose(), "new");
        assert_eq!(cell.get(&client).await.unwrap(), new, "kept from now on");
        // Refused again within ten seconds: no read.
        assert_eq!(cell.renewed(&client, &new).await, None);
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // Ten seconds on, the same value again: nothing newer to try.
        tokio::time::advance(MIN_REREAD).await;
        assert_eq!(cell.renewed(&client, &new).await, None);
        assert_eq!(reads.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_placeholder_is_not_kept_once_the_real_value_is_put() {
        let (client, reads) = stored(&["replace-me-with-the-slack-signing-secret", "real"]);
        let cell = cell();
        assert_eq!(
            cell.get(&client).await,
            Err(SecretError::Placeholder(ARN.into()))
        );
        assert_eq!(
            cell.get(&client).await,
            Err(SecretError::Placeholder(ARN.into())),
            "answered again without a read within ten seconds"
        );
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        tokio::time::advance(MIN_REREAD).await;
        assert_eq!(cell.get(&client).await.unwrap().expose(), "real");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_value_is_read_again_at_once_and_only_once() {
        let (client, reads) = stored(&["old", "new"]);
        let cell = cell();
        let old = cell.get(&client).await.unwrap();
        // Refused at once after the first read: read again regardless of MIN_REREAD.
        let new = cell
            .read_again(&client, &old)
            .await
            .expect("the rotated value");
        assert_eq!(new.expose(), "new");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // A concurrent post refused with the old value gets the new one without a read.
        assert_eq!(cell.read_again(&client, &old).await, Some(new.clone()));
        assert_eq!(cell.get(&client).await.unwrap(), new);
        // The new value refused too: the store still holds it, nothing newer to try.
        assert_eq!(cell.read_again(&client, &new).await, None);
        assert_eq!(reads.load(Ordering::SeqCst), 3);
        let plain = SecretCell::new(SecretSource::Plain(Secret::new("p")), "botToken");
        assert_eq!(plain.read_again(&client, &Secret::new("p")).await, None);
    }

    #[tokio::test]
    async fn plain_and_missing_sources_never_read() {
        let (client, reads) = stored(&["x"]);
        let plain = SecretCell::new(SecretSource::Plain(Secret::new("p")), "signingSecret");
        assert_eq!(plain.get(&client).await.unwrap().expose(), "p");
        assert_eq!(plain.renewed(&client, &Secret::new("p")).await, None);
        let missing = SecretCell::new(
            SecretSource::Missing {
                variables: "A or B".into(),
            },
            "signingSecret",
        );
        assert_eq!(
            missing.get(&client).await,
            Err(SecretError::Missing("A or B".into()))
        );
        assert_eq!(reads.load(Ordering::SeqCst), 0);
    }
}
