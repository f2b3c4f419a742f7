//! `forward`'s `<host>:<port> [<local-port>]` (docs/interface.md, `slack-command`): a DNS name or
//! IPv4 address and ports from 1 to 65535; anything else is a usage error. The host is pasted into
//! a shell command, so nothing outside letters, digits, `-` and `.` ever passes.

use debug_toolkit::commands::Forward;
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("`forward` needs <host>:<port>")]
    Missing,
    #[error("`{0}` is not <host>:<port> (a DNS name or IPv4 address, a port from 1 to 65535)")]
    Bad(String),
    #[error("`{0}` is not a local port (1 to 65535)")]
    BadLocalPort(String),
}

pub fn parse(target: Option<&str>, local_port: Option<&str>) -> Result<Forward, TargetError> {
    let target = target.ok_or(TargetError::Missing)?;
    let bad = || TargetError::Bad(debug_toolkit::text::shorten(target, 40));
    let (host, port) = target.rsplit_once(':').ok_or_else(bad)?;
    let port = port_number(port).ok_or_else(bad)?;
    if !(is_ipv4(host) || is_dns_name(host)) {
        return Err(bad());
    }
    let local_port = match local_port {
        None => port,
        Some(text) => port_number(text)
            .ok_or_else(|| TargetError::BadLocalPort(debug_toolkit::text::shorten(text, 40)))?,
    };
    Ok(Forward {
        host: host.to_ascii_lowercase(),
        port,
        local_port,
    })
}

fn port_number(text: &str) -> Option<u16> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    text.parse::<u16>().ok().filter(|p| digits_only && *p > 0)
}

fn is_ipv4(host: &str) -> bool {
    host.parse::<Ipv4Addr>().is_ok()
}

/// Labels of 1-63 letters, digits and inner hyphens, at most 253 characters, not all-numeric.
fn is_dns_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    (1..=253).contains(&host.len())
        && host.split('.').all(label_ok)
        && !host
            .split('.')
            .all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to(host: &str, port: u16, local_port: u16) -> Forward {
        Forward {
            host: host.into(),
            port,
            local_port,
        }
    }

    #[test]
    fn targets() {
        for (target, local, expected) in [
            ("db.internal:5432", None, Ok(to("db.internal", 5432, 5432))),
            (
                "DB.Internal:5432",
                Some("15432"),
                Ok(to("db.internal", 5432, 15432)),
            ),
            ("10.0.3.17:6379", None, Ok(to("10.0.3.17", 6379, 6379))),
            ("redis:6379", None, Ok(to("redis", 6379, 6379))),
            (
                "payments.abc123.eu-west-1.rds.amazonaws.com:5432",
                None,
                Ok(to(
                    "payments.abc123.eu-west-1.rds.amazonaws.com",
                    5432,
                    5432,
                )),
            ),
        ] {
            assert_eq!(parse(Some(target), local), expected, "{target}");
        }
    }

    #[test]
    fn refusals() {
        for (target, local) in [
            ("db.internal", None),
            ("db.internal:", None),
            ("db.internal:0", None),
            ("db.internal:65536", None),
            ("db.internal:+80", None),
            (":5432", None),
            ("db;rm -rf /:5432", None),
            ("db'$(x)':5432", None),
            ("-db:5432", None),
            ("10.0.0.256:80", None),
            ("999.1.1.1:80", None),
            ("[::1]:80", None),
            ("db.internal:5432", Some("0")),
            ("db.internal:5432", Some("x")),
        ] {
            assert!(parse(Some(target), local).is_err(), "{target} {local:?}");
        }
        assert_eq!(parse(None, None), Err(TargetError::Missing));
    }
}
