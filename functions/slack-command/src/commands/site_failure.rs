//! What `list` says of a spoke that could not be listed: which spoke and what kind of failure,
//! never the error's text. STS's and the services' messages name account ids and role ARNs
//! ("User: arn:aws:sts::111111111111:assumed-role/… is not authorized to perform sts:AssumeRole
//! on resource: arn:aws:iam::222222222222:role/…"), and `list` answers any workspace member. The
//! full error goes to the log. Every other command's AWS failure is told in the same way, by its
//! action and error code only ([`without_arns`]): a workspace member sees what failed, an operator
//! reads why in the log (handler.rs and click.rs log the whole error).

use super::CommandError;

/// The cause of a spoke's failure in words that name no account, role or resource.
pub fn public_cause(error: &CommandError) -> String {
    match error {
        CommandError::Aws(aws) if aws.lacked_credentials() => aws.public_cause(),
        CommandError::Aws(aws) => format!("{} failed: {}", aws.action, aws.public_cause()),
        _ => "it could not be listed".to_string(),
    }
}

/// A command's AWS failure in words without AWS's message (its account ids and role ARNs): the
/// action and AWS's error code, or the kind of failure; `None` for every other error, shown as it
/// is.
pub fn without_arns(error: &CommandError) -> Option<String> {
    let CommandError::Aws(aws) = error else {
        return None;
    };
    Some(format!(
        "{} ({}; the reason is in slack-command's log); {}",
        aws.lead(),
        aws.public(),
        aws.outcome()
    ))
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
    fn a_commands_aws_failure_names_the_action_and_code_only() {
        let cases = [
            (
                aws(
                    "StopTask",
                    Some("AccessDeniedException"),
                    "User: arn:aws:sts::222222222222:assumed-role/ecs-debug-toolkit-hub-eu-west-1/s is not authorized to perform: ecs:StopTask on resource: arn:aws:ecs:eu-west-1:222222222222:task/c/abc",
                ),
                Some("AWS refused the request (StopTask: AccessDeniedException; the reason is in slack-command's log); nothing was changed"),
            ),
            (
                aws("DescribeTasks", None, "no credentials to send it with (AccessDenied: arn:aws:iam::222222222222:role/x)"),
                Some("AWS refused the request (DescribeTasks: its role could not be assumed; the reason is in slack-command's log); nothing was changed"),
            ),
            (
                aws("TagResource", Some("arn:aws:iam::222222222222:role/x"), "x"),
                Some("AWS refused the request (TagResource: no error code; the reason is in slack-command's log); nothing was changed"),
            ),
            (
                aws("StopTask", None, "the call timed out"),
                Some("The request to AWS failed (StopTask: the call timed out; the reason is in slack-command's log); it may or may not have happened: look before trying again"),
            ),
            (CommandError::NotFound("abc".into()), None),
        ];
        for (error, expected) in cases {
            let words = without_arns(&error);
            assert_eq!(words.as_deref(), expected, "{error}");
            let shown = error.message("/debug").text;
            assert!(
                !shown.contains("arn:") && !shown.contains("2222"),
                "{shown}"
            );
        }
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
                "DescribeClusters failed: no error code",
            ),
            (
                aws("ListTasks", None, "the request could not be sent (timeout)"),
                "ListTasks failed: the request could not be sent (timeout)",
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
