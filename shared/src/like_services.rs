//! `start --like <service>` is the environment's to allow: its `LikeServices` property, recorded
//! in the cluster's `debug-toolkit:like-services` tag (service names, or `*` for any), lists the
//! services whose network position a debug task may take. No tag: no service may be copied.
//! slack-command refuses early with this; debug-launcher decides with it.

use crate::cluster::{ClusterSettings, Refusal};
use crate::tags;

/// The tag's word for "any service of the cluster".
pub const ANY: &str = "*";

/// May a debug task on `cluster` be placed like `service`?
pub fn may_copy(cluster: &ClusterSettings, service: &str) -> Result<(), Refusal> {
    let listed = cluster.words(tags::LIKE_SERVICES);
    if listed.contains(&ANY) || (!service.is_empty() && listed.contains(&service)) {
        return Ok(());
    }
    Err(Refusal::LikeNotAllowed {
        cluster: cluster.name.clone(),
        service: service.to_string(),
        listed: if listed.is_empty() {
            "is not set, so no service may be"
        } else {
            "does not list it"
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(like: Option<&str>) -> ClusterSettings {
        let mut t = vec![(tags::MANAGED_BY, tags::MANAGED_BY_VALUE)];
        if let Some(like) = like {
            t.push((tags::LIKE_SERVICES, like));
        }
        ClusterSettings::new("payments-dev", "arn:aws:ecs:eu-west-1:1:cluster/p", t)
    }

    #[test]
    fn only_listed_services_may_be_copied() {
        let cases: &[(Option<&str>, &str, Option<&str>)] = &[
            (None, "payments-api", Some("is not set")),
            (Some(""), "payments-api", Some("is not set")),
            (Some("  "), "payments-api", Some("is not set")),
            (Some("payments-api"), "payments-api", None),
            (Some("worker payments-api"), "payments-api", None),
            (
                Some("payments-api"),
                "payments-admin",
                Some("does not list it"),
            ),
            (Some("payments-api"), "payments", Some("does not list it")),
            (
                Some("payments-api"),
                "PAYMENTS-API",
                Some("does not list it"),
            ),
            (Some("payments-api"), "", Some("does not list it")),
            (Some("*"), "anything", None),
            (Some("worker *"), "anything", None),
            (Some("payments-*"), "payments-api", Some("does not list it")),
        ];
        for (tag, service, refused) in cases {
            let got = may_copy(&cluster(*tag), service);
            match refused {
                None => assert_eq!(got, Ok(()), "{tag:?} {service}"),
                Some(why) => {
                    let text = got.expect_err(service).to_string();
                    assert!(text.contains(why), "{tag:?} {service}: {text}");
                    assert!(text.contains("`LikeServices`"), "{text}");
                    assert!(text.contains(&format!("`{service}`")), "{text}");
                }
            }
        }
    }
}
