//! `start --like <service>` is the environment's to allow: its `LikeServices` property, recorded
//! in the cluster's `debug-toolkit:like-services` tag (service names, or [`ANY_TAG`] for `*`), lists
//! the services whose network position a debug task may take. No tag: no service may be copied.
//! slack-command refuses early with this; debug-launcher decides with it.

use crate::cluster::{ClusterSettings, Refusal};
use crate::tags;

/// The property's word for "any service of the cluster".
pub const ANY: &str = "*";
/// How the tag writes [`ANY`]: AWS refuses `*` in tag values, and no ECS service name has a colon.
pub const ANY_TAG: &str = ":any";

/// The tag's value for the listed services (`["*"]` is [`ANY_TAG`]).
pub fn tag_value(services: &[String]) -> String {
    if services.iter().any(|s| s == ANY) {
        return ANY_TAG.to_string();
    }
    services.join(" ")
}

/// May a debug task on `cluster` be placed like `service`?
pub fn may_copy(cluster: &ClusterSettings, service: &str) -> Result<(), Refusal> {
    let listed = cluster.words(tags::LIKE_SERVICES);
    if listed.contains(&ANY_TAG) || (!service.is_empty() && listed.contains(&service)) {
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
    fn the_tag_writes_any_without_a_star() {
        assert_eq!(tag_value(&["*".into()]), ":any");
        assert_eq!(tag_value(&["a".into(), "b".into()]), "a b");
        assert!(crate::tags::sanitise_value(":any") == ":any");
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
            (Some(":any"), "anything", None),
            (Some("worker :any"), "anything", None),
            (Some("*"), "anything", Some("does not list it")),
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
