//! What `list` says of a spoke that could not be listed: which spoke and what kind of failure,
//! never the error's text. STS's and the services' messages name account ids and role ARNs
//! ("User: arn:aws:sts::111111111111:assumed-role/… is not authorized to perform sts:AssumeRole
//! on resource: arn:aws:iam::222222222222:role/…"), and `list` answers any workspace member. The
//! full error goes to the log. Any other command that meets a role it cannot assume says so in the
//! same words ([`without_arns`]).

use super::CommandError;

/// The cause of a spoke's failure in words that name no account, role or resource.
pub fn public_cause(error: &CommandError) -> String {
    match error {
        CommandError::Aws(aws) if aws.message.starts_with("no credentials") => {
            "its role could not be assumed".to_string()
        }
        CommandError::Aws(aws) => match aws.code.as_deref().filter(|c| is_code(c)) {
            Some(code) => format!("{} failed: {code}", aws.action),
            None => format!("{} failed", aws.action),
        },
        _ => "it could not be listed".to_string(),
    }
}

/// A command's failure to assume a spoke's role, in words without the STS message (its account
/// ids and role ARNs): `None` for every other error, which is shown as it is.
pub fn without_arns(error: &CommandError) -> Option<String> {
    match error {
        CommandError::Aws(aws) if aws.message.starts_with("no credentials") => Some(format!(
            "AWS refused the request ({}: {}; the reason is in slack-command's log); nothing was changed",
            aws.action,
            public_cause(error)
        )),
        _ => None,
    }
}

/// An error code as AWS writes them (`AccessDeniedException`): letters, digits and dots only, so
/// that nothing else rides along in it.
fn is_code(code: &str) -> bool {
    (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use debug_toolkit::aws::AwsError;

    fn aws(action: &'static str, code: Option<&str>, message: &str) -> CommandError {
        CommandError::Aws(AwsError {
            action,
            code: code.map(str::to_string),
            message: message.to_string(),
        })
    }

    #[test]
    fn causes_name_no_account_or_arn() {
        let sts = "no credentials to send it with (AccessDenied: User: arn:aws:sts::111111111111:assumed-role/hub/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/ecs-debug-toolkit-hub-eu-west-1)";
        let cases = [
            (aws("ListClusters", None, sts), "its role could not be assumed"),
            (
                aws(
                    "ListClusters",
                    Some("AccessDeniedException"),
                    "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/r/s is not authorized",
                ),
                "ListClusters failed: AccessDeniedException",
            ),
            (
                aws("DescribeClusters", Some("arn:aws:iam::222222222222:role/x"), "x"),
                "DescribeClusters failed",
            ),
            (
                aws("ListTasks", None, "the request could not be sent (timeout)"),
                "ListTasks failed",
            ),
            (
                CommandError::NotQueued("arn:aws:events:eu-west-1:222222222222:event-bus/x".into()),
                "it could not be listed",
            ),
        ];
        for (error, expected) in cases {
            let cause = public_cause(&error);
            assert_eq!(cause, expected, "{error}");
            assert!(
                !cause.contains("arn:") && !cause.contains("2222"),
                "{cause}"
            );
        }
    }
}
