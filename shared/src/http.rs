//! HTTP for what is not an AWS call (CloudFormation's `ResponseURL`, Slack), through the AWS SDK's
//! own connector (`aws-smithy-http-client`: hyper 1 + rustls with aws-lc). Each binary links one
//! HTTP/TLS stack, and the system trust store is read once per process (the connector caches it).
//! Redirects are never followed. Errors never carry the URL: it can hold a credential.

use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use std::time::Duration;

/// A request we make outside the SDK. `headers` are sent as given.
#[derive(Debug)]
pub struct Request<'a> {
    pub method: &'static str,
    pub url: &'a str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The status and body of an answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// `Retry-After` in seconds, when the answer has one (HTTP 429 and 503 may).
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HttpError {
    #[error("the request could not be built: {0}")]
    Invalid(String),
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    #[error("{kind}: {detail}")]
    Transport { kind: &'static str, detail: String },
}

/// A connector with connect and read timeouts. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HttpSender {
    connector: SharedHttpConnector,
}

impl HttpSender {
    pub fn new(connect_timeout: Duration, read_timeout: Duration) -> Self {
        let settings = HttpConnectorSettings::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .build();
        let connector = Connector::builder()
            .connector_settings(settings)
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .build();
        Self {
            connector: SharedHttpConnector::new(connector),
        }
    }

    /// Sends the request and reads the whole answer, all within `within`.
    pub async fn send(&self, request: Request<'_>, within: Duration) -> Result<Reply, HttpError> {
        let mut http = aws_smithy_runtime_api::http::Request::new(SdkBody::from(request.body));
        http.set_method(request.method)
            .map_err(|e| HttpError::Invalid(e.to_string()))?;
        http.set_uri(request.url)
            .map_err(|_| HttpError::Invalid("the URL is not a valid URI".into()))?;
        for (name, value) in request.headers {
            http.headers_mut()
                .try_insert(name, value)
                .map_err(|e| HttpError::Invalid(e.to_string()))?;
        }
        let exchange = async {
            let response = self.connector.call(http).await.map_err(transport)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = ByteStream::new(response.into_body())
                .collect()
                .await
                .map_err(|e| HttpError::Transport {
                    kind: "the answer could not be read",
                    detail: innermost(&e),
                })?;
            Ok(Reply {
                status,
                retry_after,
                body: body.to_vec(),
            })
        };
        tokio::time::timeout(within, exchange)
            .await
            .map_err(|_| HttpError::TimedOut(within))?
    }
}

fn transport(error: ConnectorError) -> HttpError {
    HttpError::Transport {
        kind: kind_of(&error),
        detail: innermost(&error),
    }
}

/// What kind of failure kept a request from being answered, in words (the AWS SDK's dispatch
/// failures are described with it too).
pub fn kind_of(error: &ConnectorError) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_io() {
        "connection failed"
    } else {
        "transport error"
    }
}

/// The innermost cause: hyper's outer errors only say "client error".
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(inner) = current.source() {
        current = inner;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// Answers one connection with `reply` and hands back what it received.
    async fn one_shot(reply: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/path?token=secret",
            listener.local_addr().unwrap()
        );
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0u8; 8192];
            let n = socket.read(&mut buffer).await.unwrap();
            socket.write_all(reply.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&buffer[..n]).into_owned()
        });
        (url, server)
    }

    fn bare<'a>(method: &'static str, url: &'a str) -> Request<'a> {
        Request {
            method,
            url,
            headers: vec![],
            body: vec![],
        }
    }

    fn sender() -> HttpSender {
        HttpSender::new(Duration::from_secs(1), Duration::from_secs(2))
    }

    #[tokio::test]
    async fn sends_method_headers_and_body_and_reads_the_answer() {
        let (url, server) =
            one_shot("HTTP/1.1 201 Created\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await;
        let reply = sender()
            .send(
                Request {
                    method: "PUT",
                    url: &url,
                    headers: vec![("content-type", String::new())],
                    body: b"{\"a\":1}".to_vec(),
                },
                Duration::from_secs(5),
            )
            .await
            .unwrap();
        assert_eq!((reply.status, reply.body.as_slice()), (201, &b"ok"[..]));
        let received = server.await.unwrap();
        assert!(
            received.starts_with("PUT /path?token=secret HTTP/1.1\r\n"),
            "{received}"
        );
        assert!(
            received.to_ascii_lowercase().contains("content-type: \r\n"),
            "{received}"
        );
        assert!(received.ends_with("{\"a\":1}"), "{received}");
    }

    #[tokio::test]
    async fn retry_after_in_seconds_is_read() {
        for (header, expected) in [
            ("retry-after: 7\r\n", Some(Duration::from_secs(7))),
            ("retry-after: Wed, 21 Oct 2015 07:28:00 GMT\r\n", None),
            ("", None),
        ] {
            let reply: &'static str =
                format!("HTTP/1.1 429 Too Many Requests\r\n{header}content-length: 0\r\n\r\n")
                    .leak();
            let (url, server) = one_shot(reply).await;
            let answer = sender()
                .send(bare("POST", &url), Duration::from_secs(5))
                .await;
            assert_eq!(answer.unwrap().retry_after, expected, "{header}");
            server.await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_redirect_is_returned_not_followed() {
        let (url, server) = one_shot(
            "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:9/x\r\ncontent-length: 0\r\n\r\n",
        )
        .await;
        let request = bare("POST", &url);
        let reply = sender()
            .send(request, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(reply.status, 302);
        server.await.unwrap();
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_transport_error_without_the_url() {
        let port = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/r?X-Amz-Signature=s");
        let request = bare("PUT", &url);
        let error = sender()
            .send(request, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(error, HttpError::Transport { .. }), "{error}");
        assert!(!error.to_string().contains("X-Amz-Signature"), "{error}");
    }

    #[tokio::test]
    async fn a_silent_server_times_out_within_the_limit() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let _held = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(socket);
        });
        let request = bare("GET", &url);
        let error = sender()
            .send(request, Duration::from_millis(300))
            .await
            .unwrap_err();
        assert_eq!(error, HttpError::TimedOut(Duration::from_millis(300)));
    }
}
